"""The template index: every template vector of one embedder, searchable in about a millisecond, in memory.

Templates live in a usearch HNSW graph keyed by template id (inner product on L2-normalised float32
vectors = cosine). Small galleries are searched exactly with one numpy matrix product instead, which
is faster below ``exact_limit`` templates (measured crossover, see ``EXACT_LIMIT``). Beside the graph
the index keeps the sorted template ids, the person of each, and per-person sums of the template
vectors (the centroids people are scored by, :mod:`kiosk.gallery.person_sums`).

The index never talks to the store: every vector it needs arrives with the change that adds it
(:class:`IndexChange`). Changing it is two steps so that the gallery's lock is held only for the
cheap one: :meth:`TemplateIndex.stage` builds the new key arrays (and exact matrix) beside the live
ones, :meth:`TemplateIndex.commit` then edits the graph and the sums and swaps the arrays in. The
index is not thread-safe by itself: :class:`kiosk.gallery.Gallery` lets one writer at a time stage
(reading the live arrays is safe because only that writer replaces them) and commits under the lock
its searches take.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from kiosk.gallery import persist
from kiosk.gallery.person_sums import PersonSums
from kiosk.store.crypto import DataCipher

log = logging.getLogger(__name__)

# Galleries up to this many templates are searched exactly with numpy: faster than the graph there
# (`kiosk bench gallery --crossover`, 128-d, single query p50: 8k 0.35 vs 0.60 ms, 16k 0.69 vs 0.75 ms,
# 24k 0.74 vs 0.53 ms) and the similarities are exact.
EXACT_LIMIT = 16384
# HNSW parameters, measured with `kiosk bench gallery` at 100k people x 3 templates (128-d): the graph
# stores int8 (3x faster search than float32 at equal recall); connectivity 32 / expansion 128 give
# recall@1 = 1.0 where 16 / 64 gave 0.78. Final person scores never use the int8 copies (see exact_vectors).
CONNECTIVITY = 32
EXPANSION_ADD = 128
EXPANSION_SEARCH = 128
DTYPE = "i8"
# Floats per block of a single exact query (2048 x 128 stays single-threaded in OpenBLAS).
_EXACT_BLOCK = 2048 * 128
# Vectors added per usearch call during a build (bounds the temporary copy).
CHUNK = 32768


def normalised(vectors: np.ndarray, dim: int) -> np.ndarray:
    """``vectors`` as a C-contiguous float32 (n, dim) array of unit rows; ValueError for a wrong shape or
    a zero / non-finite vector."""
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


def sorted_keys(keys: np.ndarray, persons: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(keys, persons) as int64, ordered by key."""
    keys = np.asarray(keys, np.int64)
    persons = np.asarray(persons, np.int64)
    if len(keys) > 1 and not np.all(keys[1:] > keys[:-1]):
        order = np.argsort(keys, kind="stable")
        keys, persons = keys[order], persons[order]
    return keys, persons


@dataclass(frozen=True, slots=True)
class IndexParams:
    """What an index is for (embedder, dimension) and how its graph is built and searched."""

    model_id: str
    dim: int
    exact_limit: int = EXACT_LIMIT
    connectivity: int = CONNECTIVITY
    expansion_add: int = EXPANSION_ADD
    expansion_search: int = EXPANSION_SEARCH
    dtype: str = DTYPE


@dataclass(frozen=True, slots=True)
class IndexChange:
    """One batch of edits to an index, with every vector it needs.

    ``remove``: template ids to take out (ids not in the index are ignored). ``add_*``: templates to put
    in (unit vectors; an id already there is replaced). ``resum``: people whose centroid sum must be
    recomputed, with the exact unit vectors of *all* their templates after the change (empty: they are
    gone); people only gaining templates need no entry. ``matrix``: the exact-search matrix for the new
    key order when the gallery shrinks back under the exact limit (``matrix_keys`` are its rows).
    """

    remove: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    add_keys: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    add_persons: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    add_vectors: np.ndarray | None = None
    resum: dict[int, np.ndarray] = field(default_factory=dict)
    matrix: np.ndarray | None = None
    matrix_keys: np.ndarray | None = None

    @property
    def empty(self) -> bool:
        """True when the change does nothing."""
        return not len(self.remove) and not len(self.add_keys) and not self.resum and self.matrix is None


@dataclass(frozen=True, slots=True)
class StagedChange:
    """A change with its new key arrays already built (:meth:`TemplateIndex.stage`), ready to commit."""

    change: IndexChange
    remove: np.ndarray
    keys: np.ndarray
    persons: np.ndarray
    matrix: np.ndarray | None


class TemplateIndex:
    """The usearch graph (or exact matrix), sorted template ids with their people, and person sums.

    ``fingerprint``: the source's fingerprint the keys were last made equal to; ``local_changes``: edited
    since; ``dirty``: differs from the saved files (``data_name`` is the current graph file).
    """

    def __init__(self, params: IndexParams, graph: object, keys: np.ndarray, persons: np.ndarray,
                 sums: PersonSums, fingerprint: str | None = None, data_name: str | None = None,
                 dirty: bool = True) -> None:
        self.params = params
        self.graph = graph
        self.keys = keys
        self.persons = persons
        self.sums = sums
        self.matrix: np.ndarray | None = None  # rows of keys, only while exact search is used
        self.fingerprint = fingerprint
        self.data_name = data_name
        self.dirty = dirty
        self.local_changes = False

    # --- making one ------------------------------------------------------------------------------

    @staticmethod
    def new_graph(params: IndexParams) -> object:
        """An empty usearch graph for ``params``."""
        from usearch.index import Index, MetricKind

        # int8 needs the cosine metric (its inner product is unscaled); on unit float vectors the inner
        # product is the cosine without the extra norms.
        metric = MetricKind.Cos if params.dtype == "i8" else MetricKind.IP
        return Index(ndim=params.dim, metric=metric, dtype=params.dtype, connectivity=params.connectivity,
                     expansion_add=params.expansion_add, expansion_search=params.expansion_search)

    @classmethod
    def build(cls, params: IndexParams, keys: np.ndarray, persons: np.ndarray,
              vectors_of: Callable[[np.ndarray], np.ndarray], fingerprint: str | None = None) -> TemplateIndex:
        """A new index of these templates; ``vectors_of(keys)`` supplies their vectors chunk by chunk."""
        keys, persons = sorted_keys(keys, persons)
        graph = cls.new_graph(params)
        sums = PersonSums(params.dim)
        for i in range(0, len(keys), CHUNK):
            chunk = keys[i : i + CHUNK]
            vectors = normalised(vectors_of(chunk), params.dim)
            graph.add(chunk, vectors)  # type: ignore[attr-defined]
            sums.update(persons[i : i + CHUNK], vectors, +1)
        log.info("gallery built: %d templates", len(keys))
        return cls(params, graph, keys, persons, sums, fingerprint)

    @classmethod
    def load(cls, params: IndexParams, index_path: Path, cipher: DataCipher | None = None) -> TemplateIndex:
        """The index saved at ``index_path`` (sealed with ``cipher`` when given); persist.GalleryFileError when
        missing, damaged, foreign or sealed with another key."""
        meta, arrays = persist.read_sidecar(index_path, cipher)
        keys, persons = arrays["keys"], arrays["persons"]
        if meta.model_id != params.model_id or meta.dim != params.dim or meta.dtype != params.dtype:
            raise persist.GalleryFileError(
                f"stored for {meta.model_id} ({meta.dim}-d {meta.dtype}), need {params.model_id} "
                f"({params.dim}-d {params.dtype})")
        if len(keys) > 1 and not np.all(keys[1:] > keys[:-1]):
            raise persist.GalleryFileError("stored keys are not sorted")
        data = index_path.parent / meta.data_file
        # The file, checked (CRC) or opened (key), in one buffer that usearch *loads* from (copies into its
        # own memory): a view would be read-only, and the kiosk edits its graph.
        source = persist.read_graph(index_path, meta, cipher)
        graph = cls.new_graph(params)
        try:
            graph.load(source)  # type: ignore[attr-defined]
        except (RuntimeError, ValueError, OSError) as exc:
            raise persist.GalleryFileError(f"{data}: {exc}") from None
        del source  # the file's copy (121 MB at 100k x 3) is not needed any more
        if len(graph) != len(keys) or (len(keys) and not bool(np.all(graph.contains(keys)))):  # type: ignore
            raise persist.GalleryFileError(f"{data} does not hold the keys its sidecar lists")
        try:
            sums = PersonSums.from_arrays(params.dim, arrays["sum_pids"], arrays["sums"], arrays["counts"])
        except (KeyError, ValueError) as exc:
            raise persist.GalleryFileError(f"person sums missing or malformed ({exc})") from None
        if sums.total != len(keys) or len(sums) != len(np.unique(persons)):
            raise persist.GalleryFileError("person sums disagree with the keys")
        graph.expansion_search = params.expansion_search  # type: ignore[attr-defined]
        # Stray files of an interrupted save are no longer of use.
        for p in persist.data_glob(index_path):
            if p.name != meta.data_file:
                p.unlink(missing_ok=True)
        return cls(params, graph, keys, persons, sums, meta.fingerprint, meta.data_file, dirty=False)

    def save(self, index_path: Path, cipher: DataCipher | None = None) -> None:
        """Write the graph and its sidecar as a new generation (crash-safe, see :mod:`kiosk.gallery.persist`),
        sealed with ``cipher`` when given."""
        index_path.parent.mkdir(parents=True, exist_ok=True)
        data = persist.new_data_path(index_path, self.data_name)
        tmp = data.with_name(data.name + ".tmp")
        persist.write_graph(self.graph, tmp, data, cipher)
        size, crc = persist.finish_data(tmp, data)
        p = self.params
        meta = persist.StoredMeta(p.model_id, p.dim, p.dtype, self.fingerprint or "", data.name, size, crc)
        pids, sums, counts = self.sums.to_arrays()
        persist.commit(index_path, data, meta, {"keys": self.keys, "persons": self.persons,
                                                "sum_pids": pids, "sums": sums, "counts": counts}, cipher)
        self.data_name = data.name
        self.dirty = False

    # --- reading -----------------------------------------------------------------------------------

    @property
    def size(self) -> int:
        """Number of templates."""
        return len(self.keys)

    @property
    def people(self) -> int:
        """Number of distinct people."""
        return len(self.sums)

    @property
    def exact(self) -> bool:
        """True while searches are exact (numpy) rather than through the graph."""
        return self.matrix is not None

    def has_person(self, person_id: int) -> bool:
        """True when the person has at least one template here."""
        return int(person_id) in self.sums.rows

    def positions(self, template_ids: np.ndarray) -> np.ndarray:
        """Positions in ``keys`` of those of ``template_ids`` that are present."""
        ids = np.asarray(template_ids, np.int64)
        if not len(self.keys) or not len(ids):
            return np.zeros(0, np.int64)
        pos = np.clip(np.searchsorted(self.keys, ids), 0, len(self.keys) - 1)
        return pos[self.keys[pos] == ids]

    def person_of(self, template_ids: np.ndarray) -> np.ndarray:
        """Person id of each template id (-1 for ids not here)."""
        ids = np.asarray(template_ids, np.int64)
        if not len(self.keys):
            return np.full(len(ids), -1, np.int64)
        pos = np.clip(np.searchsorted(self.keys, ids), 0, len(self.keys) - 1)
        return np.where(self.keys[pos] == ids, self.persons[pos], -1)

    def stored_vectors(self, keys: np.ndarray) -> np.ndarray:
        """The graph's own copies of ``keys``' vectors (float32, n x dim; int8-rounded for an i8 graph)."""
        rows = self.graph.get(keys, dtype="f32")  # type: ignore[attr-defined]
        if any(r is None for r in rows):
            raise RuntimeError("gallery graph lost a vector it should hold")
        return np.asarray(np.vstack(rows), np.float32).reshape(len(keys), self.params.dim)

    def exact_vectors(self, keys: np.ndarray) -> np.ndarray | None:
        """Exact float32 vectors of present ``keys`` from memory (the exact matrix, or a float32 graph);
        None when only the source has them (a large int8 graph keeps only rounded copies)."""
        keys = np.asarray(keys, np.int64)
        if not len(keys):
            return np.zeros((0, self.params.dim), np.float32)
        if self.matrix is not None:
            return self.matrix[np.searchsorted(self.keys, keys)]
        if self.params.dtype == "f32":
            return self.stored_vectors(keys)
        return None

    def wants_matrix(self, size: int) -> bool:
        """True when an index of ``size`` templates without an exact matrix should get one.

        Built a little below the limit so a gallery hovering at it does not flip-flop.
        """
        return self.matrix is None and size <= int(self.params.exact_limit * 0.9)

    def exact_sims(self, q: np.ndarray) -> np.ndarray:
        """q @ matrix.T; a single query goes in blocks small enough for BLAS to stay on one thread.

        (OpenBLAS hands a matrix-vector product of more than ~4k x 128 to its thread pool; on a busy
        2-core machine waking it cost a flat 12 ms per query, 50x the work itself.)
        """
        m = self.matrix
        assert m is not None
        if len(q) > 4:
            return q @ m.T
        out = np.empty((len(q), len(m)), np.float32)
        rows = max(64, _EXACT_BLOCK // self.params.dim)
        for i in range(0, len(m), rows):
            out[:, i : i + rows] = q @ m[i : i + rows].T
        return out

    def hits(self, q: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """(person ids, similarities) of the k best templates of each query row, best first.

        Missing hits (graph returned fewer) have person id -1 and similarity -inf.
        """
        n = len(self.keys)
        k = min(k, n)
        if self.matrix is not None:
            sims = self.exact_sims(q)
            if k < n:
                part = np.argpartition(-sims, k - 1, axis=1)[:, :k]
                ps = np.take_along_axis(sims, part, axis=1)
                order = np.argsort(-ps, axis=1, kind="stable")
                idx = np.take_along_axis(part, order, axis=1)
            else:
                idx = np.argsort(-sims, axis=1, kind="stable")
            return self.persons[idx], np.take_along_axis(sims, idx, axis=1)
        m = self.graph.search(q, k, threads=1 if len(q) == 1 else 0)  # type: ignore[attr-defined]
        keys = np.asarray(m.keys, np.int64).reshape(len(q), -1)
        dist = np.asarray(m.distances, np.float32).reshape(len(q), -1)
        counts = np.asarray(m.counts).reshape(-1) if hasattr(m, "counts") and np.ndim(m.counts) else \
            np.full(len(q), keys.shape[1])
        valid = np.arange(keys.shape[1])[None, :] < counts[:, None]
        pos = np.clip(np.searchsorted(self.keys, np.where(valid, keys, 0)), 0, max(n - 1, 0))
        valid &= self.keys[pos] == keys
        persons = np.where(valid, self.persons[pos], -1)
        sims = np.where(valid, 1.0 - dist, -np.inf).astype(np.float32)
        return persons, sims

    def centroids(self, persons: list[int]) -> np.ndarray:
        """Unit centroids of these people (all present)."""
        return self.sums.centroids(persons)

    # --- changing ----------------------------------------------------------------------------------

    def stage(self, change: IndexChange) -> StagedChange:
        """The key arrays (and exact matrix) after ``change``, built beside the live ones.

        Reads the live arrays without changing anything: safe while searches run, as long as no other
        change is staged or committed meanwhile (the gallery's writer lock).
        """
        remove = np.unique(np.asarray(change.remove, np.int64))
        add_keys = np.asarray(change.add_keys, np.int64)
        add_persons = np.asarray(change.add_persons, np.int64)
        add_vectors = change.add_vectors
        if len(add_keys):
            order = np.argsort(add_keys, kind="stable")
            add_keys, add_persons = add_keys[order], add_persons[order]
            assert add_vectors is not None
            add_vectors = add_vectors[order]
        # An id being added again replaces its old row.
        remove = self.keys[self.positions(np.union1d(remove, add_keys))]
        keep: np.ndarray | slice = slice(None)  # nothing removed: no copy before the insert (an enrolment)
        if len(remove):
            keep = np.ones(len(self.keys), bool)
            keep[self.positions(remove)] = False
        kept_keys, kept_persons = self.keys[keep], self.persons[keep]
        # Both parts are sorted: inserting is one pass, no re-sort of the whole gallery.
        at = np.searchsorted(kept_keys, add_keys)
        keys = np.insert(kept_keys, at, add_keys)
        persons = np.insert(kept_persons, at, add_persons)
        matrix: np.ndarray | None = None
        if len(keys) <= self.params.exact_limit:
            if change.matrix is not None:
                assert change.matrix_keys is not None and np.array_equal(change.matrix_keys, keys)
                matrix = change.matrix
            elif self.matrix is not None:
                vectors = add_vectors if add_vectors is not None else np.zeros((0, self.params.dim), np.float32)
                matrix = np.insert(self.matrix[keep], at, vectors, axis=0) if len(add_keys) else self.matrix[keep]
        return StagedChange(IndexChange(remove, add_keys, add_persons, add_vectors, change.resum), remove, keys,
                            persons, matrix)

    def commit(self, staged: StagedChange) -> None:
        """Apply a staged change: edit the graph and the sums, swap the new arrays in (fast, in memory)."""
        change = staged.change
        if len(staged.remove):
            gone = self.persons[self.positions(staged.remove)]
            # Without exact copies of the rest, a removal's sum is recomputed from the change's vectors.
            if self.params.dtype == "f32":
                sub = np.array([p not in change.resum for p in gone.tolist()], bool)
                if sub.any():
                    self.sums.update(gone[sub], self.stored_vectors(staged.remove[sub]), -1)
            self.graph.remove(staged.remove)  # type: ignore[attr-defined]
        if len(change.add_keys):
            assert change.add_vectors is not None
            self.graph.add(change.add_keys, change.add_vectors,  # type: ignore[attr-defined]
                           threads=1 if len(change.add_keys) <= 64 else 0)
            add = np.array([p not in change.resum for p in change.add_persons.tolist()], bool)
            if add.any():
                self.sums.update(change.add_persons[add], change.add_vectors[add], +1)
        for person, vectors in change.resum.items():
            self.sums.drop(int(person))
            if len(vectors):
                self.sums.update(np.full(len(vectors), int(person), np.int64), vectors, +1)
        self.keys, self.persons, self.matrix = staged.keys, staged.persons, staged.matrix
        if len(staged.remove) or len(change.add_keys) or change.resum:
            self.dirty = True
