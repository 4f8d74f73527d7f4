"""The plumbing every repository shares: one engine, its transactions, the data key and the WAL.

:meth:`Database.open` is the only way a database is opened: it unlocks the data key before anything is
written (:mod:`kiosk.store.data_key`), creates or upgrades the schema, seals rows an older version left
plain (:mod:`kiosk.store.sealing`) and removes the upgrade's backup once all of that is done. The
repositories (people, templates, attendance, ...) are each handed the one :class:`Database` and run
every read and write through :meth:`Database.tx`, so locking, error messages and the cipher are the
same for all of them.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import Engine, delete
from sqlalchemy.exc import IntegrityError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from kiosk.errors import StoreError
from kiosk.store import data_key, sealing
from kiosk.store.crypto import DataCipher, KeyLocations
from kiosk.store.db import create_db_engine, make_safe_url, sqlite_path, write_locked
from kiosk.store.migrations import encrypt_plain_backups, ensure_schema
from kiosk.store.schema import Setting

log = logging.getLogger(__name__)

# Setting: the encrypted backup of an upgrade not finished yet (removed once the encryption pass is done).
PENDING_BACKUP = "upgrade_backup"


class Database:
    """One SQL database: engine, transactions (plain or write-locked), the data key's cipher, checkpoints."""

    def __init__(self, engine: Engine, url: str, cipher: DataCipher) -> None:
        self.engine = engine
        self.url = url
        self.sqlite_path: Path | None = sqlite_path(url)
        self.cipher = cipher
        self.schema_version = 0
        self._session = sessionmaker(engine, expire_on_commit=False)
        # Same pool, for decide-then-write transactions (kiosk.store.db.write_locked): BEGIN IMMEDIATE on
        # SQLite, READ COMMITTED on PostgreSQL.
        self._locked_session = sessionmaker(write_locked(engine), expire_on_commit=False)

    @classmethod
    def open(cls, url: str, key_file: Path | None = None, keep_backup: bool = False,
             encrypt_batch: int = sealing.ENCRYPT_BATCH) -> Database:
        """Open (and create or upgrade) the database at ``url``.

        The data key comes from ``KIOSK_DATA_KEY``, the systemd credential or ``key_file`` (default:
        :func:`kiosk.store.data_key.default_key_file`); it is created there when the database has no
        encrypted data yet. A missing or wrong key for a database that has some is a DataKeyError, raised
        before anything is written. An upgrade's backup is encrypted and removed once the upgrade
        (encryption pass included) is complete, unless ``keep_backup``.
        """
        engine = create_db_engine(url)
        locations = KeyLocations(Path(key_file) if key_file else data_key.default_key_file())
        where = str(sqlite_path(url) or make_safe_url(engine))
        try:
            cipher, created = data_key.unlock(engine, locations, where)
            db = cls(engine, url, cipher)
            db.schema_version, backup = ensure_schema(engine, db.sqlite_path, cipher)
            if backup is not None:
                with db.tx() as s:
                    s.merge(Setting(key=PENDING_BACKUP, value=str(backup)))
                log.warning("database schema backed up (encrypted) to %s before upgrading", backup)
            data_key.claim(db, locations, created)
            sealing.encrypt_pending(db, encrypt_batch)
            if db.sqlite_path is not None:
                for sealed in encrypt_plain_backups(db.sqlite_path, cipher):
                    log.warning("an earlier upgrade's plain backup is now encrypted with the data key: %s", sealed)
            db._finish_upgrade(keep_backup)
        except OperationalError as exc:
            engine.dispose()
            raise StoreError(describe_error(engine, sqlite_path(url), exc)) from None
        except BaseException:
            engine.dispose()
            raise
        return db

    def _finish_upgrade(self, keep_backup: bool) -> None:
        """Remove the upgrade's backup once the upgrade and its encryption pass are complete."""
        with self.tx() as s:
            row = s.get(Setting, PENDING_BACKUP)
            pending = None if row is None else row.value
        if pending is None:
            return
        if keep_backup:
            log.warning("upgrade backup kept (encrypted with the data key): %s", pending)
        else:
            Path(pending).unlink(missing_ok=True)
            log.info("upgrade complete; backup %s removed", pending)
        with self.tx() as s:
            s.execute(delete(Setting).where(Setting.key == PENDING_BACKUP))

    @property
    def is_postgres(self) -> bool:
        """True on PostgreSQL (advisory locks, NOTIFY), False on SQLite."""
        return self.engine.dialect.name == "postgresql"

    @contextlib.contextmanager
    def tx(self, write_lock: bool = False) -> Iterator[Session]:
        """A transaction: committed on success, rolled back on error, DB errors as StoreError.

        ``write_lock``: for read-then-write rules that must not interleave with another writer. On SQLite
        the transaction takes the database's write lock when it begins (BEGIN IMMEDIATE); on PostgreSQL it
        is READ COMMITTED, so statements after an advisory lock see what the lock's last holder committed.
        IntegrityError passes through unchanged: the repositories turn it into their own message.
        """
        try:
            with (self._locked_session if write_lock else self._session).begin() as s:
                yield s
        except IntegrityError:
            raise
        except OperationalError as exc:
            raise StoreError(self.describe(exc)) from None

    def describe(self, exc: SQLAlchemyError) -> str:
        """A database error on this database in words a site admin can act on."""
        return describe_error(self.engine, self.sqlite_path, exc)

    def checkpoint(self) -> None:
        """SQLite: copy the WAL into the database and truncate it to zero bytes, so that pages of deleted
        rows (a purged person's templates and crops) do not linger in the WAL file. A no-op elsewhere."""
        if self.sqlite_path is None:
            return
        raw = self.engine.raw_connection()
        try:
            cur = raw.cursor()
            busy, _, _ = cur.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
            cur.close()
        finally:
            raw.close()
        if busy:
            # Another process is reading: the WAL is truncated at its next checkpoint instead.
            log.info("WAL checkpoint incomplete (another connection is reading %s)", self.sqlite_path)

    def close(self) -> None:
        """Release connections."""
        self.engine.dispose()


def describe_error(engine: Engine, path: Path | None, exc: SQLAlchemyError) -> str:
    """A database error in words a site admin can act on."""
    where = str(path) if path else make_safe_url(engine)
    msg = str(getattr(exc, "orig", exc))
    if "locked" in msg or "busy" in msg or "lock timeout" in msg:
        return (f"the database {where} is locked by another program (another kiosk or admin session?) "
                f"and stayed locked for 5 s; nothing was changed, try again")
    if "readonly" in msg or "read-only" in msg:
        return f"the database {where} is read-only; check the folder's permissions"
    if "unable to open" in msg:
        return f"cannot open the database {where}; check that the folder exists and is writable"
    return f"database error on {where}: {msg.strip().splitlines()[0] if msg.strip() else exc}"
