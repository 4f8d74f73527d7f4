"""How long one attendance decision takes: deciding and recording a check-in on SQLite and PostgreSQL.

This is the call the recognition worker makes when a track is first named (``AttendanceRecorder.record``,
once per person per track, on the worker thread, never on the UI thread). Measured per backend:

- ``records``: a pass that writes an event (``cooldown`` policy, each pass one cooldown after the last);
- ``not_counted``: a pass the rule does not count (``daily``, already checked in today);
- ``contended``: two kiosk processes deciding for the same person at the same instant (a barrier before
  every round): each attempt's time, including any wait for the other kiosk's lock.

    python bench/attendance_record.py [--postgres URL] [--rounds 300] [--json]

PostgreSQL: a throwaway database is created on the server of URL (the user must be allowed to create
databases) and dropped at the end; nothing in URL's own database is touched. Run the same script with
``PYTHONPATH=<an older checkout>`` to measure that code (the script uses only APIs both have).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

T0 = datetime(2025, 3, 10, 0, 0).astimezone()


def _summary(ms: list[float]) -> dict[str, float]:
    s = sorted(ms)
    return {"p50_ms": round(statistics.median(s), 3), "p90_ms": round(s[int(0.9 * (len(s) - 1))], 3),
            "max_ms": round(s[-1], 3), "n": len(s)}


def _time_passes(url: str, rounds: int) -> dict[str, dict[str, float]]:
    from kiosk.attendance.policy import AttendancePolicy, AttendanceRecorder
    from kiosk.store import Store

    store = Store.open(url)
    try:
        people = [store.people.add(f"P{i}") for i in range(50)]  # a few rows around the one decided on
        pid = people[0]
        counting = AttendanceRecorder(store, AttendancePolicy("cooldown", 60), "bench")
        daily = AttendanceRecorder(store, AttendancePolicy("daily"), "bench")
        for i in range(20):  # warm up: pooled connection, compiled statements
            counting.record(people[1], 0.6, T0 - timedelta(days=1) + timedelta(minutes=i))
        records, skipped = [], []
        for i in range(rounds):
            t = time.perf_counter()
            out = counting.record(pid, 0.6, T0 + timedelta(minutes=i))
            records.append((time.perf_counter() - t) * 1000)
            assert out.recorded, out
        for i in range(rounds):
            t = time.perf_counter()
            out = daily.record(pid, 0.6, T0 + timedelta(minutes=rounds + i))
            skipped.append((time.perf_counter() - t) * 1000)
            assert not out.recorded and out.error is None, out
        return {"records": _summary(records), "not_counted": _summary(skipped)}
    finally:
        store.close()


def _contender(url: str, person_id: int, rounds: int, kiosk: str, barrier: Any, results: Any) -> None:
    from kiosk.attendance.policy import AttendancePolicy, AttendanceRecorder
    from kiosk.store import Store

    store = Store.open(url)
    ms, recorded, errors = [], 0, 0
    try:
        rec = AttendanceRecorder(store, AttendancePolicy("cooldown", 60), kiosk)
        store.people.count()
        for i in range(rounds):
            barrier.wait(timeout=60)
            t = time.perf_counter()
            out = rec.record(person_id, 0.6, T0 + timedelta(days=30, minutes=i))
            ms.append((time.perf_counter() - t) * 1000)
            recorded += out.recorded
            errors += out.error is not None
    finally:
        store.close()
        results.put((ms, recorded, errors))


def _time_contended(url: str, rounds: int) -> dict[str, Any]:
    from kiosk.store import Store

    with Store.open(url) as store:
        pid = store.people.add("Contended")
    mp = multiprocessing.get_context("spawn")
    barrier, results = mp.Barrier(2), mp.Queue()
    procs = [mp.Process(target=_contender, args=(url, pid, rounds, k, barrier, results)) for k in ("a", "b")]
    for p in procs:
        p.start()
    got = [results.get(timeout=600) for _ in procs]
    for p in procs:
        p.join(60)
    ms = [m for g in got for m in g[0]]
    return {**_summary(ms), "events_per_round": round(sum(g[1] for g in got) / rounds, 3),
            "errors": sum(g[2] for g in got)}


@contextmanager
def _throwaway_postgres(url: str) -> Iterator[str]:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from kiosk.store.db import normalise_url

    base = make_url(normalise_url(url))
    name = f"kiosk_bench_{os.getpid()}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def main() -> int:
    """Measure and print the figures."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--postgres", default=os.environ.get("KIOSK_TEST_POSTGRES_URL", ""),
                    help="a PostgreSQL server to measure on too (default: KIOSK_TEST_POSTGRES_URL)")
    ap.add_argument("--rounds", type=int, default=300)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    import kiosk

    result: dict[str, Any] = {"code": str(Path(kiosk.__file__).resolve().parents[1])}
    with tempfile.TemporaryDirectory(prefix="kiosk-bench-") as d:
        url = f"sqlite:///{Path(d) / 'kiosk.sqlite3'}"
        result["sqlite"] = {**_time_passes(url, args.rounds), "contended": _time_contended(url, args.rounds // 3)}
    if args.postgres:
        with _throwaway_postgres(args.postgres) as url:
            result["postgresql"] = {**_time_passes(url, args.rounds),
                                    "contended": _time_contended(url, args.rounds // 3)}
    if args.json:
        print(json.dumps(result))
    else:
        print(f"code: {result['code']}")
        for backend in ("sqlite", "postgresql"):
            for case, s in result.get(backend, {}).items():
                extra = (f", {s['events_per_round']} events/round, {s['errors']} errors"
                         if case == "contended" else "")
                print(f"{backend:10s} {case:12s} p50 {s['p50_ms']:7.3f} ms  p90 {s['p90_ms']:7.3f} ms  "
                      f"max {s['max_ms']:8.3f} ms  (n={s['n']}{extra})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
