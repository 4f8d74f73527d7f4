"""Engine creation: SQLite (WAL, foreign keys, busy timeout) or PostgreSQL, from one URL.

Transactions that read and then write under a rule (deciding a check-in, creating or upgrading the
schema) run on :func:`write_locked` engines: on SQLite they begin with ``BEGIN IMMEDIATE``, on
PostgreSQL they are READ COMMITTED (their callers take advisory locks).
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url

from kiosk.errors import StoreError

BUSY_TIMEOUT_MS = 5000
# Ids per IN (...) list: SQLite allows at most 32766 bound values in one statement.
IN_CHUNK = 5000
# An execution option read by the SQLite "begin" hook: how a transaction of that engine begins.
SQLITE_BEGIN_OPTION = "kiosk_sqlite_begin"
_SQLITE_BEGIN_MODES = ("DEFERRED", "IMMEDIATE", "EXCLUSIVE")


def sqlite_path(url: str) -> Path | None:
    """The file behind a SQLite URL, or None for another database (or in-memory SQLite)."""
    u = make_url(url)
    if u.get_backend_name() != "sqlite" or not u.database or u.database == ":memory:":
        return None
    return Path(u.database)


def normalise_url(url: str) -> str:
    """Accept ``postgresql://`` (and ``postgres://``) as psycopg 3 URLs."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


def make_safe_url(engine: Engine) -> str:
    """The engine's URL without its password (for messages)."""
    return engine.url.render_as_string(hide_password=True)


def create_db_engine(url: str) -> Engine:
    """An engine for ``url`` with the kiosk's connection settings."""
    url = normalise_url(url)
    try:
        parsed = make_url(url)
    except Exception as exc:
        raise StoreError(f"not a database URL: {url!r} ({exc})") from None
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        path = sqlite_path(url)
        if path is not None:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError(f"cannot create the data folder {path.parent}: {exc.strerror or exc}") from None
        engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_conn, _record):  # type: ignore[no-untyped-def]
            # Let SQLAlchemy, not the sqlite3 module, decide when transactions begin, so that DDL in
            # a migration is transactional too (SQLAlchemy's documented pysqlite recipe).
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")  # readers never block the writer (kiosk + admin)
            cur.execute("PRAGMA foreign_keys=ON")  # deleting a person must cascade to templates
            cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            cur.execute("PRAGMA synchronous=NORMAL")
            # Deleted rows are overwritten, so a purged person's face crops do not linger in free pages.
            cur.execute("PRAGMA secure_delete=ON")  # WAL + NORMAL is durable across app crashes
            cur.close()

        @event.listens_for(engine, "begin")
        def _on_begin(conn):  # type: ignore[no-untyped-def]
            mode = conn.get_execution_options().get(SQLITE_BEGIN_OPTION, "DEFERRED")
            if mode not in _SQLITE_BEGIN_MODES:
                raise ValueError(f"unknown SQLite transaction mode {mode!r}")
            conn.exec_driver_sql(f"BEGIN {mode}")

        return engine
    if backend == "postgresql":
        return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5)
    raise StoreError(f"unsupported database {backend!r}: use sqlite:///PATH or postgresql://...")


def write_locked(engine: Engine) -> Engine:
    """The same engine (same pool) for transactions that read, decide and then write under a lock.

    SQLite: its transactions begin with ``BEGIN IMMEDIATE``. A plain (deferred) transaction that reads
    and then writes can interleave with another connection's: both read "no event yet", both write.
    Worse, in WAL mode the second one's upgrade from reader to writer fails at once with "database is
    locked" (the busy timeout does not apply to a snapshot that went stale), so a kiosk would show an
    error for a perfectly healthy database. ``BEGIN IMMEDIATE`` takes the write lock first, waiting up
    to the busy timeout for it, so such transactions run one after another.

    PostgreSQL: callers take an advisory lock first thing in the transaction, and every statement after
    it must see what the previous holder committed. That is READ COMMITTED (each statement a fresh
    snapshot), PostgreSQL's default; it is set here because under a server default of REPEATABLE READ
    the snapshot would be taken before the lock was granted and two kiosks would both record.
    """
    if engine.dialect.name == "postgresql":
        return engine.execution_options(isolation_level="READ COMMITTED")
    return engine.execution_options(**{SQLITE_BEGIN_OPTION: "IMMEDIATE"})
