"""``kiosk bench sync``: how soon a running kiosk's gallery shows a change made by another process.

Two processes on one database. This one is the kiosk: a real :class:`~kiosk.gallery.Gallery` kept up
to date by the real :class:`~kiosk.gallery.FeedFollower`, exactly as the window and ``kiosk run`` do.
A child process (``kiosk bench sync --writer``) makes N changes through the store, one every
``interval`` (enroll, rename, deactivate, reactivate, delete, person after person), and prints each
one's feed step and commit time. The kiosk watches its gallery every 2 ms: a change counts as seen
when the gallery has applied its step *and* shows the person as that change left them (name, the
templates present or gone). Latency = first moment seen - commit time (both processes read the same
clock). ``lost``: changes never seen, or seen wrong, within ``timeout_s`` after the last one.

Templates are random unit vectors of a made-up embedder ("bench-sync"): no model is loaded, and every
person made is deleted at the end. Without a database URL the benchmark uses a throwaway SQLite file.
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

MODEL = "bench-sync"
DIM = 128
CYCLE = ("enroll", "rename", "deactivate", "reactivate", "delete")
POLL_S = 0.002


@dataclass(frozen=True, slots=True)
class Expected:
    """One change as the writer reported it, and what the gallery must show once it is applied."""

    i: int
    kind: str
    person_id: int
    seq: int
    t: float
    name: str | None  # None: the person must be gone
    templates: tuple[int, ...]


def _template(rng: np.random.Generator) -> Any:
    from kiosk.store import TemplateIn

    v = rng.standard_normal(DIM).astype(np.float32)
    return TemplateIn(v / np.linalg.norm(v), MODEL, None, "bench-sync", None)


def writer_run(url: str, changes: int, interval_s: float, out: Any = None) -> int:
    """The writing half: ``changes`` changes, one JSON line each, then ``{"done": true}``; deletes
    whatever it made before returning."""
    from kiosk.store import Store

    out = out or sys.stdout
    store = Store.open(url)
    rng = np.random.default_rng(0)
    tag = uuid.uuid4().hex[:8]
    made: list[int] = []
    pid, tids, name = 0, [], ""
    try:
        for i in range(changes):
            kind = CYCLE[i % len(CYCLE)]
            person = i // len(CYCLE)
            if kind == "enroll":
                name = f"bench-sync {tag} {person}"
                pid, tids = store.people.enroll(name, [_template(rng), _template(rng)], actor="bench-sync")
                made.append(pid)
            elif kind == "rename":
                name = f"{name} (renamed)"
                store.people.update(pid, name=name, actor="bench-sync")
            elif kind == "deactivate":
                store.people.update(pid, active=False, actor="bench-sync")
            elif kind == "reactivate":
                store.people.update(pid, active=True, actor="bench-sync")
            else:
                store.people.delete(pid, actor="bench-sync")
                made.remove(pid)
            t = time.time()
            seq = store.feed.change_seq()
            shown = None if kind in ("deactivate", "delete") else name
            print(json.dumps({"i": i, "kind": kind, "person_id": pid, "seq": seq, "t": t, "name": shown,
                              "templates": tids}), file=out, flush=True)
            time.sleep(interval_s)
        print(json.dumps({"done": True}), file=out, flush=True)
    finally:
        for p in made:
            with contextlib.suppress(Exception):
                store.people.delete(p, actor="bench-sync")
        store.close()
    return 0


def _seen(gallery: Any, e: Expected) -> bool:
    name = gallery.current_name(e.person_id)
    if e.name is None:
        return name is None and not np.any(gallery.person_of(np.array(e.templates, np.int64)) == e.person_id)
    return name == e.name and bool(np.all(gallery.person_of(np.array(e.templates, np.int64)) == e.person_id))


def _percentile(values: list[float], q: float) -> float:
    return round(float(np.percentile(np.asarray(values), q)), 1) if values else 0.0


def bench_sync(url: str | None = None, changes: int = 50, interval_s: float = 0.1, timeout_s: float = 10.0,
               poll_s: float | None = None) -> dict[str, Any]:
    """Run the benchmark (see the module doc) and return its figures."""
    from kiosk.gallery import FeedFollower, Gallery
    from kiosk.store import Store
    from kiosk.store.crypto import ENV_VAR, KEY_FILE_NAME

    work = None
    key_file = None
    if not url:
        # A throwaway database gets a throwaway key beside it, never one in the user's data folder.
        work = Path(tempfile.mkdtemp(prefix="kiosk-bench-sync-"))
        url = f"sqlite:///{work / 'kiosk.sqlite3'}"
        key_file = work / KEY_FILE_NAME
    store = Store.open(url, key_file=key_file)
    follower: FeedFollower | None = None
    proc: subprocess.Popen[str] | None = None
    try:
        gallery = Gallery(store.gallery_source, MODEL, DIM, threshold=0.5)
        gallery.ready()
        follower = (FeedFollower(gallery, store.feed) if poll_s is None
                    else FeedFollower(gallery, store.feed, poll_s))
        follower.start()
        # The writer starts only once the kiosk is following (as a kiosk that is already running).
        deadline = time.monotonic() + 10
        while not follower.mode and time.monotonic() < deadline:
            time.sleep(0.01)
        env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(Path(__file__).resolve().parents[2]),
                                                            os.environ.get("PYTHONPATH", "")])}
        if key_file is not None and ENV_VAR not in env:  # the writer opens the same throwaway key
            env[ENV_VAR] = key_file.read_text().strip()
        proc = subprocess.Popen([sys.executable, "-m", "kiosk", "bench", "sync", "--writer", "--database-url", url,
                                 "--changes", str(changes), "--interval-ms", str(interval_s * 1000)],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        lines: queue.Queue[str | None] = queue.Queue()

        def read() -> None:
            assert proc is not None and proc.stdout is not None
            for line in proc.stdout:
                lines.put(line)
            lines.put(None)

        threading.Thread(target=read, daemon=True).start()
        pending: list[Expected] = []
        latency: dict[int, float] = {}
        kinds: dict[int, str] = {}
        received = 0
        writer_done = False
        end_by: float | None = None
        while True:
            now = time.time()
            while True:
                try:
                    line = lines.get_nowait()
                except queue.Empty:
                    break
                if line is None or '"done"' in line:
                    writer_done = True
                    end_by = time.monotonic() + timeout_s
                    continue
                d = json.loads(line)
                pending.append(Expected(d["i"], d["kind"], d["person_id"], d["seq"], d["t"], d["name"],
                                        tuple(d["templates"])))
                kinds[d["i"]] = d["kind"]
                received += 1
            applied = gallery.synced_seq or 0
            # A change is seen once its step is applied and the gallery shows the person as the latest
            # applied change of that person left them (a later change may have overtaken it meanwhile).
            latest: dict[int, Expected] = {}
            for e in pending:
                if e.seq <= applied:
                    latest[e.person_id] = e
            for e in list(pending):
                if e.seq <= applied and _seen(gallery, latest[e.person_id]):
                    latency[e.i] = max(0.0, now - e.t) * 1000.0
                    pending.remove(e)
            if writer_done and (not pending or (end_by is not None and time.monotonic() > end_by)):
                break
            if not writer_done and proc.poll() is not None and lines.empty():
                writer_done = True
                end_by = time.monotonic() + timeout_s
            time.sleep(POLL_S)
        proc.wait(timeout=30)
        if proc.returncode != 0:
            raise RuntimeError(f"bench sync writer failed: {proc.stderr.read()[-2000:] if proc.stderr else ''}")
        values = list(latency.values())
        by_kind = {k: _percentile([v for i, v in latency.items() if kinds[i] == k], 50) for k in CYCLE}
        return {
            "changes": received,
            "p50_ms": _percentile(values, 50),
            "p99_ms": _percentile(values, 99),
            "max_ms": round(max(values), 1) if values else 0.0,
            "lost": received - len(latency) + max(0, changes - received),
            "p50_ms_by_kind": by_kind,
            "database": store.db.engine.url.get_backend_name(),
            "wait_mode": follower.mode,
            "interval_ms": round(interval_s * 1000, 1),
            "feed_passes": follower.passes,
            "cpus": os.cpu_count(),
            "load_avg_1m": round(os.getloadavg()[0], 2) if hasattr(os, "getloadavg") else None,
        }
    finally:
        if proc is not None and proc.poll() is None:
            proc.kill()
        if follower is not None:
            follower.stop()
        store.close()
        if work is not None:
            shutil.rmtree(work, ignore_errors=True)
