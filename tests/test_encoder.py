"""The sentence encoder: one vector space for Arabic and English, loaded from the installed package."""

import numpy as np

from claims import encoder


def test_a_sentence_and_its_translation_are_closer_than_another_topic():
    v = encoder.encode(
        [
            "North Korea has sent troops to Russia.",
            "أرسلت كوريا الشمالية قوات إلى روسيا.",
            "The central bank left interest rates unchanged.",
        ]
    )
    assert v.shape == (3, encoder.DIM)
    sims = encoder.cosine(v, v)
    assert sims[0, 1] > 0.6
    assert sims[0, 1] > sims[0, 2] + 0.3


def test_vectors_are_unit_length_and_survive_storage():
    v = encoder.encode(["دخلت المعاهدة حيز التنفيذ", ""])
    assert np.allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-3)
    back = encoder.from_bytes(encoder.to_bytes(v[0]))
    assert float(back @ v[0]) > 0.999


def test_nothing_to_encode_is_an_empty_matrix():
    assert encoder.encode([]).shape == (0, encoder.DIM)
