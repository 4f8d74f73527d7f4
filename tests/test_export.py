"""CSV export: golden files with tricky names, Excel-safe encoding, atomic writes, clear errors."""

from __future__ import annotations

import csv
import io
import os
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import run_cli

from kiosk.attendance.export import neutralise
from kiosk.store import Store

GOLDEN = Path(__file__).parent / "golden"
NAMES = [
    ("Smith, John", "E-1", "Sales, EU"),
    ('Ann "The Boss" Lee', "E-2", "ops"),
    ("Line\nBreak", "E-3", None),
    ('=HYPERLINK("x")', "=1+1", "@group"),
    ("山田太郎", "J-7", "東京"),
    ("Zoë 🙂", "+44", "-minus"),
]


@pytest.fixture()
def tokyo(monkeypatch):
    """Local time is Asia/Tokyo (+09:00) so the golden files are deterministic."""
    monkeypatch.setenv("TZ", "Asia/Tokyo")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def populate(home: Path) -> None:
    store = Store.open(f"sqlite:///{home / 'kiosk.sqlite3'}")
    for i, (name, ext, group) in enumerate(NAMES):
        pid = store.people.add(name, ext, group)
        # 08:3x and 17:4x Tokyo time on 2026-03-02 (UTC 23:3x the day before, and 08:4x)
        store.attendance.record(pid, "front-door", "in", datetime(2026, 3, 1, 23, 30 + i, tzinfo=UTC), 0.61 + i / 100)
        if i % 2 == 0:
            store.attendance.record(pid, "front-door", "out", datetime(2026, 3, 2, 8, 40 + i, 5, tzinfo=UTC), 0.7)
    # outside the range: 2026-03-03 local
    store.attendance.record(1, "side", "in", datetime(2026, 3, 3, 0, 1, tzinfo=UTC), 0.9)
    store.close()


@pytest.mark.parametrize("summary", [False, True])
def test_export_matches_the_golden_file(tmp_path, home, tokyo, summary):
    populate(home)
    out = tmp_path / "out.csv"
    args = ["export", "--from", "2026-03-02", "--to", "2026-03-02", "--out", str(out)]
    r = run_cli(*args, *(["--summary"] if summary else []), home=home)
    assert r.returncode == 0, r.stderr
    golden = GOLDEN / ("summary.csv" if summary else "raw.csv")
    if os.environ.get("KIOSK_REGEN_GOLDEN"):
        golden.write_bytes(out.read_bytes())
    assert out.read_bytes() == golden.read_bytes()


def test_golden_files_open_like_excel_would(tokyo):
    data = (GOLDEN / "raw.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and b"\r\n" in data
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert rows[0] == ["timestamp", "person_id", "external_id", "name", "group", "kind", "kiosk_id", "similarity"]
    names = [r[3] for r in rows[1:]]
    assert "Smith, John" in names and 'Ann "The Boss" Lee' in names and "Line\nBreak" in names
    assert "山田太郎" in names and "Zoë 🙂" in names
    assert "'=HYPERLINK(\"x\")" in names and not any(n.startswith("=") for n in names)
    assert all(r[0].endswith("+09:00") for r in rows[1:])
    summary = list(csv.reader(io.StringIO((GOLDEN / "summary.csv").read_bytes().decode("utf-8-sig"), newline="")))
    assert summary[0] == ["date", "person_id", "external_id", "name", "group", "first_in", "last_out",
                          "duration_minutes", "events"]
    smith = next(r for r in summary if r[3] == "Smith, John")
    assert smith[0] == "2026-03-02" and smith[7] == "550" and smith[8] == "2"


def test_neutralise_formula_starts():
    for bad in ("=1", "+1", "-1", "@a", "\tx", "\rx"):
        assert neutralise(bad) == "'" + bad
    assert neutralise("ok") == "ok" and neutralise(None) == ""


def test_bad_dates_and_unwritable_paths_fail_cleanly_and_leave_no_file(tmp_path, home):
    populate(home)
    r = run_cli("export", "--from", "2026-02-30", "--to", "2026-03-02", "--out", str(tmp_path / "x.csv"), home=home)
    assert r.returncode == 1 and "--from" in r.stderr and "2026-02-30" in r.stderr
    r = run_cli("export", "--from", "2026-03-05", "--to", "2026-03-02", "--out", str(tmp_path / "x.csv"), home=home)
    assert r.returncode == 1 and "before" in r.stderr
    r = run_cli("export", "--from", "2026-03-01", "--to", "2026-03-02", "--out", str(tmp_path / "nope" / "x.csv"),
                home=home)
    assert r.returncode == 1 and "does not exist" in r.stderr
    assert not (tmp_path / "x.csv").exists() and list(tmp_path.glob(".x.csv*")) == []


def test_a_failed_write_keeps_the_previous_file(tmp_path, home):
    populate(home)
    out = tmp_path / "keep.csv"
    out.write_text("previous export")
    (tmp_path / "ro").mkdir()
    r = run_cli("export", "--from", "2026-03-01", "--to", "2026-03-02", "--out", str(tmp_path), home=home)
    assert r.returncode == 1 and "folder" in r.stderr
    assert out.read_text() == "previous export"
