"""The gallery: every enrolled template of the active embedder, searchable in about a millisecond.

Three parts, each in its own module:

* :mod:`kiosk.gallery.index`: the usearch graph (or exact numpy search for small galleries), the
  sorted template ids with their people, the per-person sums; saved crash-safely beside the database.
* :mod:`kiosk.gallery.scoring`: a query's nearest templates to people, centroid scores, the best
  two, the open-set decision (:class:`MatchResult`).
* :mod:`kiosk.gallery.sync`: keeping it equal to the database, by comparing key sets (startup, flush)
  or by following the change feed (a background thread per running kiosk).

The database is the truth. The index is a cache of it, persisted next to the database (see
:mod:`kiosk.gallery.persist`) so a kiosk with 100k people is ready in well under two seconds: at
startup the stored fingerprint is compared with the database's; if they differ the stored key set is
diffed with the database's and only the difference is added or removed. Enrolment and the change feed
update the in-memory index; :meth:`Gallery.flush` (at exit via :meth:`Gallery.close`) compares with
the database and saves. A crash between a database commit and a save therefore costs a small repair at
the next startup, never a wrong gallery.

Locking: the **index lock** is what matching takes; it is held only for in-memory work (a search, or
swapping in a change already prepared). Changes (startup, flush, enrolment, deletion, the change feed)
go through the **writer lock**, one at a time: a writer reads the database and prepares the new arrays
while matching carries on, then takes the index lock only for the swap. So no store call ever happens
under the index lock, and recognition never waits for the database. All public methods are thread-safe.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from filelock import Timeout

from kiosk.gallery import persist
from kiosk.gallery.index import (
    CONNECTIVITY,
    DTYPE,
    EXACT_LIMIT,
    EXPANSION_ADD,
    EXPANSION_SEARCH,
    IndexChange,
    IndexParams,
    TemplateIndex,
    normalised,
)
from kiosk.gallery.scoring import NOBODY, SCORINGS, TOP_K, MatchResult, best_two, decide
from kiosk.gallery.source import TemplateSource
from kiosk.gallery.sync import exact_vectors, plan_full, plan_people, resum_after
from kiosk.store.crypto import DataCipher

log = logging.getLogger(__name__)

__all__ = ["CONNECTIVITY", "DTYPE", "EXACT_LIMIT", "EXPANSION_ADD", "EXPANSION_SEARCH", "SCORINGS", "TOP_K",
           "Gallery", "MatchResult"]

# Names are read this many people per call when a source has no gallery_names().
_NAME_CHUNK = 5000


class Gallery:
    """Open-set identification over the templates of one embedder.

    ``threshold``: minimum cosine similarity to accept; ``margin``: minimum lead of the best person
    over the second-best; ``index_path``: the persisted gallery (None: in memory only, built from the
    source by :meth:`ready`). ``synced_seq``: the change-feed step the gallery reflects (None when the
    source has no feed).
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
        cipher: DataCipher | None = None,
    ) -> None:
        if scoring not in SCORINGS:
            raise ValueError(f"scoring must be one of {SCORINGS}, not {scoring!r}")
        self.source = source
        self.params = IndexParams(str(model_id), int(dim), int(exact_limit), int(connectivity), int(expansion_add),
                                  int(expansion_search), dtype)
        self.threshold = float(threshold)
        self.margin = float(margin)
        self.index_path = Path(index_path) if index_path is not None else None
        # The index files hold template vectors: sealed with the data key of the store that holds the
        # templates (kiosk.store.Store.cipher) unless told otherwise; plain only for key-less test sources.
        self.cipher: DataCipher | None = cipher if cipher is not None else getattr(source, "cipher", None)
        self.scoring = scoring
        self._lock = threading.RLock()  # the index lock: searches and swaps, in-memory work only
        self._write = threading.RLock()  # one writer at a time; may read the store (never under _lock)
        self._index: TemplateIndex | None = None
        self._names: dict[int, str] = {}
        self.synced_seq: int | None = None
        self.last_ready: str = ""  # "loaded" | "repaired" | "rebuilt" | "built" (for logs and tests)

    @property
    def model_id(self) -> str:
        """The embedder whose templates this gallery holds."""
        return self.params.model_id

    @property
    def dim(self) -> int:
        """Embedding dimension."""
        return self.params.dim

    @property
    def exact_limit(self) -> int:
        """Largest gallery searched exactly (numpy) instead of through the graph."""
        return self.params.exact_limit

    @property
    def dtype(self) -> str:
        """Scalar type of the graph's vectors ("i8", "f32", ...)."""
        return self.params.dtype

    # --- reading the source (never under the index lock) -----------------------------------------

    def _fetch(self, keys: np.ndarray) -> np.ndarray:
        return self.source.gallery_vectors(self.model_id, keys)

    def _feed_seq(self) -> int | None:
        change_seq = getattr(self.source, "change_seq", None)
        if not callable(change_seq):
            return None
        try:
            return int(change_seq())
        except Exception as exc:  # a database without the feed yet still gets a gallery
            log.debug("no change-feed position (%s)", exc)
            return None

    def _names_of(self, person_ids: Sequence[int]) -> dict[int, str]:
        ids = sorted({int(p) for p in person_ids})
        out: dict[int, str] = {}
        for i in range(0, len(ids), _NAME_CHUNK):
            out.update(self.source.person_names(ids[i : i + _NAME_CHUNK]))
        return out

    def _all_names(self, index: TemplateIndex) -> dict[int, str]:
        """Names of everyone in ``index``: read at startup, so matching never asks the database."""
        people = np.unique(index.persons).tolist()
        gallery_names = getattr(self.source, "gallery_names", None)
        names = dict(gallery_names(self.model_id)) if callable(gallery_names) else {}
        missing = [p for p in people if p not in names]
        if missing:
            names.update(self._names_of(missing))
        return {p: names[p] for p in people if p in names}

    def _with_matrix(self, index: TemplateIndex) -> np.ndarray | None:
        """The exact-search matrix a small gallery without one should get (None: not wanted)."""
        if not index.wants_matrix(index.size):
            return None
        if index.size == 0:
            return np.zeros((0, self.dim), np.float32)
        return np.ascontiguousarray(exact_vectors(index, index.keys, self._fetch))

    # --- startup ------------------------------------------------------------------------------

    def ready(self) -> None:
        """Load the persisted gallery (or build it), then bring it in line with the source."""
        with self._write:
            # The feed position first: a change committed while the gallery loads is applied again
            # by the feed (harmless), never missed.
            seq = self._feed_seq()
            index: TemplateIndex | None = None
            if self.index_path is not None:
                index = self._load_saved(self.index_path)
            # The index is not shared yet: no lock while it is brought up to date.
            if index is not None:
                changed = self._sync_into(index)
                how = "repaired" if changed else "loaded"
                if changed:
                    log.info("gallery repaired: %d template(s) changed since the last save", changed)
            else:
                # Fingerprint before keys: a change in between only makes the stored fingerprint older
                # than the keys, which the next sync repairs (never the other way round).
                fp = self.source.gallery_fingerprint(self.model_id)
                keys, persons = self.source.gallery_keys(self.model_id)
                index = TemplateIndex.build(self.params, keys, persons, self._fetch, fp)
                how = "rebuilt" if self.index_path is not None else "built"
                if self.index_path is not None:
                    # A rebuild is the slow path; save it right away so the next start is fast.
                    self._save(index, self.index_path)
            matrix = self._with_matrix(index)
            if matrix is not None:
                index.matrix = matrix
            names = self._all_names(index)
            with self._lock:
                self._index = index
                self._names = names
                self.synced_seq = seq
                self.last_ready = how

    def _sync_into(self, index: TemplateIndex, live: bool = False) -> int:
        """Make ``index``'s key set equal to the source's; returns how many templates were added/removed.
        ``live``: the index is in use (swap under the index lock)."""
        fp = self.source.gallery_fingerprint(self.model_id)
        if fp == index.fingerprint and not index.local_changes:
            return 0
        keys, persons = self.source.gallery_keys(self.model_id)
        change = plan_full(index, keys, persons, self._fetch)
        staged = index.stage(change)
        new_people = sorted(set(change.add_persons.tolist()) - set(self._names)) if live else []
        names = self._names_of(new_people) if new_people else {}
        if live:
            with self._lock:
                index.commit(staged)
                self._names.update(names)
                for p in [p for p in self._names if not index.has_person(p)]:
                    del self._names[p]
        else:
            index.commit(staged)
        index.fingerprint = fp
        index.local_changes = False
        changed = int(len(change.remove) + len(change.add_keys))
        if live:
            self._refresh_matrix()
        return changed

    def _refresh_matrix(self) -> None:
        """Give a live index that shrank back under the exact limit its matrix (writer lock held)."""
        index = self._index
        if index is None:
            return
        matrix = self._with_matrix(index)
        if matrix is not None:
            with self._lock:
                index.matrix = matrix

    def _require_ready(self) -> TemplateIndex:
        index = self._index
        if index is None:
            raise RuntimeError("Gallery.ready() has not been called (or the gallery is closed)")
        return index

    # --- keeping up with the database -------------------------------------------------------------

    def sync(self) -> int:
        """Compare with the source and fix every difference, names included (another process changed
        it and the change feed cannot say what); returns how many templates were added/removed."""
        with self._write:
            index = self._require_ready()
            changed = self._sync_into(index, live=True)
            names = self._all_names(index)
            with self._lock:
                self._names = names
            return changed

    def apply_people(self, person_ids: Sequence[int]) -> int:
        """Bring these people's templates, name and active flag in line with the database (the change
        feed's step). The database is read first, with matching carrying on; then the in-memory swap.
        Returns how many templates were added or removed."""
        people = getattr(self.source, "gallery_people", None)
        if not callable(people):  # a plain source: compare everything
            return self.sync()
        with self._write:
            index = self._require_ready()
            state = people(self.model_id, sorted({int(p) for p in person_ids}))
            plan = plan_people(index, person_ids, state)
            staged = index.stage(plan.change)
            with self._lock:
                index.commit(staged)
                self._names.update(plan.names)
                for p in plan.gone:
                    self._names.pop(p, None)
                if not plan.change.empty:
                    index.local_changes = True
            self._refresh_matrix()
            return plan.templates_changed

    # --- persistence --------------------------------------------------------------------------

    def _load_saved(self, index_path: Path) -> TemplateIndex | None:
        """The saved index, or None (none yet, or unusable: its files are removed and it is rebuilt)."""
        try:
            with persist.files_turn(index_path):  # not while another process replaces the files
                try:
                    return TemplateIndex.load(self.params, index_path, self.cipher)
                except persist.GalleryFileError as exc:
                    if persist.sidecar_path(index_path).exists() or persist.data_glob(index_path):
                        log.warning("gallery index unusable, rebuilding from the database: %s", exc)
                    else:
                        log.info("no gallery index yet (%s): building it", exc)
                    persist.discard(index_path)
        except Timeout:
            log.warning("gallery files busy in another process for %.0f s: building from the database",
                        persist.LOCK_TIMEOUT_S)
        return None

    def _save(self, index: TemplateIndex, index_path: Path, under_search_lock: bool = False) -> bool:
        """Write the index's files in this process's turn; False when another process kept them too
        long (logged: the database is the truth, the next save or start catches up)."""
        try:
            # The file lock first: a search must never wait for another process's turn.
            with persist.files_turn(index_path):
                if under_search_lock:  # a search never runs while the graph is written
                    with self._lock:
                        index.save(index_path, self.cipher)
                else:
                    index.save(index_path, self.cipher)
        except Timeout:
            log.warning("gallery files busy in another process for %.0f s: not saved this time",
                        persist.LOCK_TIMEOUT_S)
            return False
        return True

    def flush(self) -> bool:
        """Sync with the source and save if anything changed; returns True when files were written.

        Call it when the kiosk is idle and at exit: it takes about as long as writing the graph
        (milliseconds for hundreds of people, ~1 s for 100k).
        """
        with self._write:
            index = self._require_ready()
            self._sync_into(index, live=True)
            if self.index_path is None or not index.dirty:
                return False
            return self._save(index, self.index_path, under_search_lock=True)

    def close(self) -> None:
        """Flush and release the graph. A failed save is logged, not raised: the database is the
        truth and the next start repairs the index from it."""
        with self._write:
            if self._index is None:
                return
            try:
                self.flush()
            except OSError as exc:
                log.warning("could not save the gallery index (%s); it will be repaired at the next start", exc)
            finally:
                with self._lock:
                    self._index = None

    # --- updates ------------------------------------------------------------------------------

    def _edit(self, index: TemplateIndex, change: IndexChange, names: dict[int, str] | None = None,
              gone: Sequence[int] = ()) -> None:
        staged = index.stage(change)
        with self._lock:
            index.commit(staged)
            if names:
                self._names.update(names)
            for p in gone:
                self._names.pop(int(p), None)
            index.local_changes = True
        self._refresh_matrix()

    def add(self, template_id: int, person_id: int, embedding: np.ndarray, name: str | None = None) -> None:
        """Add one template (already committed to the source) without a rebuild."""
        v = normalised(embedding, self.dim)
        tid, pid = int(template_id), int(person_id)
        with self._write:
            index = self._require_ready()
            if name is None and pid not in self._names:
                try:
                    name = self._names_of([pid]).get(pid)
                except Exception as exc:  # matching still works; the change feed brings the name
                    log.debug("name of person %d not read (%s)", pid, exc)
            resum = {}
            owner = int(index.person_of(np.array([tid]))[0])
            if owner >= 0 and self.dtype != "f32":  # an id added again replaces its old row
                gained = {pid: (np.array([tid]), v)} if owner == pid else None
                resum = resum_after(index, {owner}, np.array([tid]), self._fetch, gained)
            change = IndexChange(add_keys=np.array([tid], np.int64), add_persons=np.array([pid], np.int64),
                                 add_vectors=v, resum=resum)
            self._edit(index, change, {pid: name} if name is not None else None)

    def remove_templates(self, template_ids: Sequence[int] | np.ndarray) -> int:
        """Remove templates by id; returns how many were in the gallery."""
        ids = np.unique(np.asarray(template_ids, np.int64))
        with self._write:
            index = self._require_ready()
            gone = index.keys[index.positions(ids)]
            if not len(gone):
                return 0
            owners = set(index.person_of(gone).tolist())
            resum = resum_after(index, owners, gone, self._fetch) if self.dtype != "f32" else {}
            left = [p for p in owners if not np.any(np.isin(index.keys[index.persons == p], gone, invert=True))]
            self._edit(index, IndexChange(remove=gone, resum=resum), gone=left)
            return len(gone)

    def remove_person(self, person_id: int) -> int:
        """Remove every template of a person; returns how many there were."""
        pid = int(person_id)
        with self._write:
            index = self._require_ready()
            keys = index.keys[index.persons == pid]
            with self._lock:
                self._names.pop(pid, None)  # never named again, from this moment
            if not len(keys):
                return 0
            self._edit(index, IndexChange(remove=keys, resum={pid: np.zeros((0, self.dim), np.float32)}))
            return len(keys)

    def set_name(self, person_id: int, name: str) -> None:
        """Update a cached display name (after a rename in the store)."""
        with self._lock:
            self._names[int(person_id)] = name

    # --- queries ------------------------------------------------------------------------------

    @property
    def size(self) -> int:
        """Number of templates."""
        index = self._index
        return index.size if index is not None else 0

    @property
    def people(self) -> int:
        """Number of distinct people."""
        index = self._index
        return index.people if index is not None else 0

    def template_ids(self) -> np.ndarray:
        """The template ids in the gallery, sorted (a copy)."""
        with self._lock:
            return self._require_ready().keys.copy()

    def person_of(self, template_ids: np.ndarray) -> np.ndarray:
        """Person id of each template id (-1 for ids not in the gallery)."""
        with self._lock:
            return self._require_ready().person_of(template_ids)

    def has_person(self, person_id: int) -> bool:
        """True while the person can be recognised (active, with a template of this embedder)."""
        with self._lock:
            index = self._index
            return index is not None and index.has_person(int(person_id))

    def current_name(self, person_id: int) -> str | None:
        """The person's name now, or None once they can no longer be recognised (deleted, deactivated,
        templates gone): the recognizer asks before naming or recording anyone."""
        pid = int(person_id)
        with self._lock:
            index = self._index
            if index is None or not index.has_person(pid):
                return None
            return self._names.get(pid) or f"#{pid}"

    def names(self) -> dict[int, str]:
        """Everyone recognisable, by person id (a copy)."""
        with self._lock:
            return dict(self._names)

    @property
    def dirty(self) -> bool:
        """True when the in-memory gallery differs from the saved files."""
        index = self._index
        return index is not None and index.dirty

    @property
    def exact(self) -> bool:
        """True while searches are exact (numpy) rather than through the graph."""
        index = self._index
        return index is not None and index.exact

    def match(self, embedding: np.ndarray) -> MatchResult:
        """The best person for one embedding, accepted or unknown."""
        return self.match_many(np.asarray(embedding)[None, :] if np.ndim(embedding) == 1 else embedding)[0]

    def match_many(self, embeddings: np.ndarray) -> list[MatchResult]:
        """:meth:`match` for a batch (n, dim). In memory only: never waits for the database."""
        q = normalised(embeddings, self.dim)
        with self._lock:
            index = self._require_ready()
            if not len(q):
                return []
            if not index.size:
                return [NOBODY for _ in range(len(q))]
            return decide(best_two(index, q, self.scoring), self.threshold, self.margin, self._names)
