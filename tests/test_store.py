"""The store on a real SQLite file and a real PostgreSQL server: people, templates, attendance, audit,
migrations, locking."""

from __future__ import annotations

import os
import sqlite3
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from kiosk_helpers import empty_database

from kiosk.errors import StoreError
from kiosk.store import Store, TemplateIn
from kiosk.store.migrations import V1_SQLITE_DDL
from kiosk.store.schema import SCHEMA_VERSION
from kiosk.vision.types import FaceQuality


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store(request, tmp_path):
    s = Store.open(empty_database(request.param, tmp_path))
    yield s
    s.close()


def tpl(seed: int, model: str = "mobilefacenet_128d", dim: int = 128) -> TemplateIn:
    v = np.random.default_rng(seed).normal(size=dim).astype(np.float32)
    return TemplateIn(v / np.linalg.norm(v), model, FaceQuality(120, 300, 3, 110), f"photo{seed}.jpg",
                      b"\xff\xd8crop" + bytes([seed]))


def test_enroll_list_and_gallery_source(store):
    pid, tids = store.people.enroll("Ada Lovelace", [tpl(1), tpl(2)], external_id="E1", group="eng",
                                    consent_by="desk")
    assert len(tids) == 2
    p = store.people.get(pid)
    assert p.name == "Ada Lovelace" and p.templates == 2 and p.consent_by == "desk" and p.consent_at.tzinfo
    ids, people = store.gallery_source.gallery_keys("mobilefacenet_128d")
    assert ids.tolist() == tids and people.tolist() == [pid, pid]
    vecs = store.gallery_source.gallery_vectors("mobilefacenet_128d", ids[::-1])
    np.testing.assert_allclose(vecs[0], tpl(2).embedding)
    assert store.gallery_source.gallery_fingerprint("other_model").endswith(":0:0:0")
    assert [x.name for x in store.people.list(search="love")] == ["Ada Lovelace"]
    assert store.people.list(search="ENG")[0].id == pid


def test_fingerprint_changes_with_the_gallery(store):
    store.people.enroll("Ada", [tpl(2)])
    f0 = store.gallery_source.gallery_fingerprint("mobilefacenet_128d")
    pid, _ = store.people.enroll("Grace", [tpl(3)])
    f1 = store.gallery_source.gallery_fingerprint("mobilefacenet_128d")
    store.people.update(pid, active=False)
    f2 = store.gallery_source.gallery_fingerprint("mobilefacenet_128d")
    store.people.update(pid, active=True)
    # the fingerprint describes the active template set: Grace away is the set before her enrollment
    assert f0 != f1 and f2 == f0 and store.gallery_source.gallery_fingerprint("mobilefacenet_128d") == f1


def test_external_id_is_unique_with_a_clear_message(store):
    store.people.enroll("A", [], external_id="X1")
    with pytest.raises(StoreError, match="X1"):
        store.people.enroll("B", [tpl(4)], external_id="X1")
    assert [p.name for p in store.people.list()] == ["A"]  # the failed enrollment left nothing behind


def test_delete_purges_templates_and_crops_keeps_attendance_and_audits(store):
    pid, _ = store.people.enroll("Alan", [tpl(5), tpl(6)], external_id="T1")
    store.attendance.record(pid, "front", "checkin", datetime.now(UTC), 0.8)
    assert len(store.templates.crops(pid)) == 2
    assert store.people.delete(pid, actor="desk")
    assert store.people.get(pid) is None
    assert store.templates.crops(pid) == []
    assert store.gallery_source.gallery_keys("mobilefacenet_128d")[0].size == 0
    events = store.attendance.between(datetime(2000, 1, 1, tzinfo=UTC), datetime.now(UTC) + timedelta(1))
    assert [(e.person_id, e.name, e.external_id) for e in events] == [(None, "Alan", "T1")]
    assert store.audit.latest()[0].action == "delete" and "2 template(s)" in store.audit.latest()[0].detail
    assert store.people.delete(pid) is False


def test_events_are_timezone_aware_and_ordered(store):
    pid = store.people.add("Katherine")
    tokyo = datetime(2026, 3, 1, 9, 0, tzinfo=__import__("zoneinfo").ZoneInfo("Asia/Tokyo"))
    store.attendance.record(pid, "k1", "in", tokyo, 0.7)
    store.attendance.record(pid, "k2", "out", tokyo + timedelta(hours=8), 0.75)
    last = store.attendance.last(pid)
    assert last.kind == "out" and last.kiosk_id == "k2" and last.ts == tokyo + timedelta(hours=8)
    assert last.ts.tzinfo is not None
    day = store.attendance.between(tokyo - timedelta(hours=1), tokyo + timedelta(hours=1))
    assert [e.kind for e in day] == ["in"]
    with pytest.raises(ValueError):
        store.attendance.record(pid, "k1", "in", datetime(2026, 1, 1), 0.5)  # naive time refused


def test_settings_and_retention(store):
    store.settings.set("admin_pin", "hash1")
    store.settings.set("admin_pin", "hash2")
    assert store.settings.get("admin_pin") == "hash2" and store.settings.get("nope") is None
    pid = store.people.add("Old")
    now = datetime.now(UTC)
    store.attendance.record(pid, "k", "checkin", now - timedelta(days=400), 0.6)
    store.attendance.record(pid, "k", "checkin", now, 0.6)
    assert store.attendance.purge_before(now - timedelta(days=365)) == 1
    assert len(store.attendance.between(now - timedelta(days=500), now + timedelta(1))) == 1


def test_migration_of_an_older_schema_file_backs_it_up_first(tmp_path):
    db = tmp_path / "old.sqlite3"
    con = sqlite3.connect(db)
    con.executescript(V1_SQLITE_DDL)
    con.execute("INSERT INTO people VALUES (1, '山田太郎', 'J1', 'ops', 1, '2025-01-01 08:00:00', "
                "'2025-01-01 08:00:00')")
    con.execute("INSERT INTO attendance_events VALUES (1, 1, 'front', 'checkin', '2025-01-02 08:00:00', 0.7)")
    con.commit()
    con.close()
    store = Store.open(f"sqlite:///{db}", keep_backup=True)
    assert store.db.schema_version == SCHEMA_VERSION
    backups = list(tmp_path.glob("old.sqlite3.v1-*.bak.enc"))  # encrypted with the data key
    assert len(backups) == 1 and not list(tmp_path.glob("*.bak"))
    plain = tmp_path / "restored.sqlite3"
    store.db.cipher.open_file(backups[0], plain)
    old = sqlite3.connect(plain)
    assert old.execute("SELECT value FROM settings WHERE key='schema_version'").fetchone() == ("1",)
    old.close()
    assert store.people.get(1).name == "山田太郎"
    ev = store.attendance.between(datetime(2025, 1, 1, tzinfo=UTC), datetime(2025, 1, 3, tzinfo=UTC))
    assert ev[0].name == "山田太郎" and ev[0].external_id == "J1" and ev[0].ts.tzinfo is not None
    store.close()
    assert Store.open(f"sqlite:///{db}").db.schema_version == SCHEMA_VERSION  # idempotent, no second backup
    assert len(list(tmp_path.glob("old.sqlite3.v*-*.bak*"))) == 1


def test_a_newer_schema_is_refused(tmp_path):
    db = tmp_path / "new.sqlite3"
    Store.open(f"sqlite:///{db}").close()
    con = sqlite3.connect(db)
    con.execute("UPDATE settings SET value='99' WHERE key='schema_version'")
    con.commit()
    con.close()
    with pytest.raises(StoreError, match="newer"):
        Store.open(f"sqlite:///{db}")


def test_sqlite_pragmas(tmp_path):
    store = Store.open(f"sqlite:///{tmp_path / 'k.sqlite3'}")
    with store.db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 5000
        assert conn.exec_driver_sql("PRAGMA secure_delete").scalar() == 1


def test_a_locked_database_gives_a_clear_message_and_loses_nothing(tmp_path):
    db = tmp_path / "k.sqlite3"
    store = Store.open(f"sqlite:///{db}")
    store.people.add("Before")
    other = sqlite3.connect(db, timeout=0, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(StoreError, match="locked"):
            store.people.add("During")
    finally:
        other.execute("ROLLBACK")
        other.close()
    store.people.add("After")
    assert [p.name for p in store.people.list()] == ["After", "Before"]


def test_unwritable_location_is_a_clear_message(tmp_path):
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o500)
    try:
        if os.access(ro, os.W_OK):  # root ignores permissions: use a path under a regular file instead
            target = f"sqlite:///{tmp_path / 'file.txt' / 'k.sqlite3'}"
            (tmp_path / "file.txt").write_text("x")
        else:
            target = f"sqlite:///{ro / 'k.sqlite3'}"
        with pytest.raises(StoreError):
            Store.open(target)
    finally:
        ro.chmod(0o700)


def test_replace_templates_swaps_rows_in_one_transaction_and_never_twice(store):
    """A template moved to another model: a new row (fresh id, same person, crop, quality, source and
    enrollment time) replaces the old one atomically; a second mover of the same rows does nothing."""
    pid, tids = store.people.enroll("Grace Hopper", [tpl(1), tpl(2), tpl(3)])
    other = store.people.add("Alan Turing")
    keep = store.templates.add_many(other, [tpl(4)])[0]
    new = np.random.default_rng(9).normal(size=(2, 64)).astype(np.float32)
    moved = store.templates.replace("dlib_resnet_v1", [(tids[0], new[0]), (tids[1], new[1])])
    assert set(moved) == {tids[0], tids[1]} and min(moved.values()) > max([*tids, keep])
    assert store.templates.replace("dlib_resnet_v1", [(tids[0], new[0])]) == {}  # already moved: skipped
    assert store.templates.replace("dlib_resnet_v1", [(999_999, new[0])]) == {}  # gone: skipped
    assert store.templates.count_by_model() == {"dlib_resnet_v1": 2, "mobilefacenet_128d": 2}
    assert store.templates.of_other_models("dlib_resnet_v1") == [(tids[2], pid, "mobilefacenet_128d"),
                                                              (keep, other, "mobilefacenet_128d")]
    assert store.templates.crops_by_id([moved[tids[0]], tids[2]]) == {moved[tids[0]]: tpl(1).crop_jpeg,
                                                                     tids[2]: tpl(3).crop_jpeg}
    ids, people = store.gallery_source.gallery_keys("dlib_resnet_v1")
    assert ids.tolist() == sorted(moved.values()) and people.tolist() == [pid, pid]
    np.testing.assert_allclose(store.gallery_source.gallery_vectors("dlib_resnet_v1", ids), new)
    assert store.templates.sources(pid) == {"photo1.jpg", "photo2.jpg", "photo3.jpg"}
    assert store.templates.people_with([pid, other], "dlib_resnet_v1") == {pid}
    assert store.people.get(pid).templates == 3
