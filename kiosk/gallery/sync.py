"""Keeping a gallery equal to the database: planning index changes, and following the change feed.

Two ways the database's truth reaches a running gallery:

* **compare everything** (:func:`plan_full`): the source's key set against the index's, at startup
  (after loading the saved index) and at a flush. Costs a read of every template id.
* **the change feed** (:class:`FeedFollower`): every change to people or templates is logged with a
  step number in the same transaction (:mod:`kiosk.store.feed`). A background thread per running kiosk
  waits for the step to move, reads which people changed, reads those people's templates, name and
  active flag (:meth:`kiosk.gallery.Gallery.apply_people`, from the database and outside the gallery's
  lock) and swaps them into the index (under the lock, in memory only). Enrollments, deletions,
  deactivations and renames made anywhere show within about half a second.

The planners are pure: they read the index (the gallery's single writer may, see
:mod:`kiosk.gallery.index`) and vectors handed to them, and return an :class:`IndexChange`.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from kiosk.gallery.index import CHUNK, IndexChange, TemplateIndex, normalised, sorted_keys
from kiosk.gallery.source import ChangeFeed, ChangeWatcherLike, PeopleState

if TYPE_CHECKING:
    from kiosk.gallery.gallery import Gallery

log = logging.getLogger(__name__)

# How often a following kiosk looks at the feed (SQLite; PostgreSQL is woken by NOTIFY at once).
POLL_S = 0.5
# Longest pause between retries after a database error.
MAX_BACKOFF_S = 10.0

VectorFetch = Callable[[np.ndarray], np.ndarray]


@dataclass(frozen=True, slots=True)
class PeoplePlan:
    """How to make some people's part of the index equal to the database: the index change, the names of
    those now recognisable, and those who are gone (deleted, deactivated, without templates: never named
    again)."""

    change: IndexChange
    names: dict[int, str]
    gone: frozenset[int]

    @property
    def templates_changed(self) -> int:
        """Templates added or removed."""
        return int(len(self.change.remove) + len(self.change.add_keys))


def plan_people(index: TemplateIndex, person_ids: Sequence[int], state: PeopleState) -> PeoplePlan:
    """The change that gives each of ``person_ids`` exactly its templates in ``state`` (none when absent
    from ``state.names``). Their centroid sums are recomputed from ``state``'s vectors, exactly."""
    dim = index.params.dim
    ids = np.unique(np.asarray(list(person_ids), np.int64))
    asked = set(ids.tolist())
    names = {int(p): n for p, n in state.names.items() if int(p) in asked}
    order = np.argsort(np.asarray(state.keys, np.int64), kind="stable")
    s_keys = np.asarray(state.keys, np.int64)[order]
    s_persons = np.asarray(state.persons, np.int64)[order]
    vectors = np.asarray(state.vectors)[order] if len(order) else np.zeros((0, dim), np.float32)
    sel = np.isin(s_persons, np.array(sorted(names), np.int64))
    want_keys, want_persons = s_keys[sel], s_persons[sel]
    want_vectors = normalised(vectors[sel], dim) if sel.any() else np.zeros((0, dim), np.float32)
    have_keys = index.keys[np.isin(index.persons, ids)]
    remove = np.setdiff1d(have_keys, want_keys, assume_unique=True)
    # New templates, and any the index holds under someone else (never done by the store; cheap to honour).
    new = index.person_of(want_keys) != want_persons
    resum = {}
    for p in ids.tolist():
        mine = want_persons == p
        if mine.any() or index.has_person(p):
            resum[int(p)] = want_vectors[mine]
    change = IndexChange(remove=remove, add_keys=want_keys[new], add_persons=want_persons[new],
                         add_vectors=want_vectors[new], resum=resum)
    # Only people left with a template can be recognised (and named); everyone else asked about is gone.
    recognisable = {p: n for p, n in names.items() if p in set(want_persons.tolist())}
    return PeoplePlan(change, recognisable, frozenset(int(p) for p in ids.tolist() if int(p) not in recognisable))


def _fetch_chunked(fetch: VectorFetch, keys: np.ndarray, dim: int) -> np.ndarray:
    parts = [normalised(fetch(keys[i : i + CHUNK]), dim) for i in range(0, len(keys), CHUNK)]
    return np.concatenate(parts) if parts else np.zeros((0, dim), np.float32)


def exact_vectors(index: TemplateIndex, keys: np.ndarray, fetch: VectorFetch) -> np.ndarray:
    """Exact unit vectors of present ``keys``: from memory when the index has them, else from the source
    (and, for a template the source never committed, the graph's own copy as the last resort)."""
    got = index.exact_vectors(keys)
    if got is not None:
        return got
    try:
        return _fetch_chunked(fetch, keys, index.params.dim)
    except Exception as exc:  # the source no longer has them (e.g. an add it never committed)
        log.debug("exact vectors not in the source (%s): using the graph's copies", exc)
        return index.stored_vectors(keys)


def resum_after(index: TemplateIndex, persons: set[int], remove: np.ndarray, fetch: VectorFetch,
                extra: dict[int, tuple[np.ndarray, np.ndarray]] | None = None) -> dict[int, np.ndarray]:
    """Exact vectors of these people's templates once ``remove`` is gone (plus ``extra`` (keys, vectors)
    added per person): what their centroid sums are recomputed from. Only an int8 graph without the
    exact matrix needs the source for it."""
    out: dict[int, np.ndarray] = {}
    for p in sorted(persons):
        keys = index.keys[index.persons == p]
        keys = keys[~np.isin(keys, remove)]
        vectors = exact_vectors(index, keys, fetch)
        if extra and p in extra:
            vectors = np.concatenate([vectors, extra[p][1]])
        out[p] = vectors
    return out


def plan_full(index: TemplateIndex, keys: np.ndarray, persons: np.ndarray, fetch: VectorFetch) -> IndexChange:
    """The change that makes the index's key set equal to the source's (``keys``/``persons``); the vectors
    of missing templates come from ``fetch`` (the source), in chunks."""
    dim = index.params.dim
    keys, persons = sorted_keys(keys, persons)
    extra = np.setdiff1d(index.keys, keys, assume_unique=True)
    missing = np.setdiff1d(keys, index.keys, assume_unique=True)
    # A kept template that changed hands (not something the store does, but cheap to honour).
    kept = keys[np.isin(keys, index.keys, assume_unique=True)]
    kept_persons = persons[np.searchsorted(keys, kept)]
    moved = kept[index.person_of(kept) != kept_persons]
    add_keys = np.union1d(missing, moved)
    add_persons = persons[np.searchsorted(keys, add_keys)]
    add_vectors = np.concatenate([_fetch_chunked(fetch, missing, dim),
                                  exact_vectors(index, moved, fetch)])
    # union1d sorted them: put the vectors in the same order.
    order = np.argsort(np.concatenate([missing, moved]), kind="stable")
    add_vectors = add_vectors[order] if len(add_keys) else np.zeros((0, dim), np.float32)
    resum: dict[int, np.ndarray] = {}
    if index.params.dtype != "f32":
        # An int8 graph's copies are rounded: people losing templates are re-summed from exact vectors.
        losing = set(index.person_of(np.concatenate([extra, moved])).tolist()) - {-1}
        gained: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        for p in losing:
            mine = add_persons == p
            if mine.any():
                gained[p] = (add_keys[mine], add_vectors[mine])
        resum = resum_after(index, losing, np.concatenate([extra, moved]), fetch, gained)
    return IndexChange(remove=np.concatenate([extra, moved]), add_keys=add_keys, add_persons=add_persons,
                       add_vectors=add_vectors, resum=resum)


@dataclass(frozen=True, slots=True)
class Applied:
    """What one pass of the follower applied: the feed step it reached, the people it refreshed (empty
    after a full comparison, ``full``), and how long reading and applying took."""

    seq: int
    people: tuple[int, ...]
    full: bool
    seconds: float


class FeedFollower:
    """Keeps a :class:`~kiosk.gallery.Gallery` in step with the database's change feed, on its own thread.

    The thread waits on the feed's watcher (``PRAGMA data_version`` about twice a second on SQLite,
    ``LISTEN`` on PostgreSQL), reads the changed people and applies them with
    :meth:`Gallery.apply_people`. Never the UI thread, never the recognition thread: recognition only
    waits for the in-memory swap. Listeners (:meth:`add_listener`) run on this thread after each pass
    (the window recounts its people there). A database error is logged and retried with backoff; the
    step is only advanced once its people were applied, so nothing is skipped.
    """

    def __init__(self, gallery: Gallery, feed: ChangeFeed, poll_s: float = POLL_S) -> None:
        self.gallery = gallery
        self.feed = feed
        self.poll_s = poll_s
        self._listeners: list[Callable[[Applied], None]] = []
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._watcher: ChangeWatcherLike | None = None
        self._pass = threading.Lock()  # one catch-up at a time (the thread and a direct call)
        self.passes = 0
        self.errors = 0

    @property
    def seq(self) -> int:
        """The feed step the gallery reflects."""
        return int(self.gallery.synced_seq or 0)

    @property
    def mode(self) -> str:
        """How the thread waits ("data_version", "listen", "poll"; "" before it started)."""
        w = self._watcher
        return w.mode if w is not None else ""

    def add_listener(self, listener: Callable[[Applied], None]) -> None:
        """Call ``listener(applied)`` on the follower's thread after every pass that changed something."""
        self._listeners.append(listener)

    def remove_listener(self, listener: Callable[[Applied], None]) -> None:
        """Stop calling ``listener`` (no error when it was not added)."""
        if listener in self._listeners:
            self._listeners.remove(listener)

    def catch_up(self) -> Applied | None:
        """Apply every change after the gallery's step now (any thread); None when there was none."""
        with self._pass:
            start = time.perf_counter()
            since = self.gallery.synced_seq
            if since is None:  # the gallery was built without a feed position: start from here
                since = self.feed.change_seq()
                self.gallery.sync()
                self.gallery.synced_seq = since
            if self.feed.change_seq() <= since:
                return None
            people: set[int] = set()
            full = False
            deleted = False
            while True:
                batch = self.feed.changes_since(since)
                if not batch.complete:
                    # Too far behind for the log (pruned, or one step too large): compare everything.
                    self.gallery.sync()
                    full = True
                elif batch.person_ids:
                    self.gallery.apply_people(batch.person_ids)
                    people.update(batch.person_ids)
                    deleted = deleted or any(c.kind == "delete" for c in getattr(batch, "changes", ()))
                since = batch.seq
                self.gallery.synced_seq = since
                if not batch.more:
                    break
            if deleted:
                # Someone was deleted (here or on another kiosk): rewrite the index files now, so that no
                # copy of their vectors waits in the cache folder for the next idle flush or exit.
                try:
                    self.gallery.flush()
                except OSError as exc:
                    log.warning("could not rewrite the gallery index after a deletion: %s", exc)
            applied = Applied(since, tuple(sorted(people)), full, time.perf_counter() - start)
            self.passes += 1
        log.debug("change feed: step %d applied (%d people%s) in %.1f ms", applied.seq, len(applied.people),
                  ", full comparison" if full else "", applied.seconds * 1000)
        for listener in list(self._listeners):
            try:
                listener(applied)
            except Exception:
                log.exception("change-feed listener failed")
        return applied

    def start(self) -> None:
        """Start the follower thread (idempotent)."""
        if self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="kiosk-gallery-sync", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        backoff = 0.5
        while not self._stop.is_set():
            try:
                if self._watcher is None:
                    self._watcher = self.feed.watch_changes(self.poll_s)
                    log.info("following the change feed (%s)", self._watcher.mode)
                    self.catch_up()  # whatever happened before the watcher was there
                if self._watcher.wait(max(1.0, 2 * self.poll_s)) and not self._stop.is_set():
                    self.catch_up()
                backoff = 0.5
            except Exception as exc:
                self.errors += 1
                log.warning("change feed: %s (retrying in %.1f s)", str(exc) or type(exc).__name__, backoff)
                self._close_watcher()
                self._stop.wait(backoff)
                backoff = min(MAX_BACKOFF_S, backoff * 2)
        self._close_watcher()

    def _close_watcher(self) -> None:
        w, self._watcher = self._watcher, None
        if w is not None:
            try:
                w.close()
            except Exception:
                log.debug("closing the change watcher failed", exc_info=True)

    def stop(self, timeout: float = 5.0) -> None:
        """Stop the thread (idempotent); a pass in progress finishes first."""
        self._stop.set()
        w = self._watcher
        if w is not None:
            w.close()  # wakes a waiting watcher at once
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None
