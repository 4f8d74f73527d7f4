"""Exponential backoff for reconnecting to a camera that went away."""

from __future__ import annotations


class Backoff:
    """Delays of ``initial``, ``initial * factor``, ... capped at ``cap`` seconds; ``reset`` after a success.

    A camera that is unplugged is retried quickly at first (a USB glitch is usually over in a moment),
    then every few seconds, so a dead device does not burn the CPU the recognition needs.
    """

    def __init__(self, initial: float = 0.25, factor: float = 2.0, cap: float = 5.0) -> None:
        if initial <= 0 or factor < 1 or cap < initial:
            raise ValueError("backoff needs initial > 0, factor >= 1 and cap >= initial")
        self.initial = initial
        self.factor = factor
        self.cap = cap
        self._next = initial

    def next(self) -> float:
        """The delay before the next attempt (and grow the one after it)."""
        delay = self._next
        self._next = min(self.cap, self._next * self.factor)
        return delay

    def reset(self) -> None:
        """Start again from ``initial`` (the source works again)."""
        self._next = self.initial
