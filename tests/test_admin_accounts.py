"""Admin accounts: roles, 6+ digit PINs, the per-account lockout that doubles and resets only on a correct PIN,
the one-time setup code, and the upgrade of the old shared PIN (real SQLite files and PostgreSQL)."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from itertools import pairwise
from pathlib import Path

import pytest
from kiosk_helpers import empty_database
from sqlalchemy import text

from kiosk.admin.accounts import (
    MAX_DELAY_S,
    SETUP_CODE_TRIES,
    SETUP_CODE_TTL_S,
    AccountError,
    Accounts,
    allows,
    lock_delay,
)
from kiosk.admin.pin import hash_pin
from kiosk.store import Store
from kiosk.store.migrations import V1_SQLITE_DDL
from kiosk.store.schema import SCHEMA_VERSION


class Clock:
    """An injectable wall clock: 20 lockouts would take hours of real time."""

    def __init__(self, t: float = 1_750_000_000.0) -> None:
        self.t = t

    def __call__(self) -> float:
        return self.t


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store(request, tmp_path):
    s = Store.open(empty_database(request.param, tmp_path))
    yield s
    s.close()


def test_lockout_grows_with_each_wrong_pin_resets_on_a_correct_one_and_is_per_account(store: Store) -> None:
    clock = Clock()
    accounts = Accounts(store, clock)
    accounts.add("alice", "admin", "135790")
    accounts.add("bob", "viewer", "246801")
    delays = []
    for i in range(20):
        result = accounts.login("alice", "000000")
        assert not result.ok and result.failures == i + 1
        delays.append(result.locked_for_s)
        # While locked, even the right PIN is refused unchecked and nothing is counted.
        if result.locked_for_s:
            refused = accounts.login("alice", "135790")
            assert not refused.ok and refused.locked and refused.failures == i + 1
            # Another account on the same database is not locked.
            assert accounts.login("bob", "246801").ok
        clock.t += result.locked_for_s + 0.5  # wait the lock out: the count stays
    assert delays[:2] == [0.0, 0.0] and delays[2:6] == [30.0, 60.0, 120.0, 240.0]
    assert all(b >= a for a, b in pairwise(delays)) and delays[-1] == MAX_DELAY_S
    assert store.accounts.get("alice").failures == 20
    # A restart (new store object, same database) keeps the state.
    again = Accounts(Store.open(store.db.url), clock)
    assert again.get("alice").failures == 20 and again.login("alice", "000000").locked_for_s == MAX_DELAY_S
    again.store.close()
    clock.t += MAX_DELAY_S + 1
    ok = accounts.login("alice", "135790")
    assert ok.ok and ok.role == "admin"
    assert store.accounts.get("alice").failures == 0 and accounts.lock_remaining("alice") == 0
    # After the reset the first wrong PINs cost nothing again.
    assert accounts.login("alice", "111111").locked_for_s == 0
    actions = [(a.actor, a.action) for a in store.audit.latest(limit=500)]
    assert ("alice", "admin_lockout") in actions and ("alice", "admin_login") in actions
    assert ("bob", "admin_login") in actions and all(actor != "admin" for actor, _ in actions)


def test_lock_delay_schedule() -> None:
    assert [lock_delay(n) for n in range(1, 8)] == [0, 0, 30, 60, 120, 240, 480]
    assert lock_delay(50) == MAX_DELAY_S


def test_unlock_from_the_machine_and_a_clock_set_back(tmp_path: Path) -> None:
    clock = Clock()
    store = Store.open(f"sqlite:///{tmp_path / 'k.sqlite3'}")
    accounts = Accounts(store, clock)
    accounts.add("ops", "enroller", "123456")
    for _ in range(5):
        accounts.login("ops", "999999")
        clock.t += 1000
    clock.t -= 10 ** 6  # the clock jumps back: never locked longer than the cap
    assert accounts.lock_remaining("ops") == MAX_DELAY_S
    accounts.unlock("ops", actor="cli")
    assert accounts.lock_remaining("ops") == 0 and accounts.login("ops", "123456").ok
    store.close()


@pytest.mark.parametrize("pin", ["12345", "1234567890123", "12a456", "", "１２３４５６"])
def test_short_or_odd_pins_and_names_are_refused(pin: str, tmp_path: Path) -> None:
    store = Store.open(f"sqlite:///{tmp_path / 'k.sqlite3'}")
    accounts = Accounts(store)
    with pytest.raises(AccountError):
        accounts.add("x", "admin", pin)
    with pytest.raises(AccountError, match="role"):
        accounts.add("x", "root", "123456")
    with pytest.raises(AccountError, match="name"):
        accounts.add("", "admin", "123456")
    with pytest.raises(AccountError, match="differ"):
        accounts.add("x", "admin", "123456", "123457")
    accounts.add("x", "admin", "123456")
    with pytest.raises(AccountError, match="exists"):
        accounts.add("x", "viewer", "123456")
    with pytest.raises(AccountError, match="last admin"):
        accounts.remove("x")
    stored = store.accounts.get("x").pin_hash
    assert stored.startswith("scrypt$") and "123456" not in stored
    store.close()


def test_roles() -> None:
    assert all(allows("admin", p) for p in ("people", "enroll", "attendance", "export", "correct", "accounts"))
    assert allows("enroller", "enroll") and allows("enroller", "people") and not allows("enroller", "export")
    assert allows("viewer", "attendance") and allows("viewer", "export")
    assert not allows("viewer", "enroll") and not allows("viewer", "people") and not allows("viewer", "correct")
    assert not allows(None, "attendance") and not allows("nobody", "attendance")


def test_require_refuses_a_viewer_and_names_it_in_the_audit(tmp_path: Path) -> None:
    store = Store.open(f"sqlite:///{tmp_path / 'k.sqlite3'}")
    accounts = Accounts(store)
    accounts.add("val", "viewer", "555555")
    with pytest.raises(AccountError, match="may not"):
        accounts.require("val", "555555", "enroll")
    with pytest.raises(AccountError, match="wrong"):
        accounts.require("val", "000000", "export")
    assert accounts.require("val", "555555", "export").name == "val"
    assert ("val", "permission_denied") in [(a.actor, a.action) for a in store.audit.latest()]
    store.close()


def test_setup_code_is_hashed_single_use_expires_and_tries_are_limited(tmp_path: Path) -> None:
    clock = Clock()
    store = Store.open(f"sqlite:///{tmp_path / 'k.sqlite3'}")
    accounts = Accounts(store, clock)
    assert not accounts.any() and not accounts.has_setup_code()
    with pytest.raises(AccountError, match="setup code"):
        accounts.create_first_admin("0000000000", "boss", "123456")  # no code issued: nobody can take over
    code = accounts.new_setup_code()
    assert len(code) == 10 and code.isdigit() and code not in (store.settings.get("admin_setup_code") or "")
    clock.t += SETUP_CODE_TTL_S + 1
    with pytest.raises(AccountError):
        accounts.create_first_admin(code, "boss", "123456")  # expired
    code = accounts.new_setup_code()
    for _ in range(SETUP_CODE_TRIES):
        assert not accounts.check_setup_code("1" * 10 if code != "1" * 10 else "2" * 10)
    assert not accounts.check_setup_code(code)  # too many wrong tries void it
    code = accounts.new_setup_code()
    assert accounts.create_first_admin(code, "boss", "123456") == "boss"
    assert store.accounts.get("boss").role == "admin" and not accounts.has_setup_code()
    with pytest.raises(AccountError):
        accounts.create_first_admin(code, "mallory", "123456")  # used once, and an admin exists now
    with pytest.raises(AccountError, match="exist"):
        accounts.new_setup_code()
    store.close()


def test_an_account_added_on_the_machine_voids_a_pending_setup_code(tmp_path: Path) -> None:
    store = Store.open(f"sqlite:///{tmp_path / 'k.sqlite3'}")
    accounts = Accounts(store)
    code = accounts.new_setup_code()
    accounts.add("ops", "admin", "123456")  # kiosk admin add
    assert not accounts.has_setup_code() and not accounts.check_setup_code(code)
    store.close()


def test_old_shared_pin_becomes_account_admin_that_must_choose_a_longer_pin(tmp_path: Path) -> None:
    db = tmp_path / "old.sqlite3"
    con = sqlite3.connect(db)
    con.executescript(V1_SQLITE_DDL)
    con.execute("INSERT INTO settings VALUES ('admin_pin', ?)", (hash_pin("2468"),))
    con.execute("INSERT INTO settings VALUES ('admin_pin_failures', '2')")
    con.commit()
    con.close()
    store = Store.open(f"sqlite:///{db}")
    accounts = Accounts(store)
    assert accounts.names() == ["admin"] and store.settings.get("admin_pin") is None
    result = accounts.login("admin", "2468")
    assert result.ok and result.must_change_pin and result.role == "admin"
    with pytest.raises(AccountError):
        accounts.change_pin("admin", "1357")  # still 6 digits at least
    accounts.change_pin("admin", "135799", "135799")
    assert not accounts.login("admin", "2468").ok
    again = accounts.login("admin", "135799")
    assert again.ok and not again.must_change_pin
    store.close()


def test_v3_to_v4_upgrade_on_both_databases(store: Store) -> None:
    """Turn a fresh database back into v3 (no accounts table, no correction columns, the shared PIN in the
    settings, nor what later versions add) and open it again: the upgrade steps run on SQLite and on
    PostgreSQL alike."""
    pid = store.people.add("Ann")
    store.attendance.record(pid, "door", "in", datetime(2026, 3, 2, 8, tzinfo=UTC), 0.6)
    with store.db.engine.begin() as conn:
        conn.execute(text("DROP TABLE admin_accounts"))
        conn.execute(text("DROP TABLE outbox"))  # v5
        conn.execute(text("DROP INDEX ix_templates_enc"))  # v6
        conn.execute(text("ALTER TABLE face_templates DROP COLUMN enc"))
        for col in ("voided_at", "void_reason", "original_person_id", "original_person_name", "corrected_by"):
            conn.execute(text(f"ALTER TABLE attendance_events DROP COLUMN {col}"))
        conn.execute(text("UPDATE settings SET value = '3' WHERE key = 'schema_version'"))
        conn.execute(text("INSERT INTO settings (key, value) VALUES ('admin_pin', :h)"), {"h": hash_pin("8080")})
    url = store.db.url
    store.close()
    again = Store.open(url)
    try:
        assert again.db.schema_version == SCHEMA_VERSION and again.settings.get("admin_pin") is None
        result = Accounts(again).login("admin", "8080")
        assert result.ok and result.must_change_pin
        event = again.attendance.between(datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 3, 3, tzinfo=UTC))[0]
        assert not event.voided and again.attendance.void(event.id, "test", "admin").voided
    finally:
        again.close()
