"""The change feed's database side: what changed since a kiosk last looked, and waiting for it cheaply.

Every transaction that changes people or templates bumps the one-row ``change_counter`` and logs one
``change_log`` row per person it touched (:func:`kiosk.store.changes.log_changes`); on PostgreSQL it
also sends ``NOTIFY kiosk_changes`` with the new ``seq``, delivered when it commits. A running kiosk
waits on a :class:`ChangeWatcher` (never on the UI thread or the recognition thread), reads the rows
after the ``seq`` it last applied (:class:`ChangeBatch`) and refreshes those people in its gallery.

Waiting costs next to nothing on either database:

* SQLite: ``PRAGMA data_version`` on a connection of its own changes only when another connection
  committed; it is asked about twice a second and the counter is read only when it moved.
* PostgreSQL: ``LISTEN kiosk_changes`` on a dedicated autocommit psycopg connection wakes the kiosk at
  the commit. The counter is also read every 1.5 s regardless (a notification lost with a broken
  connection costs at most that long), and while the connection is down the watcher polls instead.
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
import threading
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy.engine import make_url

if TYPE_CHECKING:
    from kiosk.store.database import Database

log = logging.getLogger(__name__)

CHANNEL = "kiosk_changes"
# How often a waiting kiosk looks (SQLite), and checks the counter without a notification (PostgreSQL
# polling fallback while the LISTEN connection is down).
POLL_S = 0.5
# With a working LISTEN connection the counter is read at least this often anyway: a notification lost
# without the connection noticing (a network cut) still arrives within the 2 s the feed promises.
LISTEN_RECHECK_S = 1.5
# After the LISTEN connection failed, how long to poll before trying to listen again.
RELISTEN_S = 10.0


@dataclass(frozen=True, slots=True)
class Change:
    """One change-log row: person ``person_id`` changed (``kind``) in step ``seq``, committed just after ``at``."""

    seq: int
    person_id: int
    kind: str
    at: datetime | None = None


@dataclass(frozen=True, slots=True)
class ChangeBatch:
    """The changes after a kiosk's ``since``, oldest first, up to ``seq``.

    ``complete`` is False when the log no longer holds every step after ``since`` (it was pruned; the
    kiosk was that far behind): the reader must then compare its whole gallery with the database.
    ``more``: the batch was cut at its limit; read again from ``seq``.
    """

    since: int
    seq: int
    changes: tuple[Change, ...]
    complete: bool = True
    more: bool = False

    @property
    def person_ids(self) -> list[int]:
        """The people changed in this batch, each once, sorted."""
        return sorted({c.person_id for c in self.changes})


class ChangeWatcher:
    """Blocks until the change counter may have moved (base class: plain polling)."""

    def __init__(self, poll_s: float = POLL_S) -> None:
        self.poll_s = poll_s
        self._closed = threading.Event()

    @property
    def mode(self) -> str:
        """How it waits: "poll", "data_version" or "listen" (for logs and tests)."""
        return "poll"

    def wait(self, timeout: float) -> bool:
        """Wait up to ``timeout`` s; True when the counter may have changed and is worth reading."""
        self._closed.wait(timeout)
        return not self._closed.is_set()

    def close(self) -> None:
        """Release the watcher's connection (idempotent); a ``wait`` in progress returns soon."""
        self._closed.set()


class SqliteWatcher(ChangeWatcher):
    """``PRAGMA data_version`` on a private read-only connection: moves when another connection commits."""

    def __init__(self, path: Path, poll_s: float = POLL_S) -> None:
        super().__init__(poll_s)
        # Autocommit: a PRAGMA opens no transaction, so this connection never holds up a checkpoint.
        self._conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, isolation_level=None,
                                     check_same_thread=False, timeout=5.0)
        self._lock = threading.Lock()
        self._version = self._data_version()

    @property
    def mode(self) -> str:
        return "data_version"

    def _data_version(self) -> int:
        with self._lock:
            return int(self._conn.execute("PRAGMA data_version").fetchone()[0])

    def wait(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while not self._closed.is_set():
            version = self._data_version()
            if version != self._version:
                self._version = version
                return True
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            self._closed.wait(min(self.poll_s, left))
        return False

    def close(self) -> None:
        super().close()
        with self._lock, contextlib.suppress(sqlite3.Error):
            self._conn.close()


class PostgresWatcher(ChangeWatcher):
    """``LISTEN kiosk_changes`` on its own psycopg connection, falling back to polling while it is down."""

    def __init__(self, conninfo: str, poll_s: float = POLL_S, recheck_s: float = LISTEN_RECHECK_S) -> None:
        super().__init__(poll_s)
        self.conninfo = conninfo
        self.recheck_s = recheck_s
        self._conn: Any = None
        self._last_check = time.monotonic()
        self._retry_at = 0.0
        # close() from another thread must not pull the connection from under a wait in progress: the
        # waiting thread closes it on its way out instead (within poll_s).
        self._state = threading.Lock()
        self._waiting = False
        self._connect()

    @property
    def mode(self) -> str:
        return "listen" if self._conn is not None else "poll"

    def _connect(self) -> None:
        import psycopg

        try:
            conn = psycopg.connect(self.conninfo, autocommit=True, connect_timeout=5)
            conn.execute(f"LISTEN {CHANNEL}")
        except psycopg.Error as exc:
            log.warning("change feed: cannot LISTEN on PostgreSQL (%s); polling every %.1f s instead",
                        str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__, self.poll_s)
            self._conn = None
            self._retry_at = time.monotonic() + RELISTEN_S
            return
        self._conn = conn

    def _drop(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            with contextlib.suppress(Exception):
                conn.close()
        self._retry_at = time.monotonic() + RELISTEN_S

    def wait(self, timeout: float) -> bool:
        with self._state:
            self._waiting = True
        try:
            return self._wait(timeout)
        finally:
            with self._state:
                self._waiting = False
                if self._closed.is_set():
                    self._drop()

    def _wait(self, timeout: float) -> bool:
        import psycopg

        deadline = time.monotonic() + timeout
        while not self._closed.is_set():
            now = time.monotonic()
            if self._conn is None and now >= self._retry_at:
                self._connect()
            if self._conn is None:  # polling fallback
                self._closed.wait(min(self.poll_s, max(0.0, deadline - now)))
                return not self._closed.is_set()
            if now - self._last_check >= self.recheck_s:
                self._last_check = now
                return True
            left = deadline - now
            if left <= 0:
                return False
            try:
                # Short slices so close() is noticed quickly; any notification means "read the counter".
                got = list(self._conn.notifies(timeout=min(left, self.poll_s), stop_after=1))
            except (psycopg.Error, OSError) as exc:
                if self._closed.is_set():
                    return False
                log.warning("change feed: LISTEN connection lost (%s); polling until it is back", exc)
                self._drop()
                return True  # something may have been missed while it broke
            if got:
                self._last_check = time.monotonic()
                return True
        return False

    def close(self) -> None:
        super().close()
        with self._state:
            if not self._waiting:
                self._drop()


def postgres_conninfo(url: str) -> str:
    """A libpq connection string for a SQLAlchemy PostgreSQL URL (driver suffix dropped)."""
    u = make_url(url).set(drivername="postgresql")
    return u.render_as_string(hide_password=False)


def open_watcher(db: Database, poll_s: float = POLL_S) -> ChangeWatcher:
    """The cheapest way to wait for changes on this database."""
    backend = db.engine.url.get_backend_name()
    if backend == "sqlite" and db.sqlite_path is not None:
        return SqliteWatcher(db.sqlite_path, poll_s)
    if backend == "postgresql":
        return PostgresWatcher(postgres_conninfo(str(db.engine.url.render_as_string(hide_password=False))),
                               poll_s)
    return ChangeWatcher(poll_s)
