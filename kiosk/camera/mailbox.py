"""A single-slot mailbox: the newest item replaces an unconsumed one, so nothing ever queues up stale."""

from __future__ import annotations

import threading
from typing import Generic, TypeVar

T = TypeVar("T")


class LatestSlot(Generic[T]):
    """Holds at most one item between a fast producer (the camera) and a slow consumer (recognition).

    ``put`` never blocks: it overwrites what the consumer has not taken yet and counts it as dropped.
    ``take`` blocks until an item arrives, the timeout passes, or the slot is closed.
    """

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._item: T | None = None
        self._has = False
        self._closed = False
        self.dropped = 0
        self.delivered = 0

    def put(self, item: T) -> bool:
        """Store ``item``; True when it replaced an item nobody took (that one is dropped)."""
        with self._cond:
            replaced = self._has
            if replaced:
                self.dropped += 1
            self._item = item
            self._has = True
            self._cond.notify()
            return replaced

    def take(self, timeout: float | None = None) -> T | None:
        """The newest item, waiting up to ``timeout`` seconds; None on timeout or when closed."""
        with self._cond:
            if not self._has and not self._closed:
                self._cond.wait(timeout)
            if not self._has:
                return None
            item = self._item
            self._item = None
            self._has = False
            self.delivered += 1
            return item

    @property
    def pending(self) -> int:
        """How many items wait (0 or 1, by construction)."""
        with self._cond:
            return 1 if self._has else 0

    def close(self) -> None:
        """Wake a waiting consumer for good (shutdown)."""
        with self._cond:
            self._closed = True
            self._cond.notify_all()

    @property
    def closed(self) -> bool:
        """True once ``close`` was called."""
        return self._closed
