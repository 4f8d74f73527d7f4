"""Attendance policies, enforced from the database (SQLite and PostgreSQL): daily, in/out, cooldown,
restarts and two kiosks sharing a database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from kiosk_helpers import empty_database

from kiosk.attendance.policy import AttendancePolicy, AttendanceRecorder, default_kiosk_id
from kiosk.store import Store

T0 = datetime(2025, 3, 10, 8, 59).astimezone()  # local morning


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request, tmp_path: Path) -> str:
    """A fresh database: a SQLite file, or the test PostgreSQL server."""
    return empty_database(request.param, tmp_path)


@pytest.fixture()
def store(db_url: str):
    """The real store on that database."""
    s = Store.open(db_url)
    yield s
    s.close()


def _person(store, name: str = "Ada") -> int:
    return store.people.add(name)


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
    last = store.attendance.last(pid)
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


def test_two_kiosks_on_one_database_count_once(db_url: str) -> None:
    front, back = Store.open(db_url), Store.open(db_url)
    try:
        pid = front.people.add("Ada")
        at_front = AttendanceRecorder(front, AttendancePolicy("daily"), "front-door")
        at_back = AttendanceRecorder(back, AttendancePolicy("daily"), "back-door")
        assert at_front.record(pid, 0.6, T0).kind == "checkin"
        assert at_back.record(pid, 0.6, T0 + timedelta(minutes=3)).kind is None
        assert back.attendance.last(pid).kiosk_id == "front-door"
    finally:
        front.close()
        back.close()


def test_database_errors_are_reported_not_raised(store) -> None:
    # a person deleted by an admin while their face was on screen: the write fails, the kiosk goes on
    out = AttendanceRecorder(store, AttendancePolicy("daily"), "k").record(424242, 0.5, T0)
    assert not out.recorded and "424242" in out.error


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
