"""Worker processes for the concurrency tests: kiosks that record the same person at the same instant.

They live in their own small module (not a test file) because ``multiprocessing`` with the ``spawn``
start method imports the target's module in every child: a fresh interpreter each, no state forked
from the test process (open engines, pools, threads).
"""

from __future__ import annotations

import sys
from datetime import datetime
from typing import Any


def record_rounds(url: str, person_id: int, policy: str, cooldown_s: float, times: list[datetime],
                  kiosk_id: str, barrier: Any, results: Any) -> None:
    """One kiosk: for each time in ``times``, wait at the barrier with the other kiosk, then record the person.

    Every round is one policy period (a new day for ``daily``, one cooldown later for the others), so each
    round is a fresh race that must end in exactly one event. Puts ``(kiosk_id, [(kind, error), ...])``.
    """
    from kiosk.attendance.policy import AttendancePolicy, AttendanceRecorder
    from kiosk.store import Store

    out: list[tuple[str | None, str | None]] = []
    try:
        store = Store.open(url)
    except BaseException:
        barrier.abort()  # the other kiosk must not wait for this one until the timeout
        results.put((kiosk_id, out))
        raise
    try:
        rec = AttendanceRecorder(store, AttendancePolicy(policy, cooldown_s), kiosk_id)
        store.people.count()  # a pooled connection is open before the first race
        barrier.wait(timeout=120)
        for ts in times:
            barrier.wait(timeout=120)
            o = rec.record(person_id, 0.6, ts)
            out.append((o.kind if o.recorded else None, o.error))
    except BaseException:
        barrier.abort()
        raise
    finally:
        store.close()
        results.put((kiosk_id, out))


def open_at_signal(url: str) -> None:
    """A kiosk starting up: import everything, say "ready", wait for a line on stdin, then open the store.

    The test writes that line to every waiting kiosk at once, so they open the database together (a read
    blocked on a pipe wakes at once, without four processes spinning on two cores). Prints the schema
    version on success; a failure ends the process with a traceback and a non-zero code.
    """
    import logging

    from kiosk.store import Store

    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(name)s: %(message)s")
    print("ready", flush=True)
    sys.stdin.readline()
    store = Store.open(url)
    print(store.db.schema_version, flush=True)
    store.close()


if __name__ == "__main__":
    open_at_signal(sys.argv[1])
