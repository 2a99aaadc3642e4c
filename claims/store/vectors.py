"""Nearest stored claims by sentence vector.

A :class:`VectorIndex` holds the vectors of one store's claims (those of the current encoder model) in
memory and answers "which stored claims are closest to this vector". It never trusts itself over the
database: before each search it asks for the largest ``claim_vector.seq`` (one indexed lookup) and reads
only the vectors committed since; if the database holds fewer than it knows (restored from a backup,
another file in the same place), it starts again. The claims it returns are read from the database, so a
claim deleted since is dropped, never shown.

Two ways to search, by size:

* up to :data:`EXACT_UP_TO` vectors, exact: one matrix product with numpy (a few milliseconds);
* above, an HNSW graph (``usearch``): approximate, a millisecond or two at a million vectors. Building one
  takes minutes at that size, so next to an SQLite file it is kept as a cache, ``<file>.vectors`` (with
  ``<file>.vectors.json``: the model, how many vectors and up to which ``seq`` it covers, and the claim of
  that last ``seq``), written when an import or ``claims db embed`` has added vectors. A store opened later
  maps the file into memory (``usearch``'s view: no reading of the whole graph, a gigabyte at a million
  claims; the pages a search touches are read when touched) and searches the vectors newer than the file
  exactly beside it, merging the two answers; a cache that does not match the database is rebuilt. A
  writer loads the graph into memory, adds the newer vectors and writes the file again once they are more
  than :data:`_RESAVE_SHARE` of it; a store opened read-only does the same in memory only when they are
  more than :data:`EXACT_UP_TO`, and never writes the file. PostgreSQL keeps the graph in memory, per
  process (docs/postgresql.md).

(SQLite's own vector extension, sqlite-vec, cannot be used here: the Python of this platform is built
without loading SQLite extensions.)
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from claims import encoder

#: Above this many vectors, an HNSW graph instead of an exact search.
EXACT_UP_TO = 50_000
# A graph loaded from its file and extended by more than this share is written again (not after each
# claim added: the file is as large as the vectors).
_RESAVE_SHARE = 0.05
_READ_CHUNK = 20_000
_NEWER = sa.text(
    "SELECT claim_id, vector, seq FROM claim_vector WHERE seq > :after AND seq <= :top AND model = :model "
    "ORDER BY seq LIMIT :n"
)
_CLAIM_OF = sa.text("SELECT claim_id FROM claim_vector WHERE seq = :seq")


class VectorIndex:
    """The vectors of one store, searchable. ``cache``: where the HNSW graph is kept (None: memory only);
    ``read_only``: never write the cache."""

    def __init__(self, cache: Path | None = None, *, read_only: bool = False) -> None:
        self.cache = cache
        self.read_only = read_only
        self.seq = 0  # the largest seq read
        self.last_claim = 0  # the claim of that seq
        # searched exactly: every vector without a graph; with one, those the graph does not hold
        self.ids = np.zeros(0, dtype=np.int64)
        self.matrix = np.zeros((0, encoder.DIM), dtype=np.float32)
        self.graph: Any = None  # HNSW mode (usearch.index.Index)
        self.viewed = False  # the graph is the cache file mapped into memory: it cannot change
        self.unsaved = 0  # vectors known here that the cache file does not have

    def __len__(self) -> int:
        return (len(self.graph) if self.graph is not None else 0) + len(self.ids)

    # -- keeping up with the database -----------------------------------------------------------------

    def refresh(self, conn: Connection) -> None:
        """Read the vectors committed since the last call (all of them the first time)."""
        top = int(conn.exec_driver_sql("SELECT max(seq) FROM claim_vector").scalar() or 0)
        if top == self.seq and self._same_last(conn):
            return
        if top < self.seq or (self.seq and not self._same_last(conn)):
            self._reset()
        if self.seq == 0 and self.cache is not None and top:
            self._load_cache(conn)
        # Many to read: into a graph as they come (seq numbers bound how many there are), never into a
        # growing matrix first.
        coming = top - self.seq
        if self.graph is None and len(self.ids) + coming > EXACT_UP_TO:
            self._build_graph()
        elif self.viewed and len(self.ids) + coming > self._exact_beside_graph():
            self._load_graph(conn)
        self._read(conn, top)
        if self.graph is None and len(self.ids) > EXACT_UP_TO:
            self._build_graph()
        self._save_if_due()

    def update_cache(self, conn: Connection) -> None:
        """After vectors were written: bring the graph file up to date (a large store beside an SQLite file
        only), so that the stores opened read-only later (``claims check``) load it instead of building it."""
        if self.cache is None or self.read_only:
            return
        top = int(conn.exec_driver_sql("SELECT max(seq) FROM claim_vector").scalar() or 0)
        if top > EXACT_UP_TO:
            self.refresh(conn)

    def _exact_beside_graph(self) -> int:
        """How many vectors newer than a mapped graph file are searched exactly beside it before the graph
        is loaded to take them (a writer then writes the file again)."""
        if self.read_only:
            return EXACT_UP_TO
        return int(_RESAVE_SHARE * len(self.graph))

    def _same_last(self, conn: Connection) -> bool:
        return _claim_of(conn, self.seq) == self.last_claim

    def _reset(self) -> None:
        self.__init__(self.cache, read_only=self.read_only)  # type: ignore[misc]

    def _read(self, conn: Connection, top: int) -> None:
        """Add the vectors with seq in (self.seq, top] of the current model."""
        after = self.seq
        while after < top:
            rows = conn.execute(
                _NEWER, {"after": after, "top": top, "model": encoder.MODEL, "n": _READ_CHUNK}
            ).all()
            if not rows:
                break
            ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
            blob = b"".join(bytes(r[1]) for r in rows)
            vectors = np.frombuffer(blob, dtype="<f2").reshape(len(rows), encoder.DIM).astype(np.float32)
            self._add(ids, vectors)
            after = int(rows[-1][2])
        self.seq = top
        self.last_claim = _claim_of(conn, top)

    def _add(self, ids: np.ndarray, vectors: np.ndarray) -> None:
        if self.graph is not None:
            self.unsaved += len(ids)
        if self.graph is not None and not self.viewed:
            # a claim whose vector was replaced (another model before) keeps one entry
            known = ids[np.asarray(self.graph.contains(ids), dtype=bool)]
            if len(known):
                self.graph.remove(known)
            self.graph.add(ids, vectors, threads=_threads())
            return
        self.ids = np.concatenate([self.ids, ids])
        self.matrix = np.concatenate([self.matrix, vectors])
        if len(np.unique(self.ids)) != len(self.ids):  # replaced vectors: keep the newest of each claim
            _, last = np.unique(self.ids[::-1], return_index=True)
            keep = np.sort(len(self.ids) - 1 - last)
            self.ids, self.matrix = self.ids[keep], self.matrix[keep]

    def _build_graph(self) -> None:
        graph = _new_graph()
        if len(self.ids):
            graph.add(self.ids, self.matrix, threads=_threads())
        self.graph = graph
        self.viewed = False
        self.unsaved = len(graph)
        self._clear_exact()

    def _clear_exact(self) -> None:
        self.ids = np.zeros(0, dtype=np.int64)
        self.matrix = np.zeros((0, encoder.DIM), dtype=np.float32)

    def _load_graph(self, conn: Connection) -> None:
        """Replace the mapped graph by the cache file loaded into memory, which can take more vectors, and
        move the vectors searched beside it into it."""
        mapped = len(self.graph)
        graph = _new_graph()
        try:
            graph.load(str(self.cache))
            same = len(graph) == mapped
        except (OSError, RuntimeError, ValueError):
            same = False
        if not same:  # the file was replaced since it was mapped: start again from the database
            self._reset()
            self._read(conn, int(conn.exec_driver_sql("SELECT max(seq) FROM claim_vector").scalar() or 0))
            if self.graph is None and len(self.ids) > EXACT_UP_TO:
                self._build_graph()
            return
        ids, matrix = self.ids, self.matrix
        self._clear_exact()
        self.graph, self.viewed = graph, False
        self.unsaved = 0
        if len(ids):
            self._add(ids, matrix)

    # -- the cache file ---------------------------------------------------------------------------------

    def _meta_path(self) -> Path:
        assert self.cache is not None
        return self.cache.with_name(self.cache.name + ".json")

    def _load_cache(self, conn: Connection) -> None:
        """Start from the cached graph, mapped into memory, if it matches the database (else leave it: it is
        rebuilt)."""
        try:
            meta = json.loads(self._meta_path().read_text(encoding="utf-8"))
            if meta.get("model") != encoder.MODEL or meta.get("dim") != encoder.DIM:
                return
            graph = _new_graph(lookups=False)
            graph.view(str(self.cache))
            if len(graph) != int(meta["vectors"]):
                return
            self.seq, self.last_claim = int(meta["seq"]), int(meta["last_claim"])
        except (OSError, ValueError, KeyError, TypeError, RuntimeError):
            return
        if not self._same_last(conn):
            self.seq = self.last_claim = 0
            return
        self.graph = graph
        self.viewed = True
        self.unsaved = 0

    def _save_if_due(self) -> None:
        if self.graph is None or self.cache is None or self.read_only or not self.unsaved:
            return
        if self.viewed:  # what the file lacks is searched beside it until there is enough to write again
            return
        if self.unsaved < len(self.graph) and self.unsaved <= _RESAVE_SHARE * len(self.graph):
            return
        temp = self.cache.with_name(self.cache.name + f".{os.getpid()}.part")
        meta_temp = temp.with_name(temp.name + ".json")
        meta = {
            "model": encoder.MODEL,
            "dim": encoder.DIM,
            "vectors": len(self.graph),
            "seq": self.seq,
            "last_claim": self.last_claim,
        }
        try:
            self.graph.save(str(temp))
            meta_temp.write_text(json.dumps(meta), encoding="utf-8")
            # the metadata goes last and names what the graph holds: a graph without matching metadata is
            # ignored, so a kill between the two renames costs a rebuild, never a wrong answer
            self._meta_path().unlink(missing_ok=True)
            os.replace(temp, self.cache)
            os.replace(meta_temp, self._meta_path())
            self.unsaved = 0
        except OSError:  # a cache that cannot be written is rebuilt next time; the search goes on
            temp.unlink(missing_ok=True)
            meta_temp.unlink(missing_ok=True)

    # -- searching --------------------------------------------------------------------------------------

    def nearest(self, query: np.ndarray, k: int) -> list[tuple[int, float]]:
        """The ``k`` stored claims closest to the unit vector ``query``: (claim id, cosine), best first."""
        if k < 1 or len(self) == 0:
            return []
        query = np.asarray(query, dtype=np.float32)
        found: dict[int, float] = {}
        if self.graph is not None and len(self.graph):
            hits = self.graph.search(query, min(k, len(self.graph)))
            found = {int(i): float(1.0 - d) for i, d in zip(hits.keys, hits.distances, strict=True)}
        if len(self.ids):
            scores = self.matrix @ query
            n = min(k, len(scores))
            top = np.argpartition(-scores, n - 1)[:n] if n < len(scores) else np.arange(len(scores))
            # the exact part is newer than the graph: its score for a claim in both is the current one
            found.update({int(self.ids[j]): float(scores[j]) for j in top})
        return sorted(found.items(), key=lambda hit: -hit[1])[:k]


def _claim_of(conn: Connection, seq: int) -> int:
    """The claim whose vector has ``seq`` (0: none)."""
    if not seq:
        return 0
    return int(conn.execute(_CLAIM_OF, {"seq": seq}).scalar() or 0)


# The graph's breadth when a vector is added and when one is searched. At 200,000 vectors, recall@10
# against an exact search: 64 per insertion and 256 per search 0.968 (2 ms), usearch's default 128 per
# insertion and 128 per search 0.953 with a build 2.6 times as long, which a million-claim `claims db embed`
# cannot afford (docs/benchmarks.md, "A million claims with vectors").
_EXPANSION_ADD = 64
_EXPANSION_SEARCH = 256


def _new_graph(*, lookups: bool = True) -> Any:
    """An empty graph. ``lookups``: keep a table from claim id to node, which adding and removing need; a
    mapped graph only searches, and building that table reads every node of the file (0.37 against 0.12 s
    at a million)."""
    from usearch.index import Index

    return Index(
        ndim=encoder.DIM,
        metric="cos",
        dtype="f16",
        connectivity=16,
        expansion_add=_EXPANSION_ADD,
        expansion_search=_EXPANSION_SEARCH,
        enable_key_lookups=lookups,
    )


def _threads() -> int:
    return max(1, min(4, os.cpu_count() or 1))


def as_queries(vectors: Sequence[Any] | np.ndarray) -> np.ndarray:
    """Query vectors as a (n, DIM) float32 array of unit rows; a ValueError for any other shape."""
    array = np.asarray(vectors, dtype=np.float32)
    if array.ndim == 1:
        array = array[None, :]
    if array.ndim != 2 or (array.size and array.shape[1] != encoder.DIM):
        raise ValueError(f"query vectors must have {encoder.DIM} numbers each, not shape {array.shape}")
    norms = np.linalg.norm(array, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return array / norms
