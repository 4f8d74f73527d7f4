"""The whole kiosk telling other systems: ``kiosk run`` on the clip with Lin enrolled, a real local HTTP
receiver and the mosquitto broker test.sh starts; a kill -9 between recording and delivering."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from conftest import run_cli
from outputs_helpers import Receiver
from test_cmd_run import _enroll_into_home

from kiosk.outputs import verify

SECRET = "s3cret"


def _home(tmp_path: Path, pipeline, video_dir: Path, outputs: str) -> tuple[Path, int]:
    home = tmp_path / "home"
    home.mkdir()
    pid = _enroll_into_home(home, pipeline, video_dir / "lin-manuel-miranda.png", "Lin-Manuel")
    (home / "config.toml").write_text('[attendance]\nkiosk_id = "door-1"\n\n' + outputs, encoding="utf-8")
    return home, pid


def _webhook(url: str) -> str:
    return (f'[[outputs]]\nname = "hr"\ntype = "webhook"\nurl = "{url}/hook"\nsecret = "{SECRET}"\n'
            f'backoff_s = 0.2\nbackoff_max_s = 1.0\ntimeout_s = 2.0\nmax_attempts = 100\n\n')


def _run_args(home: Path, model_dir: Path, video_dir: Path) -> list[str]:
    return ["--home", str(home), "--model-dir", str(model_dir), "run", "--source",
            str(video_dir / "short_hamilton_clip.mp4"), "--json", "--exit-at-end"]


def _posts(rx: Receiver) -> list:
    return [r for r in rx.requests if r.method == "POST"]


@pytest.mark.slow
def test_kiosk_run_sends_one_signed_checkin_to_the_webhook_and_the_broker(tmp_path, model_dir, pipeline,
                                                                          video_dir) -> None:
    from urllib.parse import urlsplit

    import paho.mqtt.client as mqtt

    mqtt_url = os.environ.get("KIOSK_TEST_MQTT_URL")
    if not mqtt_url:
        pytest.fail("KIOSK_TEST_MQTT_URL is not set: run the suite through `bash test.sh`, which starts mosquitto")
    rx = Receiver().start()
    prefix = f"run{time.monotonic_ns()}"
    home, pid = _home(tmp_path, pipeline, video_dir, _webhook(rx.url) + (
        f'[[outputs]]\nname = "bus"\ntype = "mqtt"\nurl = "{mqtt_url}"\nprefix = "{prefix}"\n'))
    got: list[tuple[str, bytes]] = []
    ready = threading.Event()
    sub = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=f"test-{prefix}")
    sub.on_message = lambda _c, _u, m: got.append((m.topic, m.payload))
    sub.on_connect = lambda c, *_a: c.subscribe(f"{prefix}/#", qos=1)
    sub.on_subscribe = lambda *_a: ready.set()
    u = urlsplit(mqtt_url)
    sub.connect(u.hostname or "127.0.0.1", u.port or 1883)
    sub.loop_start()
    try:
        assert ready.wait(10)
        res = run_cli(*_run_args(home, model_dir, video_dir))
        assert res.returncode == 0, res.stderr
        lines = [json.loads(x) for x in res.stdout.splitlines() if x.strip()]
        assert [e["event"] for e in lines] == ["checkin", "summary"] and lines[-1]["outputs_pending"] == 0
        (req,) = _posts(rx)  # exactly one check-in, delivered before `kiosk run --exit-at-end` returned
        assert verify(SECRET, req.body, req.headers["X-Kiosk-Signature"])
        body = req.json()
        assert (body["kind"], body["person_id"], body["name"], body["kiosk_id"]) == ("checkin", pid, "Lin-Manuel",
                                                                                     "door-1")
        deadline = time.monotonic() + 5
        while not any(t == f"{prefix}/door-1/checkin" for t, _p in got) and time.monotonic() < deadline:
            time.sleep(0.05)
        checkins = [json.loads(p) for t, p in got if t == f"{prefix}/door-1/checkin"]
        assert [c["event_id"] for c in checkins] == [body["event_id"]]  # same event, same id, right topic
        assert (f"{prefix}/door-1/availability", b"offline") in got  # said goodbye on exit
    finally:
        sub.loop_stop()
        sub.disconnect()
        rx.stop()


@pytest.mark.slow
def test_kill_9_between_recording_and_delivering_then_restart_delivers_once(tmp_path, model_dir, pipeline,
                                                                           video_dir) -> None:
    rx = Receiver()  # down while the first kiosk runs
    home, pid = _home(tmp_path, pipeline, video_dir, _webhook(rx.url))
    env = dict(os.environ)
    proc = subprocess.Popen([sys.executable, "-m", "kiosk", *_run_args(home, model_dir, video_dir)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True)
    db = home / "kiosk.sqlite3"
    try:
        deadline = time.monotonic() + 300
        pending = 0
        while pending == 0:  # recorded: the event and its message committed together
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "no check-in recorded"
            time.sleep(0.05)
            try:
                with sqlite3.connect(db, timeout=5) as con:
                    pending = con.execute("SELECT COUNT(*) FROM outbox WHERE state = 'pending'").fetchone()[0]
            except sqlite3.OperationalError:  # the outbox table is not there yet
                pending = 0
        os.kill(proc.pid, signal.SIGKILL)  # not delivered: the receiver is down
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.communicate()
    with sqlite3.connect(db) as con:
        assert con.execute("SELECT COUNT(*) FROM attendance_events").fetchone()[0] == 1
        assert con.execute("SELECT state FROM outbox").fetchall() == [("pending",)]
    assert rx.requests == []
    rx.start()
    try:
        # The restarted kiosk records nothing new (Lin checked in today) and sends what the killed one left.
        res = run_cli(*_run_args(home, model_dir, video_dir))
        assert res.returncode == 0, res.stderr
        assert [json.loads(x)["event"] for x in res.stdout.splitlines() if x.strip()] == ["summary"]
        time.sleep(0.5)
        (req,) = _posts(rx)
        assert verify(SECRET, req.body, req.headers["X-Kiosk-Signature"])
        assert (req.json()["kind"], req.json()["person_id"]) == ("checkin", pid)
        with sqlite3.connect(db) as con:
            assert con.execute("SELECT state FROM outbox").fetchall() == [("delivered",)]
    finally:
        rx.stop()
