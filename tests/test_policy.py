"""Attendance policies, enforced from the database: daily, in/out, cooldown, and restarts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from memory_store import MemoryStore

from kiosk.attendance.policy import AttendancePolicy, AttendanceRecorder, default_kiosk_id

T0 = datetime(2025, 3, 10, 8, 59).astimezone()  # local morning


def _real_store(tmp_path: Path):
    from kiosk.store import Store

    return Store.open(f"sqlite:///{tmp_path / 'kiosk.sqlite3'}")


@pytest.fixture(params=["memory", "sqlite"])
def store(request, tmp_path: Path):
    """The in-memory test store and the real SQLite store: the policy must behave the same on both."""
    s = MemoryStore() if request.param == "memory" else _real_store(tmp_path)
    yield s
    s.close()


def _person(store, name: str = "Ada") -> int:
    return store.add_person(name)


def recorder(store, policy: str, cooldown_s: float = 300) -> AttendanceRecorder:
    return AttendanceRecorder(store, AttendancePolicy(policy, cooldown_s), "front-door")


def test_daily_counts_once_per_day(store) -> None:
    pid = _person(store)
    rec = recorder(store, "daily")
    first = rec.record(pid, 0.61, T0)
    assert first.recorded and first.kind == "checkin" and first.previous_ts is None
    again = rec.record(pid, 0.70, T0 + timedelta(hours=8))
    assert not again.recorded and again.kind is None
    assert again.previous_ts == first.ts
    tomorrow = rec.record(pid, 0.58, T0 + timedelta(days=1))
    assert tomorrow.kind == "checkin"
    last = store.last_event(pid)
    assert last.kind == "checkin" and last.kiosk_id == "front-door"


def test_restart_does_not_double_count(store) -> None:
    pid = _person(store)
    assert recorder(store, "daily").record(pid, 0.6, T0).recorded
    # a new recorder on the same database is a restarted kiosk: nothing in memory, the database decides
    restarted = recorder(store, "daily")
    assert not restarted.record(pid, 0.6, T0 + timedelta(minutes=1)).recorded
    assert recorder(store, "cooldown").record(pid, 0.6, T0 + timedelta(minutes=1)).kind is None


def test_inout_toggles_after_the_cooldown(store) -> None:
    pid = _person(store)
    rec = recorder(store, "inout", cooldown_s=600)
    kinds = [rec.record(pid, 0.6, T0 + timedelta(minutes=m)).kind for m in (0, 5, 11, 12, 30)]
    assert kinds == ["in", None, "out", None, "in"]
    # a forgotten OUT does not make the next day start with OUT
    assert rec.record(pid, 0.6, T0 + timedelta(days=1)).kind == "in"


def test_cooldown_counts_every_pass_after_the_cooldown(store) -> None:
    pid = _person(store)
    other = _person(store, "Bob")
    rec = recorder(store, "cooldown", cooldown_s=300)
    kinds = [rec.record(pid, 0.6, T0 + timedelta(seconds=s)).kind for s in (0, 299, 300, 400, 601)]
    assert kinds == ["checkin", None, "checkin", None, "checkin"]
    assert rec.record(other, 0.6, T0 + timedelta(seconds=1)).kind == "checkin"  # per person


def test_unknown_policy_is_refused() -> None:
    with pytest.raises(ValueError):
        AttendancePolicy("weekly")


def test_database_errors_do_not_raise() -> None:
    class Broken(MemoryStore):
        def last_event(self, person_id: int):
            raise RuntimeError("database is locked")

    out = AttendanceRecorder(Broken(), AttendancePolicy("daily"), "k").record(1, 0.5, T0)
    assert not out.recorded and "locked" in out.error


def test_kiosk_id_defaults_to_the_host_name() -> None:
    assert default_kiosk_id("lobby") == "lobby"
    assert default_kiosk_id("") != ""


def test_naive_timestamps_from_the_database_are_read_as_utc() -> None:
    class Naive:
        kind = "checkin"
        ts = datetime(2025, 3, 10, 12, 0)

    policy = AttendancePolicy("cooldown", 60)
    assert policy.decide(Naive(), datetime(2025, 3, 10, 12, 0, 30, tzinfo=UTC)) is None
    assert policy.decide(Naive(), datetime(2025, 3, 10, 12, 1, 0, tzinfo=UTC).astimezone()) == "checkin"
