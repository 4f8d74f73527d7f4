"""Schema versions and upgrades.

A SQLite file is backed up before any upgrade touches it; with a data key the backup is encrypted with it
(it holds every face template and crop) and the caller removes it once the upgrade has fully succeeded.
Creating and upgrading run under a database-wide lock, so kiosks that start together on one database
create (or upgrade) the schema once and all come up.
"""

from __future__ import annotations

import logging
import os
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Connection, Engine, inspect, text

from kiosk.errors import StoreError
from kiosk.store.crypto import DataCipher
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



def _v5_to_v6(conn: Connection) -> None:
    """v6: encryption at rest. ``enc`` says how a template row's embedding and crop are stored: 0 plain (rows
    written before v6), 1 AES-GCM with the data key (kiosk.store.crypto). The rows themselves are encrypted
    after this step, in small committed batches (Store.open), so a pass cut short resumes where it stopped."""
    conn.execute(text("ALTER TABLE face_templates ADD COLUMN enc INTEGER NOT NULL DEFAULT 0"))
    conn.execute(text("CREATE INDEX IF NOT EXISTS ix_templates_enc ON face_templates (enc)"))



# from-version -> step to the next version
MIGRATIONS: dict[int, Callable[[Connection], None]] = {1: _v1_to_v2, 2: _v2_to_v3, 3: _v3_to_v4, 4: _v4_to_v5,
                                                       5: _v5_to_v6}


def _wipe(path: Path) -> None:
    """Overwrite a file with zeros, then delete it: a plain copy of the database should not survive in
    the file system's free blocks longer than needed (best effort: SSDs and journals may keep copies)."""
    try:
        size = path.stat().st_size
        with path.open("r+b") as f:
            zeros = bytes(1 << 20)
            for _ in range(0, size, len(zeros)):
                f.write(zeros)
            f.flush()
            os.fsync(f.fileno())
    except OSError:
        pass
    path.unlink(missing_ok=True)


def backup_sqlite(db_path: Path, version: int, cipher: DataCipher | None = None) -> Path:
    """A consistent copy of a SQLite file (online backup API: safe with WAL and open readers).

    With ``cipher`` the copy is encrypted (``.bak.enc``; ``kiosk backup decrypt`` restores it) and the
    plain intermediate copy is overwritten and deleted.
    """
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
    if cipher is None:
        return dest
    sealed = dest.with_name(dest.name + ".enc")
    try:
        cipher.seal_file(dest, sealed)
    finally:
        _wipe(dest)
    return sealed


def encrypt_plain_backups(db_path: Path, cipher: DataCipher) -> list[Path]:
    """Encrypt the plain backups earlier upgrades left beside ``db_path`` (``*.vN-*.bak``): they hold the
    face data in the clear that encryption at rest is about to remove from the database itself."""
    done = []
    for plain in sorted(db_path.parent.glob(f"{db_path.name}.v*-*.bak")):
        sealed = plain.with_name(plain.name + ".enc")
        cipher.seal_file(plain, sealed)
        _wipe(plain)
        done.append(sealed)
    return done


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


def ensure_schema(engine: Engine, sqlite_path: Path | None,
                  cipher: DataCipher | None = None) -> tuple[int, Path | None]:
    """Create a fresh schema or upgrade an older one (backing the file up first, encrypted with ``cipher``).
    Returns the version and the backup made (None: none was needed).

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
            return SCHEMA_VERSION, None
        if version > SCHEMA_VERSION:
            raise StoreError(f"the database has schema version {version}, newer than this kiosk understands "
                             f"({SCHEMA_VERSION}); update the kiosk software")
        backup: Path | None = None
        if version < SCHEMA_VERSION:
            if sqlite_path is not None:
                # Under the write lock: other connections may still read, so the online backup works,
                # and no other kiosk can write (or upgrade) between this copy and the upgrade.
                backup = backup_sqlite(sqlite_path, version, cipher)
                log.warning("database schema v%d backed up to %s before upgrading", version, backup)
            else:
                log.warning("upgrading PostgreSQL schema v%d -> v%d (take a pg_dump first if unsure)",
                            version, SCHEMA_VERSION)
            # All steps in this one transaction: a failed upgrade changes nothing.
            for v in range(version, SCHEMA_VERSION):
                MIGRATIONS[v](conn)
            conn.execute(text("UPDATE settings SET value = :v WHERE key = 'schema_version'"),
                         {"v": str(SCHEMA_VERSION)})
    return SCHEMA_VERSION, backup
