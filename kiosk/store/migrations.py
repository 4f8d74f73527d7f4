"""Schema versions and upgrades. A SQLite file is backed up before any upgrade touches it.

Creating and upgrading run under a database-wide lock, so kiosks that start together on one database
create (or upgrade) the schema once and all come up.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Connection, Engine, inspect, text

from kiosk.errors import StoreError
from kiosk.store.db import write_locked
from kiosk.store.schema import SCHEMA_VERSION, Base

log = logging.getLogger(__name__)

# PostgreSQL advisory lock key held while the schema is checked, created or upgraded ("kiosksch" in
# ASCII). Advisory locks belong to one database, so kiosks on other databases of the server never wait.
SCHEMA_LOCK_KEY = 0x6B696F736B736368

# The first released schema, kept verbatim so tests can make a real old file and upgrade it.
V1_SQLITE_DDL = """
CREATE TABLE people (
    id INTEGER PRIMARY KEY, name VARCHAR(200) NOT NULL, external_id VARCHAR(100) UNIQUE,
    group_name VARCHAR(100), active BOOLEAN NOT NULL, created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL);
CREATE TABLE face_templates (
    id INTEGER PRIMARY KEY, person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    embedding BLOB NOT NULL, model_id VARCHAR(100) NOT NULL, dim INTEGER NOT NULL, size_px FLOAT,
    sharpness FLOAT, yaw_deg FLOAT, brightness FLOAT, source VARCHAR(500) NOT NULL, crop BLOB,
    created_at DATETIME NOT NULL);
CREATE TABLE attendance_events (
    id INTEGER PRIMARY KEY, person_id INTEGER REFERENCES people(id) ON DELETE SET NULL,
    kiosk_id VARCHAR(100) NOT NULL, kind VARCHAR(20) NOT NULL, ts DATETIME NOT NULL, similarity FLOAT);
CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY, ts DATETIME NOT NULL, actor VARCHAR(200) NOT NULL, action VARCHAR(50) NOT NULL,
    detail TEXT NOT NULL);
CREATE TABLE settings (key VARCHAR(100) PRIMARY KEY, value TEXT NOT NULL);
INSERT INTO settings (key, value) VALUES ('schema_version', '1');
"""


def _v1_to_v2(conn: Connection) -> None:
    """v2: consent recorded at enrollment; attendance keeps the person's name for payroll after a delete."""
    conn.execute(text("ALTER TABLE people ADD COLUMN consent_by VARCHAR(200)"))
    conn.execute(text("ALTER TABLE people ADD COLUMN consent_at TIMESTAMP"))
    conn.execute(text("ALTER TABLE attendance_events ADD COLUMN person_name VARCHAR(200) NOT NULL DEFAULT ''"))
    conn.execute(text("ALTER TABLE attendance_events ADD COLUMN external_id VARCHAR(100)"))
    conn.execute(text("ALTER TABLE attendance_events ADD COLUMN group_name VARCHAR(100)"))
    conn.execute(text(
        "UPDATE attendance_events SET person_name = (SELECT name FROM people WHERE people.id = person_id), "
        "external_id = (SELECT external_id FROM people WHERE people.id = person_id), "
        "group_name = (SELECT group_name FROM people WHERE people.id = person_id) WHERE person_id IS NOT NULL"
    ))
    for ddl in ("CREATE INDEX IF NOT EXISTS ix_templates_model_person ON face_templates (model_id, person_id)",
                "CREATE INDEX IF NOT EXISTS ix_events_person_ts ON attendance_events (person_id, ts)",
                "CREATE INDEX IF NOT EXISTS ix_attendance_events_ts ON attendance_events (ts)",
                "CREATE INDEX IF NOT EXISTS ix_people_active ON people (active)",
                "CREATE INDEX IF NOT EXISTS ix_people_group_name ON people (group_name)",
                "CREATE INDEX IF NOT EXISTS ix_audit_log_ts ON audit_log (ts)"):
        conn.execute(text(ddl))


def _v2_to_v3(conn: Connection) -> None:
    """v3: the change feed (change_counter, change_log) that running kiosks follow to keep their gallery current."""
    ts = "TIMESTAMP WITH TIME ZONE" if conn.dialect.name == "postgresql" else "DATETIME"
    conn.execute(text("CREATE TABLE change_counter (id INTEGER PRIMARY KEY, seq BIGINT NOT NULL, "
                      "pruned_below BIGINT NOT NULL)"))
    conn.execute(text("INSERT INTO change_counter (id, seq, pruned_below) VALUES (1, 0, 0)"))
    conn.execute(text(f"CREATE TABLE change_log (seq BIGINT NOT NULL, person_id INTEGER NOT NULL, "
                      f"kind VARCHAR(20) NOT NULL, at {ts} NOT NULL, PRIMARY KEY (seq, person_id))"))


def _v3_to_v4(conn: Connection) -> None:
    """v4: named admin accounts (the old shared PIN becomes account "admin", which must choose a 6+ digit PIN
    at its next login) and attendance corrections (void, reassign)."""
    ts = "TIMESTAMP WITH TIME ZONE" if conn.dialect.name == "postgresql" else "DATETIME"
    conn.execute(text(f"CREATE TABLE admin_accounts (name VARCHAR(100) PRIMARY KEY, role VARCHAR(20) NOT NULL, "
                      f"pin_hash TEXT NOT NULL, must_change_pin BOOLEAN NOT NULL, failures INTEGER NOT NULL, "
                      f"locked_until FLOAT NOT NULL, created_at {ts} NOT NULL, last_login_at {ts})"))
    for ddl in (f"ALTER TABLE attendance_events ADD COLUMN voided_at {ts}",
                "ALTER TABLE attendance_events ADD COLUMN void_reason TEXT",
                "ALTER TABLE attendance_events ADD COLUMN original_person_id INTEGER",
                "ALTER TABLE attendance_events ADD COLUMN original_person_name VARCHAR(200)",
                "ALTER TABLE attendance_events ADD COLUMN corrected_by VARCHAR(200)"):
        conn.execute(text(ddl))
    row = conn.execute(text("SELECT value FROM settings WHERE key = 'admin_pin'")).first()
    if row and row[0]:
        # The same scrypt hash keeps working for the first login; must_change_pin then asks for 6+ digits.
        conn.execute(text("INSERT INTO admin_accounts (name, role, pin_hash, must_change_pin, failures, "
                          "locked_until, created_at) VALUES ('admin', 'admin', :h, :t, 0, 0, :now)"),
                     {"h": row[0], "t": True, "now": datetime.now(UTC).replace(tzinfo=None)
                      if conn.dialect.name == "sqlite" else datetime.now(UTC)})
    conn.execute(text("DELETE FROM settings WHERE key IN ('admin_pin', 'admin_pin_failures', "
                      "'admin_pin_locked_until')"))


def _v4_to_v5(conn: Connection) -> None:
    """v5: the outbox of events to deliver to webhook, MQTT and relay outputs (kiosk.outputs)."""
    ts = "TIMESTAMP WITH TIME ZONE" if conn.dialect.name == "postgresql" else "DATETIME"
    conn.execute(text(f"CREATE TABLE outbox (id {'SERIAL' if conn.dialect.name == 'postgresql' else 'INTEGER'} "
                      f"PRIMARY KEY, event_id VARCHAR(36) NOT NULL, target VARCHAR(100) NOT NULL, "
                      f"kiosk_id VARCHAR(100) NOT NULL, kind VARCHAR(20) NOT NULL, attendance_id INTEGER, "
                      f"payload TEXT NOT NULL, state VARCHAR(12) NOT NULL, attempts INTEGER NOT NULL, "
                      f"next_at {ts} NOT NULL, created_at {ts} NOT NULL, delivered_at {ts}, "
                      f"last_error TEXT NOT NULL)"))
    conn.execute(text("CREATE INDEX ix_outbox_due ON outbox (kiosk_id, target, state, id)"))
    conn.execute(text("CREATE INDEX ix_outbox_event_id ON outbox (event_id)"))


# from-version -> step to the next version
MIGRATIONS: dict[int, Callable[[Connection], None]] = {1: _v1_to_v2, 2: _v2_to_v3, 3: _v3_to_v4, 4: _v4_to_v5}


def backup_sqlite(db_path: Path, version: int) -> Path:
    """A consistent copy of a SQLite file (online backup API: safe with WAL and open readers)."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    dest = db_path.with_name(f"{db_path.name}.v{version}-{stamp}.bak")
    src = sqlite3.connect(str(db_path))
    try:
        dst = sqlite3.connect(str(dest))
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()
    return dest


def stored_version(conn: Connection) -> int | None:
    """Schema version of the database, or None for an empty one."""
    if not inspect(conn).has_table("settings"):
        return None
    row = conn.execute(text("SELECT value FROM settings WHERE key = 'schema_version'")).first()
    return int(row[0]) if row else None


def _lock_schema(conn: Connection) -> None:
    """Hold the database-wide schema lock until ``conn``'s transaction ends.

    PostgreSQL: a transaction-scoped advisory lock (released by commit, rollback or a dropped
    connection, so a kiosk that dies mid-upgrade cannot leave it held). SQLite: the transaction began
    with BEGIN IMMEDIATE (:func:`kiosk.store.db.write_locked`), which already is the file's write lock.
    """
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": SCHEMA_LOCK_KEY})


def ensure_schema(engine: Engine, sqlite_path: Path | None) -> int:
    """Create a fresh schema or upgrade an older one (backing the file up first). Returns the version.

    The version is read, and the schema created or upgraded, in one transaction that holds the schema
    lock: a kiosk starting while another creates the schema waits for it and then finds it done, instead
    of creating the same tables a second time (duplicate tables on PostgreSQL, "database is locked" on
    SQLite). Both databases have transactional DDL, so a failed creation or upgrade leaves nothing
    half-done.
    """
    with write_locked(engine).begin() as conn:
        _lock_schema(conn)
        version = stored_version(conn)
        if version is None:
            Base.metadata.create_all(conn)
            conn.execute(text("INSERT INTO settings (key, value) VALUES ('schema_version', :v)"),
                         {"v": str(SCHEMA_VERSION)})
            log.info("created the database schema v%d", SCHEMA_VERSION)
            return SCHEMA_VERSION
        if version > SCHEMA_VERSION:
            raise StoreError(f"the database has schema version {version}, newer than this kiosk understands "
                             f"({SCHEMA_VERSION}); update the kiosk software")
        if version < SCHEMA_VERSION:
            if sqlite_path is not None:
                # Under the write lock: other connections may still read, so the online backup works,
                # and no other kiosk can write (or upgrade) between this copy and the upgrade.
                backup = backup_sqlite(sqlite_path, version)
                log.warning("database schema v%d backed up to %s before upgrading", version, backup)
            else:
                log.warning("upgrading PostgreSQL schema v%d -> v%d (take a pg_dump first if unsure)",
                            version, SCHEMA_VERSION)
            # All steps in this one transaction: a failed upgrade changes nothing.
            for v in range(version, SCHEMA_VERSION):
                MIGRATIONS[v](conn)
            conn.execute(text("UPDATE settings SET value = :v WHERE key = 'schema_version'"),
                         {"v": str(SCHEMA_VERSION)})
    return SCHEMA_VERSION
