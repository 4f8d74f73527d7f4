"""Shared fixtures: the ../shared models and data, a temporary kiosk home, the real pipeline."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

SHARED = Path(os.environ.get("KIOSK_SHARED") or Path(__file__).resolve().parents[2] / "shared").resolve()
MODELS = SHARED / "models"
DATA = SHARED / "data"
EXAMPLES = DATA / "faces" / "examples"
LFW_ROOT = DATA / "lfw" / "lfw-deepfunneled"
LFW_PAIRS = DATA / "lfw" / "pairs.txt"
VIDEO = DATA / "video"

# Every test process uses the shared models and a throwaway home: nothing touches a real user's data.
os.environ.setdefault("KIOSK_MODEL_DIR", str(MODELS))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["KIOSK_HOME"] = tempfile.mkdtemp(prefix="kiosk-test-home-")
os.environ.pop("DATABASE_URL", None)


def pytest_sessionstart(session: pytest.Session) -> None:
    """Fail loudly (not skip) when the shared models and data are not beside the checkout."""
    if not (MODELS / "det_500m.onnx").is_file() or not EXAMPLES.is_dir():
        raise pytest.UsageError(f"../shared with models and data not found at {SHARED} (set KIOSK_SHARED)")


@pytest.fixture(scope="session")
def ctx():
    """An AppContext on the default pack with the shared models."""
    from kiosk.context import AppContext, Overrides

    return AppContext(Overrides(model_dir=str(MODELS)))


@pytest.fixture(scope="session")
def pipeline(ctx):
    """The real default pipeline (SCRFD-500M + MobileFaceNet)."""
    return ctx.pipeline


@pytest.fixture()
def home(tmp_path, monkeypatch) -> Path:
    """A fresh kiosk home (database, config, cache) for one test."""
    h = tmp_path / "home"
    monkeypatch.setenv("KIOSK_HOME", str(h))
    return h


def run_cli(*args: str, home: Path | None = None, env: dict[str, str] | None = None, timeout: float = 600):
    """Run the real ``kiosk`` command in a subprocess; returns CompletedProcess (text)."""
    import subprocess
    import sys

    e = dict(os.environ)
    if home is not None:
        e["KIOSK_HOME"] = str(home)
    e.update(env or {})
    return subprocess.run([sys.executable, "-m", "kiosk", *args], capture_output=True, text=True, env=e,
                          timeout=timeout)


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """../shared (or KIOSK_SHARED): models and data."""
    return SHARED


@pytest.fixture(scope="session")
def model_dir() -> Path:
    """Where the model files are."""
    return MODELS


@pytest.fixture(scope="session")
def video_dir() -> Path:
    """The Hamilton clip and the two reference portraits."""
    return VIDEO
