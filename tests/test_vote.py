"""The identity vote: agreeing frames name a person; strays, splits and strangers do not."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from kiosk.attendance.vote import IdentityVote


@dataclass(frozen=True)
class M:
    """A gallery answer as the vote reads it (person_id is None when threshold or margin failed)."""

    person_id: int | None
    name: str | None = None
    similarity: float = 0.5


def ada(sim: float = 0.5) -> M:
    return M(1, "Ada", sim)


def bob(sim: float = 0.5) -> M:
    return M(2, "Bob", sim)


NOBODY = M(None, None, 0.1)


def test_two_agreeing_frames_decide() -> None:
    v = IdentityVote(votes=2)
    assert v.add(ada(0.41)).state == "deciding"
    d = v.add(ada(0.47))
    assert (d.state, d.person_id, d.name, d.agreeing) == ("known", 1, "Ada", 2)
    assert d.similarity == pytest.approx(0.47)


def test_one_stray_match_is_not_enough() -> None:
    v = IdentityVote(votes=2)
    for m in (NOBODY, ada(), NOBODY):
        assert v.add(m).state == "deciding"


def test_a_split_track_is_not_named() -> None:
    v = IdentityVote(votes=2, window=4)
    for m in (ada(), bob(), ada(), bob()):
        d = v.add(m)
    assert d.state == "deciding"  # 2 Ada vs 2 Bob: neither beats the rest


def test_strangers_become_unknown_and_can_still_be_recognised_later() -> None:
    v = IdentityVote(votes=2, unknown_after=4)
    states = [v.add(NOBODY).state for _ in range(4)]
    assert states == ["deciding", "deciding", "deciding", "unknown"]
    v.add(ada())
    assert v.add(ada()).state == "known"  # turned towards the camera after all


def test_a_changed_face_is_re_decided() -> None:
    v = IdentityVote(votes=2, window=4)
    v.add(ada())
    assert v.add(ada()).person_id == 1
    for _ in range(3):
        d = v.add(bob())
    assert (d.state, d.person_id) == ("known", 2)


def test_votes_must_be_positive() -> None:
    with pytest.raises(ValueError):
        IdentityVote(votes=0)
