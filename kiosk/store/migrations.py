"""Schema versions and upgrades.

A SQLite file is backed up before any upgrade touches it; with a data key the backup is encrypted with it
(it holds every face template and crop) and the caller removes it once the upgrade has fully succeeded.
"""

from __future__ import annotations

import logging
import os
import sqlite3
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from sqlalchemy import Connection, Engine, inspect, text

from kiosk.errors import StoreError
from kiosk.store.crypto import DataCipher
from kiosk.store.schema import SCHEMA_VERSION, Base

log = logging.getLogger(__name__)

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
    """v4: encryption at rest. ``enc`` says how a template row's embedding and crop are stored: 0 plain (rows
    written before v4), 1 AES-GCM with the data key (kiosk.store.crypto). The rows themselves are encrypted
    after this step, in small committed batches (Store.open), so a pass cut short resumes where it stopped."""
    conn.execute(text("ALTER TABLE face_templates ADD COLUMN enc INTEGER NOT NULL DEFAULT 0"))
    conn.execute(text("CREATE INDEX IF NOT EXISTS ix_templates_enc ON face_templates (enc)"))


# from-version -> step to the next version
MIGRATIONS: dict[int, Callable[[Connection], None]] = {1: _v1_to_v2, 2: _v2_to_v3, 3: _v3_to_v4}


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


def ensure_schema(engine: Engine, sqlite_path: Path | None,
                  cipher: DataCipher | None = None) -> tuple[int, Path | None]:
    """Create a fresh schema or upgrade an older one (backing the file up first, encrypted with ``cipher``).
    Returns the version and the backup made (None: none was needed)."""
    with engine.connect() as conn:
        version = stored_version(conn)
    if version is None:
        Base.metadata.create_all(engine)
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO settings (key, value) VALUES ('schema_version', :v)"),
                         {"v": str(SCHEMA_VERSION)})
        return SCHEMA_VERSION, None
    if version > SCHEMA_VERSION:
        raise StoreError(f"the database has schema version {version}, newer than this kiosk understands "
                         f"({SCHEMA_VERSION}); update the kiosk software")
    backup: Path | None = None
    if version < SCHEMA_VERSION:
        if sqlite_path is not None:
            backup = backup_sqlite(sqlite_path, version, cipher)
            log.warning("database schema v%d backed up to %s before upgrading", version, backup)
        else:
            log.warning("upgrading PostgreSQL schema v%d -> v%d (take a pg_dump first if unsure)",
                        version, SCHEMA_VERSION)
        with engine.begin() as conn:  # all steps in one transaction: a failed upgrade changes nothing
            for v in range(version, SCHEMA_VERSION):
                MIGRATIONS[v](conn)
            conn.execute(text("UPDATE settings SET value = :v WHERE key = 'schema_version'"),
                         {"v": str(SCHEMA_VERSION)})
    return SCHEMA_VERSION, backup
