"""Kiosks racing on one database, with real processes on a real SQLite file and a real PostgreSQL server:
one event per policy period however many kiosks see the person at the same instant; a deactivated or
deleted person is never recorded; kiosks starting together on an empty database all come up."""

from __future__ import annotations

import multiprocessing
import sqlite3
import subprocess
import sys
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import race_helpers
from kiosk_helpers import empty_database, fresh_postgres
from sqlalchemy import create_engine, text

from kiosk.attendance.policy import POLICIES, AttendancePolicy, AttendanceRecorder, Outcome
from kiosk.store import Store
from kiosk.store.db import normalise_url
from kiosk.store.schema import SCHEMA_VERSION

T0 = datetime(2025, 3, 10, 8, 0).astimezone()  # local morning: 50 one-minute periods stay within the day
ROUNDS = 50
COOLDOWN_S = 60.0


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def empty_db(request, tmp_path: Path) -> str:
    """The URL of an empty database: a new SQLite file, or the test PostgreSQL server emptied."""
    return empty_database(request.param, tmp_path)


def _period_starts(policy: str) -> list[datetime]:
    """One instant in each of ROUNDS consecutive policy periods (a new day, or one cooldown later)."""
    step = timedelta(days=1) if policy == "daily" else timedelta(seconds=COOLDOWN_S)
    return [T0 + i * step for i in range(ROUNDS)]


def _race(url: str, policy: str) -> None:
    """Two kiosk processes see Ada at the same instant in each of ROUNDS periods: one event per period."""
    store = Store.open(url)
    try:
        pid = store.people.add("Ada")
        times = _period_starts(policy)
        mp = multiprocessing.get_context("spawn")  # fresh interpreters: nothing forked from this process
        barrier, results = mp.Barrier(2), mp.Queue()
        kiosks = [mp.Process(target=race_helpers.record_rounds,
                             args=(url, pid, policy, COOLDOWN_S, times, f"kiosk-{k}", barrier, results))
                  for k in "ab"]
        for k in kiosks:
            k.start()
        got = dict(results.get(timeout=600) for _ in kiosks)
        for k in kiosks:
            k.join(60)
        assert [k.exitcode for k in kiosks] == [0, 0]
        errors = [e for outs in got.values() for _, e in outs if e]
        assert errors == []
        # Each round both kiosks saw her at the same instant: exactly one of them recorded.
        per_round = [[outs[i][0] for outs in got.values() if outs[i][0]] for i in range(ROUNDS)]
        assert [len(r) for r in per_round] == [1] * ROUNDS
        events = store.attendance.between(T0 - timedelta(days=1), times[-1] + timedelta(days=1), person_id=pid)
        assert [e.ts for e in events] == times
        expected = ["in", "out"] * (ROUNDS // 2) if policy == "inout" else ["checkin"] * ROUNDS
        assert [e.kind for e in events] == expected
        assert {e.kiosk_id for e in events} <= {"kiosk-a", "kiosk-b"}
    finally:
        store.close()


@pytest.mark.parametrize("policy", POLICIES)
def test_two_kiosks_at_the_same_instant_record_exactly_once_per_period(empty_db: str, policy: str) -> None:
    _race(empty_db, policy)


@pytest.mark.postgres
def test_two_kiosks_record_once_on_a_server_defaulting_to_repeatable_read() -> None:
    # A snapshot taken before the person's lock is granted would miss the other kiosk's event.
    url = fresh_postgres()
    url += ("&" if "?" in url else "?") + "options=-c%20default_transaction_isolation%3Drepeatable%5C%20read"
    _race(url, "cooldown")


def test_a_deactivated_or_deleted_person_is_not_recorded(empty_db: str) -> None:
    store = Store.open(empty_db)
    try:
        ada, bob = store.people.add("Ada"), store.people.add("Bob")
        store.people.update(ada, active=False)
        store.people.delete(bob)
        rec = AttendanceRecorder(store, AttendancePolicy("cooldown", COOLDOWN_S), "front")
        for pid, why in ((ada, "deactivated"), (bob, "no longer enrolled")):
            out = rec.record(pid, 0.6, T0)
            assert not out.recorded and out.refused and why in (out.error or "")
            direct = store.attendance.record(pid, "front", "checkin", T0, 0.6)
            assert not direct.recorded and direct.event_id is None and why in (direct.reason or "")
        assert store.attendance.between(T0 - timedelta(days=1), T0 + timedelta(days=1)) == []
        store.people.update(ada, active=True)  # back again: recorded as before
        assert rec.record(ada, 0.6, T0).kind == "checkin"
    finally:
        store.close()


@pytest.mark.postgres
def test_postgres_a_person_deleted_while_the_kiosk_decides_is_refused() -> None:
    url = fresh_postgres()
    store = Store.open(url)
    engine = create_engine(normalise_url(url))
    try:
        pid = store.people.add("Ada")
        rec = AttendanceRecorder(store, AttendancePolicy("daily"), "front")
        with engine.connect() as admin:
            admin.execute(text("DELETE FROM people WHERE id = :p"), {"p": pid})  # not committed yet
            got: list[Outcome] = []
            kiosk = threading.Thread(target=lambda: got.append(rec.record(pid, 0.6, T0)))
            kiosk.start()
            kiosk.join(0.5)  # the kiosk still sees her, and its event waits for the delete's row lock
            admin.commit()
        kiosk.join(30)
        assert got and got[0].refused and "no longer enrolled" in (got[0].error or "")
        assert store.attendance.between(T0 - timedelta(days=1), T0 + timedelta(days=1)) == []
    finally:
        engine.dispose()
        store.close()


def _record_within(rec: AttendanceRecorder, person_id: int, seconds: float) -> Outcome | None:
    """``rec.record`` on a worker thread, as the kiosk runs it; None when it has not returned in time
    (a recognizer hanging on a lock: the code before the lock timeout waited forever on PostgreSQL)."""
    got: list[Outcome] = []
    worker = threading.Thread(target=lambda: got.append(rec.record(person_id, 0.6, T0)), daemon=True)
    worker.start()
    worker.join(seconds)
    return got[0] if got else None


@pytest.mark.parametrize("db", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_a_locked_database_gives_a_clear_message_and_records_nothing(db: str, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'kiosk.sqlite3'}" if db == "sqlite" else fresh_postgres()
    store = Store.open(url)
    try:
        pid = store.people.add("Ada")
        rec = AttendanceRecorder(store, AttendancePolicy("daily"), "front")
        if db == "sqlite":  # another program holds the write lock longer than the busy timeout
            other = sqlite3.connect(tmp_path / "kiosk.sqlite3", timeout=0, isolation_level=None)
            other.execute("BEGIN EXCLUSIVE")
            try:
                out = _record_within(rec, pid, 20)
            finally:
                other.execute("ROLLBACK")
                other.close()
        else:  # a delete of this person in progress and stuck: their row stays locked
            engine = create_engine(normalise_url(url))
            try:
                with engine.connect() as conn:
                    conn.execute(text("SELECT id FROM people WHERE id = :p FOR UPDATE"), {"p": pid})
                    out = _record_within(rec, pid, 20)
                    conn.rollback()
            finally:
                engine.dispose()
        assert out is not None, "the recognizer hung waiting for the database"
        assert not out.recorded and not out.refused and "locked" in (out.error or "")
        assert store.attendance.last(pid) is None  # nothing half-written
        assert rec.record(pid, 0.6, T0).kind == "checkin"  # and the kiosk carries on once it is free
    finally:
        store.close()


@pytest.mark.postgres
def test_postgres_holds_up_only_decisions_for_the_same_person() -> None:
    url = fresh_postgres()
    front, back = Store.open(url), Store.open(url)
    try:
        ada, bob = front.people.add("Ada"), front.people.add("Bob")
        inside, go_on = threading.Event(), threading.Event()

        def slow_decide(last: object) -> str:  # the front kiosk decides for Ada, slowly, under her lock
            inside.set()
            go_on.wait(30)
            return "checkin"

        first = threading.Thread(target=front.attendance.decide_and_record, args=(ada, "front", slow_decide, T0, 0.6))
        first.start()
        assert inside.wait(30)
        t = time.monotonic()
        assert back.attendance.record(bob, "back", "checkin", T0, 0.6).recorded  # Bob is not held up by Ada
        bob_s = time.monotonic() - t
        second: dict[str, object] = {}
        waiting = threading.Thread(target=lambda: second.update(r=back.attendance.decide_and_record(
            ada, "back", lambda last: None if last else "checkin", T0, 0.6)))
        waiting.start()
        waiting.join(0.5)
        assert waiting.is_alive()  # Ada's second decision waits for the first one ...
        go_on.set()
        first.join(30)
        waiting.join(30)
        r = second["r"]
        assert r.status == "not_counted" and r.previous.kiosk_id == "front"  # ... and then sees its event
        assert bob_s < 1.0
    finally:
        go_on.set()
        front.close()
        back.close()


def test_four_kiosks_starting_together_on_an_empty_database_all_come_up(empty_db: str) -> None:
    helper = Path(race_helpers.__file__)
    kiosks = [subprocess.Popen([sys.executable, str(helper), empty_db], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(4)]
    try:
        for k in kiosks:  # all four have imported the kiosk and wait on their stdin
            assert k.stdout is not None and k.stdout.readline().strip() == "ready"
        for k in kiosks:
            assert k.stdin is not None
            k.stdin.write("go\n")
            k.stdin.flush()
        outs = [k.communicate(timeout=300) for k in kiosks]
    finally:
        for k in kiosks:
            if k.poll() is None:
                k.kill()
    assert [k.returncode for k in kiosks] == [0] * 4, [err for _, err in outs]
    assert [out.strip() for out, _ in outs] == [str(SCHEMA_VERSION)] * 4
    created = sum(err.count("created the database schema") for _, err in outs)
    assert created == 1, [err for _, err in outs]
    with Store.open(empty_db) as store, store.db.engine.connect() as conn:
        rows = conn.execute(text("SELECT value FROM settings WHERE key = 'schema_version'")).all()
    assert [r[0] for r in rows] == [str(SCHEMA_VERSION)]
