"""The gallery: every enrolled template of the active embedder, searchable in about a millisecond.

Templates live in a usearch HNSW graph keyed by template id (inner product on L2-normalised float32
vectors = cosine). Small galleries are searched exactly with one numpy matrix product instead, which
is faster below ``exact_limit`` templates (measured crossover, see ``EXACT_LIMIT``).

A query finds its nearest templates, groups them into candidate people, and scores each candidate by
the cosine to the centroid of that person's templates (``scoring="centroid"``, measured better than
the best single template, ``"max"``; see :mod:`kiosk.gallery.person_sums`). The answer is the best
person, accepted when its similarity reaches ``threshold`` and it leads the second-best person by at
least ``margin``.

The database is the truth. The graph is a cache of it, persisted next to the database (see
:mod:`kiosk.gallery.persist`) so a kiosk with 100k people is ready in well under two seconds: at
startup the stored fingerprint is compared with the database's; if they differ the stored key set is
diffed with the database's and only the difference is added or removed. Enrolment only updates the
in-memory graph; :meth:`Gallery.flush` (call it when idle, and at exit via :meth:`Gallery.close`)
syncs with the database and saves. A crash between a database commit and a save therefore costs a
small repair at the next startup, never a wrong gallery.

All public methods are thread-safe (one lock: the matcher and the enrolment screen may run on
different threads; a flush blocks matching for the duration of the save).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from kiosk.gallery import persist
from kiosk.gallery.person_sums import PersonSums
from kiosk.gallery.source import TemplateSource

log = logging.getLogger(__name__)

# Galleries up to this many templates are searched exactly with numpy: faster than the graph there
# (`kiosk bench gallery --crossover`, 128-d, single query p50: 8k 0.35 vs 0.60 ms, 16k 0.69 vs 0.75 ms,
# 24k 0.74 vs 0.53 ms) and the similarities are exact.
EXACT_LIMIT = 16384
# HNSW parameters, measured with `kiosk bench gallery` at 100k people x 3 templates (128-d): the graph
# stores int8 (3x faster search than float32 at equal recall); connectivity 32 / expansion 128 give
# recall@1 = 1.0 where 16 / 64 gave 0.78. Final person scores never use the int8 copies (see _f32_vectors).
CONNECTIVITY = 32
EXPANSION_ADD = 128
EXPANSION_SEARCH = 128
DTYPE = "i8"
# Templates fetched per query before grouping them into people.
TOP_K = 16
SCORINGS = ("centroid", "max")
# Floats per block of a single exact query (2048 x 128 stays single-threaded in OpenBLAS).
_EXACT_BLOCK = 2048 * 128
# Vectors added per usearch call during a rebuild or repair (bounds the temporary copy).
_CHUNK = 32768


@dataclass(frozen=True, slots=True)
class MatchResult:
    """Who a face is, or that it is nobody enrolled.

    ``person_id``/``name`` are None for an unknown face; ``candidate_id`` and ``similarity`` are the
    best-scoring person either way (None/0.0 only for an empty gallery); ``margin`` is the lead of the
    best person over the second-best one (a lone person counts its rival as similarity 0).
    """

    person_id: int | None
    name: str | None
    candidate_id: int | None
    similarity: float
    margin: float

    @property
    def known(self) -> bool:
        """True when the face was accepted as an enrolled person."""
        return self.person_id is not None


def _normalised(vectors: np.ndarray, dim: int) -> np.ndarray:
    v = np.asarray(vectors, dtype=np.float32)
    if v.ndim == 2 and v.shape[0] == 0 and v.shape[1] in (0, dim):
        return np.zeros((0, dim), np.float32)
    if v.ndim == 1:
        v = v[None, :]
    if v.ndim != 2 or v.shape[1] != dim:
        raise ValueError(f"expected {dim}-d embeddings, got shape {np.shape(vectors)}")
    n = np.linalg.norm(v, axis=1, keepdims=True)
    if not np.all(np.isfinite(n)) or np.any(n == 0):
        raise ValueError("embedding with zero length or non-finite values")
    return np.ascontiguousarray(v / n, dtype=np.float32)


class Gallery:
    """Open-set identification over the templates of one embedder.

    ``threshold``: minimum cosine similarity to accept; ``margin``: minimum lead of the best person
    over the second-best; ``index_path``: the persisted gallery (None: in memory only, built from the
    source by :meth:`ready`).
    """

    def __init__(
        self,
        source: TemplateSource,
        model_id: str,
        dim: int,
        threshold: float,
        margin: float = 0.05,
        index_path: Path | None = None,
        *,
        exact_limit: int = EXACT_LIMIT,
        connectivity: int = CONNECTIVITY,
        expansion_add: int = EXPANSION_ADD,
        expansion_search: int = EXPANSION_SEARCH,
        dtype: str = DTYPE,
        scoring: str = "centroid",
    ) -> None:
        if scoring not in SCORINGS:
            raise ValueError(f"scoring must be one of {SCORINGS}, not {scoring!r}")
        self.source = source
        self.model_id = model_id
        self.dim = int(dim)
        self.threshold = float(threshold)
        self.margin = float(margin)
        self.index_path = Path(index_path) if index_path is not None else None
        self.exact_limit = int(exact_limit)
        self.connectivity = int(connectivity)
        self.expansion_add = int(expansion_add)
        self.expansion_search = int(expansion_search)
        self.dtype = dtype
        self.scoring = scoring
        self._lock = threading.RLock()
        self._index = None  # usearch Index once ready
        self._keys = np.zeros(0, np.int64)  # sorted template ids
        self._persons = np.zeros(0, np.int64)  # person of each key
        self._matrix: np.ndarray | None = None  # rows of _keys, only while exact search is used
        self._sums = PersonSums(self.dim)  # per-person template sums (centroid scoring)
        self._names: dict[int, str] = {}
        self._fingerprint: str | None = None  # the source's fingerprint the keys were synced to
        self._local_changes = False  # add/remove since the last sync
        self._dirty = False  # differs from the saved files
        self._data_name: str | None = None  # current graph file of the sidecar
        self.last_ready: str = ""  # "loaded" | "repaired" | "rebuilt" | "built" (for logs and tests)

    # --- startup ------------------------------------------------------------------------------

    def ready(self) -> None:
        """Load the persisted gallery (or build it), then bring it in line with the source."""
        from usearch.index import Index, MetricKind

        with self._lock:
            self._index = None
            self._matrix = None
            loaded = False
            if self.index_path is not None:
                try:
                    self._load(Index, MetricKind)
                    loaded = True
                except persist.GalleryFileError as exc:
                    if persist.sidecar_path(self.index_path).exists() or persist.data_glob(self.index_path):
                        log.warning("gallery index unusable, rebuilding from the database: %s", exc)
                    else:
                        log.info("no gallery index yet (%s): building it", exc)
                    persist.discard(self.index_path)
            if loaded:
                changed = self._sync()
                self.last_ready = "repaired" if changed else "loaded"
                if changed:
                    log.info("gallery repaired: %d template(s) changed since the last save", changed)
            else:
                self._rebuild(Index, MetricKind)
                self.last_ready = "rebuilt" if self.index_path is not None else "built"
                if self.index_path is not None:
                    # A rebuild is the slow path; save it right away so the next start is fast.
                    self._save()
            self._refresh_exact()

    def _new_index(self, index_cls: type, metric_kind: object) -> object:
        # int8 needs the cosine metric (its inner product is unscaled); on unit float vectors the inner
        # product is the cosine without the extra norms.
        metric = metric_kind.Cos if self.dtype == "i8" else metric_kind.IP  # type: ignore[attr-defined]
        return index_cls(
            ndim=self.dim,
            metric=metric,
            dtype=self.dtype,
            connectivity=self.connectivity,
            expansion_add=self.expansion_add,
            expansion_search=self.expansion_search,
        )

    def _load(self, index_cls: type, metric_kind: object) -> None:
        assert self.index_path is not None
        meta, arrays = persist.read_sidecar(self.index_path)
        keys, persons = arrays["keys"], arrays["persons"]
        if meta.model_id != self.model_id or meta.dim != self.dim or meta.dtype != self.dtype:
            raise persist.GalleryFileError(
                f"stored for {meta.model_id} ({meta.dim}-d {meta.dtype}), need {self.model_id} "
                f"({self.dim}-d {self.dtype})")
        if len(keys) > 1 and not np.all(keys[1:] > keys[:-1]):
            raise persist.GalleryFileError("stored keys are not sorted")
        data = persist.verify_data(self.index_path, meta)
        index = self._new_index(index_cls, metric_kind)
        try:
            index.load(str(data))  # type: ignore[attr-defined]
        except (RuntimeError, ValueError, OSError) as exc:
            raise persist.GalleryFileError(f"{data}: {exc}") from None
        if len(index) != len(keys) or (len(keys) and not bool(np.all(index.contains(keys)))):  # type: ignore
            raise persist.GalleryFileError(f"{data} does not hold the keys its sidecar lists")
        try:
            sums = PersonSums.from_arrays(self.dim, arrays["sum_pids"], arrays["sums"], arrays["counts"])
        except (KeyError, ValueError) as exc:
            raise persist.GalleryFileError(f"person sums missing or malformed ({exc})") from None
        if sums.total != len(keys) or len(sums) != len(np.unique(persons)):
            raise persist.GalleryFileError("person sums disagree with the keys")
        index.expansion_search = self.expansion_search  # type: ignore[attr-defined]
        # Stray files of an interrupted save are no longer of use.
        for p in persist.data_glob(self.index_path):
            if p.name != meta.data_file:
                p.unlink(missing_ok=True)
        self._index = index
        self._keys, self._persons = keys, persons
        self._sums = sums
        self._fingerprint = meta.fingerprint
        self._data_name = meta.data_file
        self._dirty = False
        self._local_changes = False
        self._names.clear()

    def _rebuild(self, index_cls: type, metric_kind: object) -> None:
        # Fingerprint before keys: a change in between only makes the stored fingerprint older
        # than the keys, which the next sync repairs (never the other way round).
        fp = self.source.gallery_fingerprint(self.model_id)
        keys, persons = self.source.gallery_keys(self.model_id)
        keys, persons = self._sorted(keys, persons)
        index = self._new_index(index_cls, metric_kind)
        sums = PersonSums(self.dim)
        for i in range(0, len(keys), _CHUNK):
            chunk = keys[i : i + _CHUNK]
            vectors = _normalised(self.source.gallery_vectors(self.model_id, chunk), self.dim)
            index.add(chunk, vectors)  # type: ignore[attr-defined]
            sums.update(persons[i : i + _CHUNK], vectors, +1)
        self._index = index
        self._keys, self._persons = keys, persons
        self._sums = sums
        self._fingerprint = fp
        self._data_name = None
        self._dirty = True
        self._local_changes = False
        self._names.clear()
        log.info("gallery built: %d templates", len(keys))

    @staticmethod
    def _sorted(keys: np.ndarray, persons: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        keys = np.asarray(keys, np.int64)
        persons = np.asarray(persons, np.int64)
        if len(keys) > 1 and not np.all(keys[1:] > keys[:-1]):
            order = np.argsort(keys, kind="stable")
            keys, persons = keys[order], persons[order]
        return keys, persons

    def _sync(self) -> int:
        """Make the key set equal to the source's; returns how many templates were added/removed."""
        fp = self.source.gallery_fingerprint(self.model_id)
        if fp == self._fingerprint and not self._local_changes:
            return 0
        keys, persons = self._sorted(*self.source.gallery_keys(self.model_id))
        extra = np.setdiff1d(self._keys, keys, assume_unique=True)
        missing = np.setdiff1d(keys, self._keys, assume_unique=True)
        index = self._index
        resum: set[int] = set()
        if len(extra):
            old_persons = self._persons[np.searchsorted(self._keys, extra)]
            if self.dtype == "f32":
                self._sums.update(old_persons, self._stored_vectors(extra), -1)
            else:
                resum.update(old_persons.tolist())
            index.remove(extra)  # type: ignore[attr-defined]
        for i in range(0, len(missing), _CHUNK):
            chunk = missing[i : i + _CHUNK]
            vectors = _normalised(self.source.gallery_vectors(self.model_id, chunk), self.dim)
            index.add(chunk, vectors)  # type: ignore[attr-defined]
            self._sums.update(persons[np.searchsorted(keys, chunk)], vectors, +1)
        changed = int(len(extra) + len(missing))
        # A kept template that changed hands (not something the store does, but cheap to honour).
        kept = np.isin(keys, self._keys, assume_unique=True)
        before = self._persons[np.searchsorted(self._keys, keys[kept])] if len(self._keys) else keys[kept]
        moved = np.flatnonzero(before != persons[kept])
        if len(moved):
            resum.update(before[moved].tolist())
            resum.update(persons[kept][moved].tolist())
        self._keys, self._persons = keys, persons
        if resum:
            self._resum(resum)
        self._fingerprint = fp
        self._local_changes = False
        if changed or len(moved):
            self._dirty = True
            self._names.clear()
            self._matrix = None
            self._refresh_exact()
        return changed

    # --- persistence --------------------------------------------------------------------------

    def _save(self) -> None:
        assert self.index_path is not None and self._index is not None
        self.index_path.parent.mkdir(parents=True, exist_ok=True)
        data = persist.new_data_path(self.index_path, self._data_name)
        tmp = data.with_name(data.name + ".tmp")
        self._index.save(str(tmp))  # type: ignore[attr-defined]
        size, crc = persist.finish_data(tmp, data)
        meta = persist.StoredMeta(self.model_id, self.dim, self.dtype, self._fingerprint or "", data.name, size, crc)
        pids, sums, counts = self._sums.to_arrays()
        persist.commit(self.index_path, data, meta, {"keys": self._keys, "persons": self._persons,
                                                      "sum_pids": pids, "sums": sums, "counts": counts})
        self._data_name = data.name
        self._dirty = False

    def flush(self) -> bool:
        """Sync with the source and save if anything changed; returns True when files were written.

        Call it when the kiosk is idle (e.g. a minute after an enrolment) and at exit: it takes about
        as long as writing the graph (milliseconds for hundreds of people, ~1 s for 100k).
        """
        with self._lock:
            self._require_ready()
            self._sync()
            if self.index_path is None or not self._dirty:
                return False
            self._save()
            return True

    def sync(self) -> int:
        """Bring the in-memory gallery in line with the source (another process changed it)."""
        with self._lock:
            self._require_ready()
            return self._sync()

    def close(self) -> None:
        """Flush and release the graph. A failed save is logged, not raised: the database is the
        truth and the next start repairs the index from it."""
        with self._lock:
            if self._index is None:
                return
            try:
                self.flush()
            except OSError as exc:
                log.warning("could not save the gallery index (%s); it will be repaired at the next start", exc)
            finally:
                self._index = None
                self._matrix = None

    # --- updates ------------------------------------------------------------------------------

    def add(self, template_id: int, person_id: int, embedding: np.ndarray, name: str | None = None) -> None:
        """Add one template (already committed to the source) without a rebuild."""
        v = _normalised(embedding, self.dim)
        tid, pid = int(template_id), int(person_id)
        with self._lock:
            self._require_ready()
            pos = int(np.searchsorted(self._keys, tid))
            if pos < len(self._keys) and self._keys[pos] == tid:
                self._drop_positions(np.array([pos]))
            self._index.add(tid, v[0], threads=1)  # type: ignore[union-attr]
            self._sums.update(np.array([pid]), v, +1)
            self._keys = np.insert(self._keys, pos, tid)
            self._persons = np.insert(self._persons, pos, pid)
            if self._matrix is not None:
                self._matrix = np.insert(self._matrix, pos, v[0], axis=0)
            if name is not None:
                self._names[pid] = name
            self._changed()

    def remove_templates(self, template_ids: Sequence[int] | np.ndarray) -> int:
        """Remove templates by id; returns how many were in the gallery."""
        ids = np.unique(np.asarray(template_ids, np.int64))
        with self._lock:
            self._require_ready()
            pos = np.searchsorted(self._keys, ids)
            pos = pos[(pos < len(self._keys)) & (self._keys[np.minimum(pos, len(self._keys) - 1)] == ids)] \
                if len(self._keys) else pos[:0]
            self._drop_positions(pos)
            if len(pos):
                self._changed()
            return len(pos)

    def remove_person(self, person_id: int) -> int:
        """Remove every template of a person; returns how many there were."""
        with self._lock:
            self._require_ready()
            pos = np.flatnonzero(self._persons == int(person_id))
            self._drop_positions(pos)
            self._names.pop(int(person_id), None)
            if len(pos):
                self._changed()
            return len(pos)

    def set_name(self, person_id: int, name: str) -> None:
        """Update a cached display name (after a rename in the store)."""
        with self._lock:
            self._names[int(person_id)] = name

    def _stored_vectors(self, keys: np.ndarray) -> np.ndarray:
        """The graph's own copies of ``keys``' vectors (float32, n x dim)."""
        rows = self._index.get(keys, dtype="f32")  # type: ignore[union-attr]
        if any(r is None for r in rows):
            raise RuntimeError("gallery graph lost a vector it should hold")
        return np.asarray(np.vstack(rows), np.float32).reshape(len(keys), self.dim)

    def _f32_vectors(self, keys: np.ndarray) -> np.ndarray:
        """Exact float32 vectors of ``keys``: the graph's own copies when it stores float32, else the
        source's (a quantised graph's copies are only good enough to find candidates)."""
        if self.dtype == "f32" or not len(keys):
            return self._stored_vectors(keys)
        try:
            return _normalised(self.source.gallery_vectors(self.model_id, keys), self.dim)
        except Exception as exc:  # the source no longer has them (e.g. an add it never committed)
            log.debug("exact vectors not in the source (%s): using the graph's copies", exc)
            return self._stored_vectors(keys)

    def _resum(self, persons: set[int]) -> None:
        """Recompute these persons' template sums from exact vectors (after a partial removal)."""
        for p in persons:
            self._sums.drop(p)
            keys = self._keys[self._persons == p]
            if len(keys):
                self._sums.update(np.full(len(keys), p, np.int64), self._f32_vectors(keys), +1)

    def _drop_positions(self, pos: np.ndarray) -> None:
        if not len(pos):
            return
        persons = self._persons[pos]
        if self.dtype == "f32":
            self._sums.update(persons, self._stored_vectors(self._keys[pos]), -1)
        self._index.remove(self._keys[pos])  # type: ignore[union-attr]
        self._keys = np.delete(self._keys, pos)
        self._persons = np.delete(self._persons, pos)
        if self._matrix is not None:
            self._matrix = np.delete(self._matrix, pos, axis=0)
        if self.dtype != "f32":
            self._resum(set(persons.tolist()))

    def _changed(self) -> None:
        self._dirty = True
        self._local_changes = True
        self._refresh_exact()

    def _refresh_exact(self) -> None:
        """Keep the exact-search matrix while the gallery is small, drop it when it grows."""
        n = len(self._keys)
        if n > self.exact_limit:
            self._matrix = None
        elif self._matrix is None and n <= int(self.exact_limit * 0.9):
            # Built a little below the limit so a gallery hovering at it does not flip-flop.
            if n == 0:
                self._matrix = np.zeros((0, self.dim), np.float32)
            else:
                self._matrix = np.ascontiguousarray(self._f32_vectors(self._keys))

    # --- queries ------------------------------------------------------------------------------

    @property
    def size(self) -> int:
        """Number of templates."""
        return len(self._keys)

    @property
    def people(self) -> int:
        """Number of distinct people."""
        return len(self._sums)

    def template_ids(self) -> np.ndarray:
        """The template ids in the gallery, sorted (a copy)."""
        with self._lock:
            return self._keys.copy()

    def person_of(self, template_ids: np.ndarray) -> np.ndarray:
        """Person id of each template id (-1 for ids not in the gallery)."""
        ids = np.asarray(template_ids, np.int64)
        with self._lock:
            if not len(self._keys):
                return np.full(len(ids), -1, np.int64)
            pos = np.clip(np.searchsorted(self._keys, ids), 0, len(self._keys) - 1)
            return np.where(self._keys[pos] == ids, self._persons[pos], -1)

    @property
    def dirty(self) -> bool:
        """True when the in-memory gallery differs from the saved files."""
        return self._dirty

    @property
    def exact(self) -> bool:
        """True while searches are exact (numpy) rather than through the graph."""
        return self._matrix is not None

    def _require_ready(self) -> None:
        if self._index is None:
            raise RuntimeError("Gallery.ready() has not been called (or the gallery is closed)")

    def _exact_sims(self, q: np.ndarray) -> np.ndarray:
        """q @ matrix.T; a single query goes in blocks small enough for BLAS to stay on one thread.

        (OpenBLAS hands a matrix-vector product of more than ~4k x 128 to its thread pool; on a busy
        2-core machine waking it cost a flat 12 ms per query, 50x the work itself.)
        """
        m = self._matrix
        assert m is not None
        if len(q) > 4:
            return q @ m.T
        out = np.empty((len(q), len(m)), np.float32)
        rows = max(64, _EXACT_BLOCK // self.dim)
        for i in range(0, len(m), rows):
            out[:, i : i + rows] = q @ m[i : i + rows].T
        return out

    def _template_hits(self, q: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """(person ids, similarities) of the k best templates of each query row, best first.

        Missing hits (graph returned fewer) have person id -1 and similarity -inf.
        """
        n = len(self._keys)
        k = min(k, n)
        if self._matrix is not None:
            sims = self._exact_sims(q)
            if k < n:
                part = np.argpartition(-sims, k - 1, axis=1)[:, :k]
                ps = np.take_along_axis(sims, part, axis=1)
                order = np.argsort(-ps, axis=1, kind="stable")
                idx = np.take_along_axis(part, order, axis=1)
            else:
                idx = np.argsort(-sims, axis=1, kind="stable")
            return self._persons[idx], np.take_along_axis(sims, idx, axis=1)
        m = self._index.search(q, k, threads=1 if len(q) == 1 else 0)  # type: ignore[union-attr]
        keys = np.asarray(m.keys, np.int64).reshape(len(q), -1)
        dist = np.asarray(m.distances, np.float32).reshape(len(q), -1)
        counts = np.asarray(m.counts).reshape(-1) if hasattr(m, "counts") and np.ndim(m.counts) else \
            np.full(len(q), keys.shape[1])
        valid = np.arange(keys.shape[1])[None, :] < counts[:, None]
        pos = np.clip(np.searchsorted(self._keys, np.where(valid, keys, 0)), 0, max(n - 1, 0))
        valid &= self._keys[pos] == keys
        persons = np.where(valid, self._persons[pos], -1)
        sims = np.where(valid, 1.0 - dist, -np.inf).astype(np.float32)
        return persons, sims

    def _best_two(self, q: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per query: best person, its score, and the second-best person's score (0 without a rival)."""
        persons, sims = self._template_hits(q, TOP_K)
        n, many = len(self._keys), len(self._sums) > 1
        best = np.full(len(q), -1, np.int64)
        top = np.zeros(len(q), np.float32)
        second = np.zeros(len(q), np.float32)
        for i in range(len(q)):
            row_p, row_s = persons[i], sims[i]
            cands, first = np.unique(row_p[row_p >= 0], return_index=True)
            k = row_p.shape[0]
            # The best person filled all k hits: look further for a rival (≥ k templates of one person).
            while many and len(cands) < 2 and k < n:
                k = min(n, k * 4)
                p2, s2 = self._template_hits(q[i : i + 1], k)
                row_p, row_s = p2[0], s2[0]
                cands, first = np.unique(row_p[row_p >= 0], return_index=True)
            if not len(cands):
                continue
            # max: hits come best first, so a person's first hit is their best template.
            scores = (row_s[row_p >= 0][first] if self.scoring == "max"
                      else self._sums.centroids(cands.tolist()) @ q[i])
            order = np.argsort(-scores, kind="stable")
            best[i], top[i] = cands[order[0]], scores[order[0]]
            if len(order) > 1:
                second[i] = scores[order[1]]
        return best, top, second

    def match(self, embedding: np.ndarray) -> MatchResult:
        """The best person for one embedding, accepted or unknown."""
        return self.match_many(np.asarray(embedding)[None, :] if np.ndim(embedding) == 1 else embedding)[0]

    def match_many(self, embeddings: np.ndarray) -> list[MatchResult]:
        """:meth:`match` for a batch (n, dim)."""
        q = _normalised(embeddings, self.dim)
        with self._lock:
            self._require_ready()
            if not len(q):
                return []
            if not len(self._keys):
                return [MatchResult(None, None, None, 0.0, 0.0) for _ in range(len(q))]
            best, top, second = self._best_two(q)
            accepted = (top >= self.threshold) & ((top - second) >= self.margin)
            want = sorted({int(p) for p, a in zip(best, accepted, strict=True) if a} - self._names.keys())
            if want:
                self._names.update(self.source.person_names(want))
            out = []
            for p, s, s2, a in zip(best.tolist(), top.tolist(), second.tolist(), accepted.tolist(), strict=True):
                pid = int(p) if p >= 0 else None
                a = a and pid is not None
                out.append(MatchResult(pid if a else None, self._names.get(int(p)) if a else None, pid,
                                       float(s), float(s - s2)))
            return out
