"""Shared test fixtures: the shared data folder, models, a tmp kiosk home, offscreen Qt."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# Qt tests run without a display; set before any test module imports PySide6.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def _shared_dir() -> Path:
    env = os.environ.get("KIOSK_SHARED")
    return Path(env) if env else Path(__file__).resolve().parents[2] / "shared"


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """/work/shared (or KIOSK_SHARED): models and data."""
    return _shared_dir()


@pytest.fixture(scope="session")
def model_dir(shared_dir: Path) -> Path:
    """Where the model files are."""
    return Path(os.environ.get("KIOSK_MODEL_DIR") or shared_dir / "models")


@pytest.fixture(scope="session")
def video_dir(shared_dir: Path) -> Path:
    """The Hamilton clip and the two reference portraits."""
    return shared_dir / "data" / "video"


@pytest.fixture(scope="session")
def pipeline(model_dir: Path, tmp_path_factory: pytest.TempPathFactory):
    """The real FacePipeline of the default pack (loaded once per test session)."""
    from kiosk.context import AppContext, Overrides

    ctx = AppContext(Overrides(home=str(tmp_path_factory.mktemp("pipeline-home")), model_dir=str(model_dir)))
    return ctx.pipeline
