"""The event outbox and its outputs with real parts: a local HTTP receiver, a pseudo-terminal serial relay,
the mosquitto broker test.sh starts, SQLite and PostgreSQL.

The whole-kiosk tests (``kiosk run`` on the clip, kill -9) are in test_outputs_run.py.
"""

from __future__ import annotations

import json
import os
import select
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from outputs_helpers import Receiver, free_port

from kiosk.cli.main import main
from kiosk.config import config_from_dict
from kiosk.errors import ConfigError
from kiosk.outputs import DeliveryWorker, backoff_s, build_target, routes, start_worker, verify
from kiosk.outputs.dead_letters import DeadLetters
from kiosk.store import Store
from kiosk.store.schema import SCHEMA_VERSION

SECRET = "s3cret"
T0 = datetime(2025, 3, 10, 8, 0, tzinfo=UTC).astimezone()


def _outputs(*tables: dict) -> tuple:
    return config_from_dict({"outputs": list(tables)}).outputs


def _webhook(url: str, **kw: object) -> dict:
    return {"name": "hr", "type": "webhook", "url": url, "secret": SECRET, **kw}


@pytest.fixture()
def store(tmp_path: Path):
    s = Store.open(f"sqlite:///{tmp_path / 'kiosk.sqlite3'}")
    yield s
    s.close()


def _record(store: Store, pid: int, outputs: tuple, kind: str = "checkin", minutes: int = 0,
            kiosk_id: str = "k1") -> object:
    return store.attendance.decide_and_record(pid, kiosk_id, lambda _last: kind, T0 + timedelta(minutes=minutes), 0.71,
                                   routes(outputs))


# ---------------------------------------------------------------- config

def test_outputs_config_parses_each_type_with_defaults() -> None:
    outs = _outputs(_webhook("https://hr.example.com/x"),
                    {"name": "bus", "type": "mqtt", "url": "mqtt://127.0.0.1:1883", "discovery": True},
                    {"name": "door", "type": "relay", "relay": "serial", "device": "/dev/ttyUSB0",
                     "groups": ["staff"], "kinds": ["checkin"], "pulse_ms": 300})
    hr, bus, door = outs
    assert hr.kinds == ("checkin", "in", "out") and hr.groups == () and hr.verify_tls and hr.max_attempts == 10
    assert bus.prefix == "kiosk" and bus.discovery
    assert door.groups == ("staff",) and door.kinds == ("checkin",) and door.on_bytes == "A00101A2"


@pytest.mark.parametrize(("table", "message"), [
    ({"name": "x", "type": "fax"}, "type = 'fax' must be one of 'webhook', 'mqtt', 'relay'"),
    ({"type": "webhook", "url": "http://a"}, "needs name ="),
    ({"name": "x", "type": "webhook"}, "a webhook needs url ="),
    ({"name": "x", "type": "webhook", "url": "http://a", "topic": "t"}, "unknown key(s) for a webhook output: topic"),
    ({"name": "x", "type": "webhook", "url": "http://a", "kinds": ["party"]}, "kinds = ['party']"),
    ({"name": "x", "type": "webhook", "url": "http://a", "max_attempts": 0}, "max_attempts = 0 must be between"),
    ({"name": "x", "type": "mqtt", "url": "tcp://b"}, "an mqtt output needs url ="),
    ({"name": "x", "type": "relay", "relay": "serial"}, "a serial relay needs device ="),
    ({"name": "x", "type": "relay", "relay": "serial", "device": "/dev/x", "on_bytes": "zz"}, "must be hex bytes"),
    ({"name": "x", "type": "relay", "relay": "gpio"}, "a gpio relay needs gpio_line"),
])
def test_outputs_config_refuses_mistakes_by_name(table: dict, message: str) -> None:
    with pytest.raises(ConfigError) as err:
        config_from_dict({"outputs": [table]})
    assert message in str(err.value)


def test_outputs_config_refuses_duplicate_names_and_a_plain_table() -> None:
    with pytest.raises(ConfigError, match="already named 'hr'"):
        _outputs(_webhook("http://a"), _webhook("http://b"))
    with pytest.raises(ConfigError, match=r"\[\[outputs\]\] tables"):
        config_from_dict({"outputs": {"name": "hr"}})


# ---------------------------------------------------------------- the outbox in the event's transaction

def test_messages_are_written_with_the_event_filtered_by_kind_and_group(store: Store) -> None:
    outs = _outputs(_webhook("http://127.0.0.1:9/x"),
                    {"name": "door", "type": "relay", "relay": "http", "url": "http://127.0.0.1:9/r",
                     "groups": ["staff"], "kinds": ["checkin", "in"]})
    staff = store.people.add("Lin", external_id="E1", group="staff")
    guest = store.people.add("Alex", group="guests")
    assert _record(store, staff, outs).recorded
    assert _record(store, guest, outs).recorded
    assert _record(store, staff, outs, kind="out", minutes=1).recorded
    msgs = sorted(store.outbox.list(), key=lambda m: m.id)
    assert [(m.target, m.payload["name"], m.kind) for m in msgs] == [
        ("hr", "Lin", "checkin"), ("door", "Lin", "checkin"), ("hr", "Alex", "checkin"), ("hr", "Lin", "out")]
    assert msgs[0].event_id == msgs[1].event_id != msgs[2].event_id  # one id per event, the same for every target
    p = msgs[0].payload
    assert set(p) >= {"event_id", "kind", "person_id", "external_id", "name", "group", "kiosk_id", "ts", "similarity"}
    assert (p["person_id"], p["external_id"], p["group"], p["kiosk_id"], p["similarity"]) == (staff, "E1", "staff",
                                                                                             "k1", 0.71)
    assert datetime.fromisoformat(str(p["ts"])) == T0 and datetime.fromisoformat(str(p["ts"])).utcoffset() is not None
    assert store.outbox.counts() == {"pending": 4, "delivered": 0, "dead": 0}


def test_no_event_no_message_and_a_failed_message_write_records_no_event(store: Store, monkeypatch) -> None:
    outs = _outputs(_webhook("http://127.0.0.1:9/x"))
    pid = store.people.add("Lin")
    assert not store.attendance.decide_and_record(pid, "k1", lambda _l: None, T0, 0.7, routes(outs)).recorded
    store.people.update(pid, active=False)
    assert store.attendance.decide_and_record(pid, "k1", lambda _l: "checkin", T0, 0.7, routes(outs)).refused
    assert store.outbox.list() == []
    store.people.update(pid, active=True)

    import kiosk.store.attendance as store_module

    def broken(*_a: object, **_k: object) -> int:
        raise RuntimeError("disk full")

    monkeypatch.setattr(store_module, "add_messages", broken)
    with pytest.raises(RuntimeError):
        _record(store, pid, outs)
    # One transaction: the event went with its message.
    assert store.attendance.last(pid) is None and store.outbox.list() == []


def test_schema_upgrade_from_v4_adds_the_outbox(tmp_path: Path) -> None:
    import sqlite3

    db = tmp_path / "old.sqlite3"
    Store.open(f"sqlite:///{db}").close()
    con = sqlite3.connect(db)
    con.execute("DROP TABLE outbox")
    con.execute("DROP INDEX ix_templates_enc")  # and what v6 adds
    con.execute("ALTER TABLE face_templates DROP COLUMN enc")
    con.execute("UPDATE settings SET value='4' WHERE key='schema_version'")
    con.commit()
    con.close()
    s = Store.open(f"sqlite:///{db}")
    try:
        assert s.db.schema_version == SCHEMA_VERSION
        pid = s.people.add("Lin")
        assert _record(s, pid, _outputs(_webhook("http://127.0.0.1:9/x"))).recorded
        assert s.outbox.counts()["pending"] == 1
    finally:
        s.close()


@pytest.mark.postgres
def test_postgres_writes_and_delivers_the_outbox() -> None:
    from kiosk_helpers import fresh_postgres

    rx = Receiver().start()
    s = Store.open(fresh_postgres())
    outs = _outputs(_webhook(rx.url + "/hook"))
    worker = start_worker(s.outbox, "k1", outs)
    try:
        pid = s.people.add("Lin")
        for i in range(3):
            assert _record(s, pid, outs, minutes=i).recorded
        worker.notify()
        assert worker.drain(10)
        assert [b["ts"] for b in rx.bodies()] == [(T0 + timedelta(minutes=i)).isoformat() for i in range(3)]
    finally:
        worker.stop()
        s.close()
        rx.stop()


# ---------------------------------------------------------------- webhook delivery

def test_backoff_doubles_up_to_the_cap_then_dead_letters() -> None:
    (cfg,) = _outputs(_webhook("http://a", backoff_s=1.0, backoff_max_s=5.0, max_attempts=5))
    assert [backoff_s(cfg, n) for n in range(1, 6)] == [1.0, 2.0, 4.0, 5.0, None]


def test_webhook_is_signed_and_delivered_once(store: Store) -> None:
    rx = Receiver().start()
    outs = _outputs(_webhook(rx.url + "/hook"))
    worker = start_worker(store.outbox, "k1", outs)
    try:
        pid = store.people.add("Lin", external_id="E1", group="staff")
        _record(store, pid, outs)
        worker.notify()
        assert worker.drain(10)
        time.sleep(0.3)  # nothing more comes
        (req,) = rx.requests
        assert req.method == "POST" and req.path == "/hook"
        assert verify(SECRET, req.body, req.headers["X-Kiosk-Signature"])
        assert req.headers["X-Kiosk-Signature"].startswith("sha256=")
        assert not verify("other", req.body, req.headers["X-Kiosk-Signature"])
        assert req.json()["name"] == "Lin" and req.headers["Content-Type"] == "application/json"
        assert store.outbox.counts() == {"pending": 0, "delivered": 1, "dead": 0}
    finally:
        worker.stop()
        rx.stop()


def test_receiver_down_20_s_then_up_gets_every_event_in_order_once(store: Store) -> None:
    rx = Receiver()  # down: nothing listens on its port yet
    outs = _outputs(_webhook(rx.url + "/hook", backoff_s=0.2, backoff_max_s=2.0, timeout_s=2.0, max_attempts=100))
    worker = start_worker(store.outbox, "k1", outs)
    try:
        people = [store.people.add(f"P{i}") for i in range(10)]
        t_down = time.monotonic()
        sent = []
        for i in range(20):  # events keep coming while the receiver is down
            res = _record(store, people[i % 10], outs, minutes=i)
            assert res.recorded
            sent.append(i)
            worker.notify()
            time.sleep(0.5)
        time.sleep(max(0.0, 20.0 - (time.monotonic() - t_down)))
        assert rx.requests == [] and store.outbox.counts()["pending"] == 20
        rx.start()
        assert rx.wait_for(20, timeout_s=15), f"only {len(rx.requests)} of 20 arrived"
        assert worker.drain(5)
        time.sleep(0.5)
        bodies = rx.bodies()
        ids = [b["event_id"] for b in bodies]
        assert len(ids) == len(set(ids)) == 20  # none twice
        assert [b["ts"] for b in bodies] == [(T0 + timedelta(minutes=i)).isoformat() for i in sent]  # in order
        assert store.outbox.counts() == {"pending": 0, "delivered": 20, "dead": 0}
    finally:
        worker.stop()
        rx.stop()


def test_dead_letters_are_listed_and_retried_by_the_cli(tmp_path: Path, capsys) -> None:
    home = tmp_path / "home"
    home.mkdir()
    rx = Receiver()
    (home / "config.toml").write_text(
        f'[attendance]\nkiosk_id = "k1"\n\n[[outputs]]\nname = "hr"\ntype = "webhook"\nurl = "{rx.url}/hook"\n'
        f'secret = "{SECRET}"\nmax_attempts = 2\nbackoff_s = 0.05\ntimeout_s = 1.0\n', encoding="utf-8")
    from kiosk.config import load_config

    outs = load_config(home / "config.toml").outputs
    store = Store.open(f"sqlite:///{home / 'kiosk.sqlite3'}")
    worker = start_worker(store.outbox, "k1", outs)
    try:
        pid = store.people.add("Lin")
        _record(store, pid, outs)
        worker.notify()
        deadline = time.monotonic() + 10
        while store.outbox.counts()["dead"] == 0 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert main(["--home", str(home), "events", "list", "--json", "--state", "dead"]) == 0
        doc = json.loads(capsys.readouterr().out)
        (dead,) = doc["messages"]
        assert doc["counts"]["dead"] == 1 and dead["attempts"] == 2 and dead["target"] == "hr"
        assert dead["last_error"] and dead["payload"]["name"] == "Lin"
        from kiosk.context import AppContext, Overrides
        from kiosk.doctor import DoctorOptions, check_outputs

        doctor = check_outputs(AppContext(Overrides(home=str(home))), DoctorOptions())
        assert doctor.status == "warn" and "1 dead" in doctor.detail and "kiosk events retry" in doctor.fix
        assert doctor.data["dead_letters"][0]["event_id"] == dead["event_id"]
        # The receiver comes back; `kiosk events retry` sends the dead letter again via the running worker.
        rx.start()
        assert main(["--home", str(home), "events", "retry", "--json"]) == 0
        assert json.loads(capsys.readouterr().out) == {"retried": 1}
        assert rx.wait_for(1, timeout_s=10)
        assert worker.drain(5)
        assert main(["--home", str(home), "events", "list", "--json", "--state", "delivered"]) == 0
        assert [m["event_id"] for m in json.loads(capsys.readouterr().out)["messages"]] == [dead["event_id"]]
        # `kiosk events test` sends straight to the target and says so.
        assert main(["--home", str(home), "events", "test", "--target", "hr", "--json"]) == 0
        test_doc = json.loads(capsys.readouterr().out)
        assert test_doc["ok"] and rx.bodies()[-1]["kind"] == "test"
        assert verify(SECRET, rx.requests[-1].body, rx.requests[-1].headers["X-Kiosk-Signature"])
        rx.stop()
        assert main(["--home", str(home), "events", "test", "--target", "hr", "--json"]) == 1
        assert json.loads(capsys.readouterr().out)["ok"] is False
        assert main(["--home", str(home), "events", "test", "--target", "nope"]) == 1
        assert "no output named 'nope'" in capsys.readouterr().err
    finally:
        worker.stop()
        store.close()
        rx.stop()


def test_a_down_target_does_not_hold_up_another(store: Store) -> None:
    rx = Receiver().start()
    outs = _outputs(_webhook(rx.url + "/hook"),
                    {"name": "down", "type": "webhook", "url": f"http://127.0.0.1:{free_port()}/x", "timeout_s": 1.0})
    worker = start_worker(store.outbox, "k1", outs)
    try:
        pid = store.people.add("Lin")
        for i in range(3):
            _record(store, pid, outs, minutes=i)
        worker.notify()
        assert rx.wait_for(3, timeout_s=5)
        deadline = time.monotonic() + 5
        while any(m.state != "delivered" for m in store.outbox.list(target="hr")) and time.monotonic() < deadline:
            time.sleep(0.02)  # the receiver has them; marking the last one delivered may take a moment
        assert [m.state for m in store.outbox.list(target="hr")] == ["delivered"] * 3
        assert [m.state for m in store.outbox.list(target="down")] == ["pending"] * 3
        # The down target's own thread reports its failure when it has tried (later on a loaded machine).
        deadline = time.monotonic() + 5
        while not any(not s.ok for s in worker.status() if s.name == "down") and time.monotonic() < deadline:
            time.sleep(0.02)
        assert any(not s.ok for s in worker.status() if s.name == "down")
    finally:
        worker.stop()
        rx.stop()


# ---------------------------------------------------------------- relays

def test_serial_relay_pulses_through_a_pty_for_the_allowed_group_only(store: Store) -> None:
    master, slave = os.openpty()
    try:
        import tty

        tty.setraw(master)
        outs = _outputs({"name": "door", "type": "relay", "relay": "serial", "device": os.ttyname(slave),
                         "groups": ["staff"], "kinds": ["checkin"], "pulse_ms": 50,
                         "on_bytes": "A00101A2", "off_bytes": "A00100A1"})
        worker = start_worker(store.outbox, "k1", outs)
        try:
            staff = store.people.add("Lin", group="staff")
            guest = store.people.add("Alex", group="guests")
            _record(store, guest, outs)
            _record(store, staff, outs)
            worker.notify()
            assert worker.drain(10)
            got = b""
            deadline = time.monotonic() + 3
            while len(got) < 8 and time.monotonic() < deadline:
                if select.select([master], [], [], 0.1)[0]:
                    got += os.read(master, 64)
            assert got == bytes.fromhex("A00101A2A00100A1")  # one pulse: on, then off; none for the guest
            assert [m.payload["name"] for m in store.outbox.list(target="door")] == ["Lin"]
        finally:
            worker.stop()
    finally:
        os.close(master)
        os.close(slave)


def test_http_relay_is_called_for_the_allowed_group_and_a_failure_never_stops_check_ins(store: Store) -> None:
    rx = Receiver().start()
    outs = _outputs({"name": "door", "type": "relay", "relay": "http", "url": rx.url + "/relay/0",
                     "groups": ["staff"], "pulse_ms": 700})
    worker = start_worker(store.outbox, "k1", outs)
    try:
        staff = store.people.add("Lin", group="staff")
        guest = store.people.add("Alex", group="guests")
        _record(store, guest, outs)
        _record(store, staff, outs)
        worker.notify()
        assert worker.drain(10)
        (req,) = rx.requests
        assert req.method == "GET" and req.path.startswith("/relay/0?") and "pulse_ms=700" in req.path
        rx.status = 500  # the relay fails: check-ins still record, the failure is in the status and the outbox
        assert _record(store, staff, outs, kind="out", minutes=5).recorded
        worker.notify()
        deadline = time.monotonic() + 5
        while not any(not s.ok for s in worker.status()) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert [s.detail for s in worker.status()] == [f"HTTP 500 from relay {rx.url}/relay/0"]
    finally:
        worker.stop()
        rx.stop()


def test_a_stale_relay_message_is_dead_lettered_not_pulsed(store: Store) -> None:
    rx = Receiver().start()
    outs = _outputs({"name": "door", "type": "relay", "relay": "http", "url": rx.url + "/relay"})
    pid = store.people.add("Lin")
    _record(store, pid, outs)
    worker = DeliveryWorker(store.outbox, "k1", outs, {"door": build_target(outs[0], "k1")})
    worker.targets["door"].max_age_s = 0.0  # as if the kiosk had been off for a while
    worker.start()
    try:
        deadline = time.monotonic() + 5
        while store.outbox.counts()["dead"] == 0 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert rx.requests == [] and "stale" in store.outbox.list(state="dead")[0].last_error
    finally:
        worker.stop()
        rx.stop()


# ---------------------------------------------------------------- MQTT (the broker test.sh starts)

def _mqtt_url() -> str:
    url = os.environ.get("KIOSK_TEST_MQTT_URL")
    if not url:
        pytest.fail("KIOSK_TEST_MQTT_URL is not set: run the suite through `bash test.sh`, which starts mosquitto")
    return url


def _subscribe(url: str, topic: str) -> tuple[object, list[tuple[str, bytes, bool]]]:
    from urllib.parse import urlsplit

    import paho.mqtt.client as mqtt

    got: list[tuple[str, bytes, bool]] = []
    ready = threading.Event()
    c = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=f"test-sub-{time.monotonic_ns()}")
    c.on_message = lambda _c, _u, m: got.append((m.topic, m.payload, bool(m.retain)))
    c.on_subscribe = lambda *_a: ready.set()
    c.on_connect = lambda cl, *_a: cl.subscribe(topic, qos=1)
    u = urlsplit(url)
    c.connect(u.hostname, u.port)
    c.loop_start()
    assert ready.wait(10), "could not subscribe to the test broker"
    return c, got


def test_mqtt_publishes_on_the_kind_topic_with_availability_and_discovery(store: Store) -> None:
    url = _mqtt_url()
    prefix = f"t{time.monotonic_ns()}"
    sub, got = _subscribe(url, f"{prefix}/#")
    ha, ha_got = _subscribe(url, "homeassistant/sensor/k1_last_person/config")
    outs = _outputs({"name": "bus", "type": "mqtt", "url": url, "prefix": prefix, "discovery": True})
    worker = start_worker(store.outbox, "k1", outs)
    try:
        pid = store.people.add("Lin", group="staff")
        _record(store, pid, outs)
        _record(store, pid, outs, kind="out", minutes=1)
        worker.notify()
        assert worker.drain(10)
        deadline = time.monotonic() + 5
        while len([t for t, _p, _r in got if not t.endswith("availability")]) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        events = [(t, json.loads(p)) for t, p, _r in got if not t.endswith("availability")]
        assert [(t, b["kind"], b["name"]) for t, b in events] == [(f"{prefix}/k1/checkin", "checkin", "Lin"),
                                                                  (f"{prefix}/k1/out", "out", "Lin")]
        assert (f"{prefix}/k1/availability", b"online") in [(t, p) for t, p, _r in got]
        assert ha_got and json.loads(ha_got[-1][1])["state_topic"] == f"{prefix}/k1/checkin"
    finally:
        worker.stop()
    deadline = time.monotonic() + 5
    while (f"{prefix}/k1/availability", b"offline") not in [(t, p) for t, p, _r in got] and time.monotonic() < deadline:
        time.sleep(0.05)
    assert (f"{prefix}/k1/availability", b"offline") in [(t, p) for t, p, _r in got]
    for c in (sub, ha):
        c.loop_stop()  # type: ignore[attr-defined]
        c.disconnect()  # type: ignore[attr-defined]


def test_mqtt_last_will_marks_a_vanished_kiosk_offline() -> None:
    import subprocess
    import sys

    url = _mqtt_url()
    prefix = f"w{time.monotonic_ns()}"
    sub, got = _subscribe(url, f"{prefix}/+/availability")
    code = ("import sys, time; from kiosk.config import config_from_dict; from kiosk.outputs.targets import MqttTarget;"
            f"cfg = config_from_dict({{'outputs': [{{'name': 'bus', 'type': 'mqtt', 'url': '{url}', "
            f"'prefix': '{prefix}'}}]}}).outputs[0]; t = MqttTarget(cfg, 'k9'); print('up', flush=True); "
            "time.sleep(60)")
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "up"
        deadline = time.monotonic() + 10
        while (f"{prefix}/k9/availability", b"online") not in [(t, p) for t, p, _r in got]:
            assert time.monotonic() < deadline
            time.sleep(0.05)
    finally:
        proc.kill()  # no goodbye: the broker publishes the will when the connection drops
        proc.wait()
    deadline = time.monotonic() + 15
    while (f"{prefix}/k9/availability", b"offline") not in [(t, p) for t, p, _r in got]:
        assert time.monotonic() < deadline, got
        time.sleep(0.05)
    sub.loop_stop()  # type: ignore[attr-defined]
    sub.disconnect()  # type: ignore[attr-defined]


def test_bench_events_measures_latency_and_loses_nothing_in_an_outage(capsys) -> None:
    assert main(["bench", "events", "--events", "20", "--down-s", "1", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["latency_ms"]["received"] == 20 and doc["latency_ms"]["p50"] > 0
    assert doc["outage"] == {**doc["outage"], "events": 20, "lost": 0, "duplicated": 0, "in_order": True}


# ---------------------------------------------------------------- the window and the admin panel

def test_admin_outputs_page_lists_dead_letters_and_sends_them_again(qtbot, store: Store) -> None:
    from kiosk.ui.admin.outputs import OutputsPage

    outs = _outputs(_webhook("http://127.0.0.1:9/x"))
    pid = store.people.add("Lin")
    _record(store, pid, outs)
    (m,) = store.outbox.list()
    store.outbox.mark_failed(m.id, "HTTP 500 from http://127.0.0.1:9/x", None)
    page = OutputsPage(DeadLetters(store))
    qtbot.addWidget(page)
    assert "1 not delivered" in page.title.text() and page.retry_button.isEnabled()
    assert [page.table.item(0, c).text() for c in (1, 2, 3, 4)] == ["hr", "checkin", "Lin",
                                                                    "HTTP 500 from http://127.0.0.1:9/x"]
    assert page.retry() == 1
    assert store.outbox.counts()["pending"] == 1 and page.table.rowCount() == 0 and not page.retry_button.isEnabled()
    assert store.audit.latest(5)[0].action == "outbox_retry"


def test_window_status_line_shows_a_failing_output(qtbot) -> None:
    from kiosk.outputs import TargetStatus
    from kiosk.ui.window import KioskWindow

    window = KioskWindow()
    qtbot.addWidget(window)
    assert "output" not in window.status_text()
    window.output_status = lambda: [TargetStatus("door", False, "could not open port /dev/ttyUSB0"),
                                    TargetStatus("hr", True)]
    assert "output door failing: could not open port /dev/ttyUSB0" in window.status_text()


def test_unknown_and_spoof_alerts_go_only_to_outputs_that_list_them(store: Store) -> None:
    from kiosk.attendance.policy import AttendancePolicy, AttendanceRecorder

    outs = _outputs(_webhook("http://127.0.0.1:9/x", kinds=["unknown", "spoof"]),
                    {"name": "door", "type": "relay", "relay": "http", "url": "http://127.0.0.1:9/r"})
    woken = []
    rec = AttendanceRecorder(store, AttendancePolicy("daily"), "k1", outbox=routes(outs),
                             on_recorded=lambda: woken.append(1))
    assert rec.alert("unknown", T0) == 1 and rec.alert("spoof", T0) == 1 and woken == [1, 1]
    msgs = sorted(store.outbox.list(), key=lambda m: m.id)
    assert [(m.target, m.kind, m.payload["person_id"], m.payload["kiosk_id"]) for m in msgs] == [
        ("hr", "unknown", None, "k1"), ("hr", "spoof", None, "k1")]
    assert store.attendance.last(1) is None  # alerts are not attendance
    quiet = AttendanceRecorder(store, AttendancePolicy("daily"), "k1", outbox=routes(outs[1:]))
    assert quiet.alert("unknown", T0) == 0 and len(store.outbox.list()) == 2


def test_a_door_on_every_pass_within_its_hours(store: Store) -> None:
    from kiosk.attendance.policy import AttendancePolicy, AttendanceRecorder

    outs = _outputs({"name": "door", "type": "relay", "relay": "http", "url": "http://127.0.0.1:9/r",
                     "kinds": ["recognised"], "groups": ["staff"], "hours": "07:00-19:00"})
    rec = AttendanceRecorder(store, AttendancePolicy("daily"), "k1", outbox=routes(outs))
    staff = store.people.add("Lin", group="staff")
    morning = datetime(2025, 3, 10, 8, 0).astimezone()
    assert rec.record(staff, 0.7, morning).recorded
    assert not rec.record(staff, 0.7, morning + timedelta(hours=4)).recorded  # daily: not counted, door still opens
    rec.record(staff, 0.7, morning + timedelta(hours=13))  # 21:00: outside the door's hours
    msgs = store.outbox.list(target="door")
    assert [(m.kind, m.payload["name"], m.payload["ts"]) for m in reversed(msgs)] == [
        ("recognised", "Lin", morning.isoformat()), ("recognised", "Lin", (morning + timedelta(hours=4)).isoformat())]
    with pytest.raises(ConfigError, match="hours = '7-19'"):
        _outputs({"name": "x", "type": "webhook", "url": "http://a", "hours": "7-19"})
