"""Deciding who a track is from several frames, not one: a vote over recent match results."""

from __future__ import annotations

from collections import Counter, deque
from dataclasses import dataclass
from typing import Literal, Protocol

IdentityState = Literal["deciding", "known", "unknown"]


class MatchLike(Protocol):
    """What the vote reads from a gallery match (kiosk.gallery.MatchResult).

    person_id is set only when the best match passed both the threshold and the margin rule.
    """

    person_id: int | None
    name: str | None
    similarity: float


@dataclass(frozen=True, slots=True)
class Decision:
    """The vote's current answer: deciding, known (with who and the best similarity) or unknown."""

    state: IdentityState
    person_id: int | None = None
    name: str | None = None
    similarity: float = 0.0
    agreeing: int = 0


DECIDING = Decision("deciding")


class IdentityVote:
    """Votes over the last ``window`` match results of one track.

    known: some person has at least ``votes`` accepted matches in the window and more than all the
    other people together (one stray frame cannot name someone, nor can two people split a track).
    unknown: the last ``unknown_after`` results matched nobody.
    Otherwise still deciding. Old results fall out of the window, so a track whose face changes
    (a scene cut, two people swapping places) is re-decided.
    """

    def __init__(self, votes: int = 2, window: int | None = None, unknown_after: int | None = None) -> None:
        if votes < 1:
            raise ValueError("votes must be at least 1")
        self.votes = votes
        self.window = window or max(2 * votes, votes + 2)
        self.unknown_after = unknown_after or votes + 2
        if self.window < votes:
            raise ValueError("the vote window must hold at least `votes` results")
        self._recent: deque[tuple[int | None, str | None, float]] = deque(maxlen=max(self.window, self.unknown_after))
        self.decision = DECIDING

    def add(self, match: MatchLike) -> Decision:
        """Count one frame's match result; returns the (possibly new) decision."""
        self._recent.append((match.person_id, match.name, float(match.similarity)))
        self.decision = self._decide()
        return self.decision

    def forget(self, person_id: int) -> Decision:
        """Drop every result that named ``person_id`` (they left the gallery: deleted or deactivated) and
        decide again from what is left, so the track is never named after them again."""
        kept = [r for r in self._recent if r[0] != person_id]
        if len(kept) != len(self._recent):
            self._recent.clear()
            self._recent.extend(kept)
            self.decision = self._decide()
        return self.decision

    def _decide(self) -> Decision:
        recent = list(self._recent)
        window = recent[-self.window:]
        counts = Counter(pid for pid, _, _ in window if pid is not None)
        if counts:
            (leader, n), *_ = counts.most_common(1)
            others = sum(counts.values()) - n
            if n >= self.votes and n > others:
                sims = [s for pid, _, s in window if pid == leader]
                name = next(nm for pid, nm, _ in reversed(window) if pid == leader)
                return Decision("known", leader, name, max(sims), n)
        tail = recent[-self.unknown_after:]
        if len(tail) >= self.unknown_after and all(pid is None for pid, _, _ in tail):
            return Decision("unknown", similarity=max(s for _, _, s in tail))
        return DECIDING

    @property
    def results(self) -> int:
        """How many match results the vote currently remembers."""
        return len(self._recent)
