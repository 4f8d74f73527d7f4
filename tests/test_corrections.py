"""Corrections: void an event with a reason or reassign it to the right person (audited with the account, the
original kept for admins), from the command line; exports skip voided events and carry reassigned ones under
the right person (golden files); a viewer cannot enroll, delete or correct from the command line."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from conftest import run_cli
from test_export import GOLDEN, populate, tokyo  # noqa: F401  (tokyo is a fixture)

from kiosk.admin.accounts import Accounts
from kiosk.errors import StoreError
from kiosk.store import Store


def _store(home: Path) -> Store:
    return Store.open(f"sqlite:///{home / 'kiosk.sqlite3'}")


def test_void_and_reassign_keep_the_original_and_are_audited(tmp_path: Path) -> None:
    store = Store.open(f"sqlite:///{tmp_path / 'k.sqlite3'}")
    ann, bo = store.people.add("Ann", "E1", "ops"), store.people.add("Bo", "E2", "sales")
    t = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
    first = store.attendance.record(ann, "door", "in", t, 0.6).event_id
    second = store.attendance.record(ann, "door", "in", t + timedelta(hours=1), 0.6).event_id
    with pytest.raises(StoreError, match="reason"):
        store.attendance.void(first, "  ", "alice")
    voided = store.attendance.void(first, "a test walk-by", "alice")
    assert voided.voided and voided.void_reason == "a test walk-by" and voided.corrected_by == "alice"
    with pytest.raises(StoreError, match="already"):
        store.attendance.void(first, "again", "alice")
    with pytest.raises(StoreError, match="void"):
        store.attendance.reassign(first, bo, "alice")
    moved = store.attendance.reassign(second, bo, "alice")
    assert (moved.person_id, moved.name, moved.external_id, moved.group) == (bo, "Bo", "E2", "sales")
    assert moved.original_person_id == ann and moved.original_name == "Ann"
    with pytest.raises(StoreError, match="no person"):
        store.attendance.reassign(second, 999, "alice")
    window = (t - timedelta(days=1), t + timedelta(days=1))
    assert [e.id for e in store.attendance.between(*window)] == [second]  # voided: counted nowhere
    assert [e.id for e in store.attendance.between(*window, include_voided=True)] == [first, second]
    assert store.attendance.last(ann) is None and store.attendance.last(bo).id == second  # the policy follows
    audit = [(a.actor, a.action) for a in store.audit.latest()]
    assert ("alice", "event_voided") in audit and ("alice", "event_reassigned") in audit
    store.close()


@pytest.mark.parametrize("summary", [False, True])
def test_export_skips_voided_and_moves_reassigned_events(tmp_path, home, tokyo, summary):  # noqa: F811
    populate(home)
    # Event 3 is Ann's arrival (voided); event 6 was recorded for person 4 and was really person 5.
    assert run_cli("attendance", "void", "3", "--reason", "walked past", home=home).returncode == 0
    r = run_cli("attendance", "reassign", "6", "--person", "5", "--json", home=home)
    assert r.returncode == 0, r.stderr
    event = json.loads(r.stdout)["event"]
    assert event["person_id"] == 5 and event["original_person_id"] == 4 and event["corrected_by"] == "cli"
    out = tmp_path / "out.csv"
    args = ["export", "--from", "2026-03-02", "--to", "2026-03-02", "--out", str(out)]
    r = run_cli(*args, *(["--summary"] if summary else []), home=home)
    assert r.returncode == 0, r.stderr
    golden = GOLDEN / ("summary_corrected.csv" if summary else "raw_corrected.csv")
    if os.environ.get("KIOSK_REGEN_GOLDEN"):
        golden.write_bytes(out.read_bytes())
    data = out.read_bytes()
    assert data == golden.read_bytes()
    text = data.decode("utf-8-sig")
    assert "Ann" not in text and "HYPERLINK" not in text and text.count("山田太郎") == (1 if summary else 3)


def test_attendance_list_json_shows_corrections_to_admins(home, tokyo):  # noqa: F811
    populate(home)
    assert run_cli("attendance", "void", "3", "--reason", "walked past", home=home).returncode == 0
    r = run_cli("attendance", "list", "--from", "2026-03-02", "--json", home=home)
    assert r.returncode == 0, r.stderr
    events = json.loads(r.stdout)["events"]
    assert len(events) == 9 and [e["id"] for e in events if e["voided"]] == [3]
    assert next(e for e in events if e["id"] == 3)["void_reason"] == "walked past"
    plain = run_cli("attendance", "list", "--from", "2026-03-02", home=home).stdout
    assert "VOID (walked past; cli)" in plain
    missing = run_cli("attendance", "void", "999", "--reason", "x", home=home)
    assert missing.returncode == 1 and "no attendance event" in missing.stderr and "Traceback" not in missing.stderr


def test_a_viewer_cannot_enroll_delete_or_correct_from_the_command_line(home, tokyo):  # noqa: F811
    populate(home)
    store = _store(home)
    accounts = Accounts(store)
    accounts.add("val", "viewer", "555555")
    accounts.add("ed", "enroller", "666666")
    accounts.add("boss", "admin", "777777")
    store.close()
    as_val = ["--account", "val", "--pin", "555555"]
    for cmd in (["people", "delete", "1"], ["enroll", "--name", "X", "nothing.jpg"], ["import", str(home)],
                ["attendance", "void", "1", "--reason", "x"], ["attendance", "reassign", "1", "--person", "2"]):
        r = run_cli(*cmd, *as_val, home=home)
        assert r.returncode == 1 and "may not" in r.stderr and "Traceback" not in r.stderr, (cmd, r.stderr)
    assert run_cli("admin", "check-role", "val", "people", "--pin", "555555", home=home).returncode == 1
    assert run_cli("admin", "check-role", "val", "export", "--pin", "555555", home=home).returncode == 0
    assert run_cli("admin", "check-role", "ed", "people", "--pin", "666666", home=home).returncode == 0
    # A wrong PIN is refused too, and the viewer may export.
    assert run_cli("export", "--from", "2026-03-02", "--to", "2026-03-02", "--out", str(home / "x.csv"),
                   "--account", "val", "--pin", "000000", home=home).returncode == 1
    assert run_cli("export", "--from", "2026-03-02", "--to", "2026-03-02", "--out", str(home / "x.csv"),
                   *as_val, home=home).returncode == 0
    # An admin account may correct; the audit names it.
    assert run_cli("attendance", "void", "1", "--reason", "test", "--account", "boss", "--pin", "777777",
                   home=home).returncode == 0
    store = _store(home)
    assert store.people.get(1) is not None and store.people.count(active_only=False) == 6
    audit = [(a.actor, a.action) for a in store.audit.latest(limit=100)]
    assert ("boss", "event_voided") in audit and ("val", "permission_denied") in audit and ("val", "export") in audit
    store.close()
