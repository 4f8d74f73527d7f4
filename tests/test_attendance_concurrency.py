"""Kiosks racing on one database, with real processes on a real SQLite file and a real PostgreSQL server:
kiosks starting together on an empty database all come up."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import race_helpers
from sqlalchemy import create_engine, text

from kiosk.store import Store
from kiosk.store.db import normalise_url
from kiosk.store.schema import SCHEMA_VERSION


def _fresh_postgres() -> str:
    url = os.environ.get("KIOSK_TEST_POSTGRES_URL")
    if not url:
        pytest.fail("KIOSK_TEST_POSTGRES_URL is not set: run the suite through `bash test.sh`, "
                    "which starts a PostgreSQL server")
    engine = create_engine(normalise_url(url))
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    engine.dispose()
    return url


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def empty_db(request, tmp_path: Path) -> str:
    """The URL of an empty database: a new SQLite file, or the test PostgreSQL server emptied."""
    return f"sqlite:///{tmp_path / 'kiosk.sqlite3'}" if request.param == "sqlite" else _fresh_postgres()


def test_four_kiosks_starting_together_on_an_empty_database_all_come_up(empty_db: str) -> None:
    helper = Path(race_helpers.__file__)
    kiosks = [subprocess.Popen([sys.executable, str(helper), empty_db], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(4)]
    try:
        for k in kiosks:  # all four have imported the kiosk and wait on their stdin
            assert k.stdout is not None and k.stdout.readline().strip() == "ready"
        for k in kiosks:
            assert k.stdin is not None
            k.stdin.write("go\n")
            k.stdin.flush()
        outs = [k.communicate(timeout=300) for k in kiosks]
    finally:
        for k in kiosks:
            if k.poll() is None:
                k.kill()
    assert [k.returncode for k in kiosks] == [0] * 4, [err for _, err in outs]
    assert [out.strip() for out, _ in outs] == [str(SCHEMA_VERSION)] * 4
    created = sum(err.count("created the database schema") for _, err in outs)
    assert created == 1, [err for _, err in outs]
    with Store.open(empty_db) as store, store.engine.connect() as conn:
        rows = conn.execute(text("SELECT value FROM settings WHERE key = 'schema_version'")).all()
    assert [r[0] for r in rows] == [str(SCHEMA_VERSION)]
