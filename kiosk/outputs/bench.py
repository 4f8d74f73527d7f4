"""``kiosk bench events``: check-in recorded -> webhook received on loopback, and a receiver outage.

Recording goes through ``store.attendance.decide_and_record`` with the webhook's route, exactly as a
check-in at the kiosk does (the event and its message in one transaction), and delivery through the real
worker and httpx; the receiver is a local ``http.server`` that notes when each event id arrives.
"""

from __future__ import annotations

import statistics
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from kiosk.config import OutputConfig
from kiosk.outputs.worker import routes
from kiosk.store import Store

SECRET = "bench-secret"


@dataclass
class _Receiver:
    """A loopback webhook receiver: event id -> arrival times (perf_counter)."""

    port: int = 0
    arrivals: list[tuple[str, float]] = field(default_factory=list)
    _server: ThreadingHTTPServer | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def start(self) -> None:
        import json

        rec = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                at = time.perf_counter()
                with rec._lock:
                    rec.arrivals.append((str(json.loads(body)["event_id"]), at))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *_a: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.port = int(self._server.server_address[1])
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def snapshot(self) -> list[tuple[str, float]]:
        with self._lock:
            return list(self.arrivals)


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def bench_events(events: int = 200, down_s: float = 5.0, database_url: str | None = None,
                 timeout_s: float = 60.0) -> dict[str, Any]:
    """Latency of ``events`` check-ins one after another, then ``events`` more recorded while the receiver is
    down for ``down_s`` seconds: how many arrive (lost), how many twice (duplicated), in order or not."""
    import logging

    from kiosk.outputs import start_worker

    # The outage phase fails hundreds of attempts on purpose: one warning each would bury the result.
    logging.getLogger("kiosk.outputs.worker").setLevel(logging.ERROR)
    rx = _Receiver()
    rx.start()
    tmp = tempfile.TemporaryDirectory(prefix="kiosk-bench-events-")
    url = database_url or f"sqlite:///{Path(tmp.name) / 'bench.sqlite3'}"
    store = Store.open(url)
    cfg = OutputConfig(name="bench-webhook", type="webhook", url=f"http://127.0.0.1:{rx.port}/hook", secret=SECRET,
                       timeout_s=2.0, backoff_s=0.1, backoff_max_s=1.0, max_attempts=1000)
    kiosk_id = f"bench-{time.time_ns()}"
    worker = start_worker(store.outbox, kiosk_id, [cfg])
    route = routes([cfg])
    pid = store.people.add("Bench Person", group="bench")
    t0 = datetime.now().astimezone()
    n = 0

    def record() -> str:
        nonlocal n
        n += 1
        res = store.attendance.decide_and_record(pid, kiosk_id, lambda _last: "checkin", t0 + timedelta(seconds=n),
                                                 0.9, route)
        if not res.recorded:
            raise RuntimeError(f"bench check-in not recorded: {res.reason}")
        worker.notify()
        return str(store.outbox.list(kiosk_id=kiosk_id, limit=1)[0].event_id)

    try:
        latencies: list[float] = []
        for _ in range(events):
            before = len(rx.snapshot())
            recorded_at = time.perf_counter()
            record()
            deadline = recorded_at + 10
            while len(rx.snapshot()) == before and time.perf_counter() < deadline:
                time.sleep(0.0005)
            arrivals = rx.snapshot()
            if len(arrivals) > before:
                latencies.append((arrivals[-1][1] - recorded_at) * 1000)
        # Outage: the receiver's port refuses connections while events keep being recorded.
        rx.stop()
        already = len(rx.snapshot())
        sent: list[str] = []
        start_down = time.perf_counter()
        for i in range(events):
            sent.append(record())
            time.sleep(max(0.0, start_down + down_s * (i + 1) / events - time.perf_counter()))
        rx.start()
        up_at = time.perf_counter()
        deadline = up_at + timeout_s
        while time.perf_counter() < deadline:
            got = {e for e, _t in rx.snapshot()[already:]}
            if set(sent) <= got:
                break
            time.sleep(0.01)
        recovered_s = time.perf_counter() - up_at
        worker.drain(5.0)
        time.sleep(0.3)  # a late duplicate would show up now
        after = [e for e, _t in rx.snapshot()[already:]]
        received = set(after)
        return {
            "events": events,
            "latency_ms": {"p50": round(statistics.median(latencies), 2) if latencies else None,
                           "p99": round(_pct(latencies, 0.99), 2) if latencies else None,
                           "max": round(max(latencies), 2) if latencies else None,
                           "received": len(latencies)},
            "outage": {"events": len(sent), "down_s": down_s, "lost": len(set(sent) - received),
                       "duplicated": len(after) - len(received), "in_order": [e for e in after if e in set(sent)]
                       == [e for e in sent if e in received], "all_received_after_up_s": round(recovered_s, 2)},
            "database": store.db.engine.dialect.name,
        }
    finally:
        worker.stop()
        rx.stop()
        if database_url:  # a shared test database: leave no bench rows behind
            from sqlalchemy import delete

            from kiosk.store.schema import AttendanceEvent, OutboxMessage

            with store.db.engine.begin() as conn:
                conn.execute(delete(OutboxMessage).where(OutboxMessage.kiosk_id == kiosk_id))
                conn.execute(delete(AttendanceEvent).where(AttendanceEvent.kiosk_id == kiosk_id))
            store.people.delete(pid, actor="bench")
        store.close()
        tmp.cleanup()
