"""Helpers for the end-to-end kiosk tests: a tmp-home context sharing the loaded pipeline, enrollment."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from kiosk.context import AppContext, Overrides
from kiosk.store.db import normalise_url
from kiosk.vision.image_io import read_image


def make_context(home: Path, model_dir: Path, pipeline, **config_sections) -> AppContext:
    """An AppContext on a fresh data home that reuses the session's already-loaded pipeline."""
    from kiosk.config import config_from_dict

    ctx = AppContext(Overrides(home=str(home), model_dir=str(model_dir)), config=config_from_dict(config_sections))
    ctx.__dict__["pipeline"] = pipeline  # cached_property slot: loading the models once per test run is enough
    return ctx


def enroll(store, gallery, pipeline, png: Path, name: str) -> int:
    """Enroll the largest face of ``png`` as ``name`` (store and gallery); returns the person id."""
    face = pipeline.largest_face(read_image(png))
    assert face is not None, f"no face in {png}"
    pid = store.people.add(name)
    tid = store.templates.add(pid, face.embedding, pipeline.model_id, face.quality, str(png), None)
    if gallery is not None:
        gallery.add(tid, pid, face.embedding)
    return pid


def fresh_postgres() -> str:
    """The URL of the test PostgreSQL server (``bash test.sh`` starts one), emptied."""
    url = os.environ.get("KIOSK_TEST_POSTGRES_URL")
    if not url:
        pytest.fail("KIOSK_TEST_POSTGRES_URL is not set: run the suite through `bash test.sh`, "
                    "which starts a PostgreSQL server")
    engine = create_engine(normalise_url(url))
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    engine.dispose()
    return url


def empty_database(kind: str, tmp_path: Path) -> str:
    """The URL of an empty database of ``kind`` ("sqlite": a new file in ``tmp_path``, or "postgres")."""
    return f"sqlite:///{tmp_path / 'kiosk.sqlite3'}" if kind == "sqlite" else fresh_postgres()
