"""The newest-item mailbox between a fast producer and a slower consumer (Qt-free).

Every "latest frame wins" hand-over in the kiosk goes through :class:`NewestMailbox`: camera to
recognition, camera to the display, camera (or a video file) to the enrollment preview, and frames to
the enrollment analysis. It holds at most one item, so nothing ever queues up stale: a slow consumer
gets fewer items, never older ones.
"""

from __future__ import annotations

import threading
import time
from typing import Generic, TypeVar

T = TypeVar("T")


class NewestMailbox(Generic[T]):
    """A single slot: ``put`` replaces an unread item, ``take`` waits for and empties it.

    - ``put`` never blocks. It returns True when the slot was empty, i.e. this is the first item since
      the consumer last took one: a consumer that is *nudged* (a Qt signal, an event) needs exactly one
      nudge then, and none for items that merely replace it. A replaced item is counted in ``dropped``.
    - ``take(timeout)`` returns the newest item, waiting up to ``timeout`` seconds (None: for ever,
      0: not at all; ``poll()`` is the same as ``take(0)``). It returns None on timeout, after
      ``wake()`` (the consumer has other work to look at) and once the mailbox is closed.
    - ``close()`` ends it for good: waiting consumers return None, an unread item and later puts are
      dropped.

    Every item put is either delivered, dropped or still pending: ``puts == delivered + dropped + pending``.
    All methods may be called from any thread.
    """

    __slots__ = ("_closed", "_cond", "_delivered", "_dropped", "_has", "_item", "_puts", "_woken")

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._item: T | None = None
        self._has = False
        self._closed = False
        self._woken = False
        self._puts = 0
        self._delivered = 0
        self._dropped = 0

    def put(self, item: T) -> bool:
        """Store ``item`` (never blocks); True when the slot was empty (the consumer needs a nudge).

        False when it replaced an item nobody took (that one is dropped) or the mailbox is closed
        (``item`` is dropped).
        """
        with self._cond:
            self._puts += 1
            if self._closed:
                self._dropped += 1
                return False
            first = not self._has
            if not first:
                self._dropped += 1
            self._item = item
            self._has = True
            self._cond.notify()
            return first

    def take(self, timeout: float | None = None) -> T | None:
        """The newest item, waiting up to ``timeout`` seconds (None: until one comes).

        None on timeout, after ``wake()`` and when closed.
        """
        with self._cond:
            if not self._has and not self._woken and not self._closed and timeout != 0:
                # wait_for re-checks the predicate, so a spurious wake-up does not end the wait early.
                deadline = None if timeout is None else time.monotonic() + timeout
                while not (self._has or self._woken or self._closed):
                    remaining = None if deadline is None else deadline - time.monotonic()
                    if remaining is not None and remaining <= 0:
                        break
                    self._cond.wait(remaining)
            self._woken = False
            if not self._has or self._closed:
                return None
            item = self._item
            self._item = None  # do not keep a large frame alive after it was handed over
            self._has = False
            self._delivered += 1
            return item

    def poll(self) -> T | None:
        """The newest item without waiting, or None (for a UI thread, which must never block)."""
        return self.take(0)

    def wake(self) -> None:
        """Make the waiting ``take`` (or the next one, if none waits) return now, with an item if one is there.

        For a consumer with other work besides items (commands, periodic tasks): it puts that work
        somewhere, calls ``wake``, and looks at it when ``take`` returns. Remembered until a take
        returns, so a wake-up sent just before the consumer starts waiting is not lost.
        """
        with self._cond:
            self._woken = True
            self._cond.notify_all()

    def clear(self) -> None:
        """Drop an unread item (counted in ``dropped``): the next ``put`` is a first one again."""
        with self._cond:
            if self._has:
                self._item = None
                self._has = False
                self._dropped += 1

    def close(self) -> None:
        """End the mailbox for good (shutdown): wake every waiting consumer; drop the unread item."""
        with self._cond:
            self._closed = True
            if self._has:
                self._item = None
                self._has = False
                self._dropped += 1
            self._cond.notify_all()

    @property
    def closed(self) -> bool:
        """True once ``close`` was called."""
        return self._closed

    @property
    def pending(self) -> int:
        """How many items wait (0 or 1, by construction)."""
        with self._cond:
            return 1 if self._has else 0

    @property
    def puts(self) -> int:
        """Items offered with ``put`` so far."""
        return self._puts

    @property
    def delivered(self) -> int:
        """Items a ``take`` returned."""
        return self._delivered

    @property
    def dropped(self) -> int:
        """Items never delivered: replaced by a newer one, cleared, or put into / left in a closed mailbox."""
        return self._dropped
