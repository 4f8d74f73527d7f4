"""What the gallery needs from the store: the template set's fingerprint, keys and vectors, names, some
people's current state, and the change feed. Structural protocols: the gallery never imports the store."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np


class TemplateSource(Protocol):
    """The store side of the gallery (implemented by kiosk.store.GallerySource).

    Only templates of *active* people and of the given embedder model belong to the gallery.
    """

    def gallery_fingerprint(self, model_id: str) -> str:
        """A cheap string that changes whenever the gallery's template set changes
        (count, max id and sum of ids of the active templates of ``model_id``)."""
        ...

    def gallery_keys(self, model_id: str) -> tuple[np.ndarray, np.ndarray]:
        """(template_ids int64, person_ids int64) of the gallery, ordered by template id."""
        ...

    def gallery_vectors(self, model_id: str, template_ids: np.ndarray) -> np.ndarray:
        """float32 (n, dim) embeddings of ``template_ids``, in that order."""
        ...

    def person_names(self, person_ids: list[int]) -> dict[int, str]:
        """Display names of the given people."""
        ...


class PeopleState(Protocol):
    """Some people's gallery state, read together (kiosk.store.GalleryPeople): the *active* ones among
    them with their names, and those people's templates of one embedder (ids ascending)."""

    @property
    def names(self) -> dict[int, str]: ...

    @property
    def keys(self) -> np.ndarray: ...

    @property
    def persons(self) -> np.ndarray: ...

    @property
    def vectors(self) -> np.ndarray: ...


@dataclass(frozen=True, slots=True)
class PeopleSnapshot:
    """A plain :class:`PeopleState` (the in-memory sources' answer)."""

    names: dict[int, str]
    keys: np.ndarray
    persons: np.ndarray
    vectors: np.ndarray


class PeopleSource(TemplateSource, Protocol):
    """A source that can also say how a few people stand now (incremental updates, the change feed)."""

    def gallery_names(self, model_id: str) -> dict[int, str]:
        """Names of every active person with a template of ``model_id``."""
        ...

    def gallery_people(self, model_id: str, person_ids: list[int]) -> PeopleState:
        """These people's current state (deleted or deactivated ones are absent from ``names``)."""
        ...


class ChangeBatchLike(Protocol):
    """Change-feed rows after a step (kiosk.store.feed.ChangeBatch)."""

    @property
    def seq(self) -> int: ...

    @property
    def complete(self) -> bool: ...

    @property
    def more(self) -> bool: ...

    @property
    def person_ids(self) -> list[int]: ...


class ChangeWatcherLike(Protocol):
    """Blocks until the change feed may have moved (kiosk.store.feed.ChangeWatcher)."""

    @property
    def mode(self) -> str: ...

    def wait(self, timeout: float) -> bool: ...

    def close(self) -> None: ...


class ChangeFeed(Protocol):
    """The per-database change counter and log every change to people and templates goes through
    (implemented by kiosk.store.changes.ChangeFeed, see kiosk.store.feed)."""

    def change_seq(self) -> int:
        """The current step (cheap)."""
        ...

    def changes_since(self, seq: int, limit: int = ...) -> ChangeBatchLike:
        """The rows after step ``seq``."""
        ...

    def watch_changes(self, poll_s: float | None = None) -> ChangeWatcherLike:
        """A watcher on this database."""
        ...
