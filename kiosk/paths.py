"""Where the kiosk keeps its data, config and models on this machine."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import platformdirs

APP_NAME = "face-kiosk"

_home_override: Path | None = None


def set_home(path: str | os.PathLike[str] | None) -> None:
    """Override the data home for this process (the CLI's ``--home``)."""
    global _home_override
    _home_override = Path(path).expanduser().resolve() if path else None


def home_dir() -> Path:
    """The kiosk's data home: ``--home``, then ``KIOSK_HOME``, then the per-user data dir."""
    if _home_override is not None:
        return _home_override
    env = os.environ.get("KIOSK_HOME")
    if env:
        return Path(env).expanduser().resolve()
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def config_path() -> Path:
    """The config file: ``KIOSK_CONFIG``, else ``config.toml`` in the data home."""
    env = os.environ.get("KIOSK_CONFIG")
    if env:
        return Path(env).expanduser().resolve()
    return home_dir() / "config.toml"


def cache_dir() -> Path:
    """Derived, rebuildable files (hash cache, converted models, persisted index)."""
    return home_dir() / "cache"


def spoof_dir() -> Path:
    """Snapshots of presentation attacks (kiosk.attendance.spoof_log), one folder per local day."""
    return home_dir() / "spoof"


def log_dir() -> Path:
    """Log files."""
    return home_dir() / "logs"


def frozen_bundle_dir() -> Path | None:
    """Where a PyInstaller bundle unpacked its read-only files (``sys._MEIPASS``), else None."""
    if not getattr(sys, "frozen", False):
        return None
    return Path(getattr(sys, "_MEIPASS", Path(sys.executable).resolve().parent))


def repo_root() -> Path | None:
    """The folder the app runs from: the source checkout (editable install), or, in a PyInstaller
    one-dir bundle, the folder holding the ``kiosk`` executable (``dist/kiosk``, ``/opt/kiosk``).

    Frozen, this is the executable's folder rather than ``sys._MEIPASS`` (PyInstaller 6 puts the
    bundled files in its ``_internal`` subfolder) so that ``repo_root() / "models"`` is the visible
    ``models`` folder an installer fills and a site admin can see.
    """
    if getattr(sys, "frozen", False):
        return Path(sys.executable).resolve().parent
    root = Path(__file__).resolve().parent.parent
    return root if (root / "models" / "models.toml").is_file() else None


def bundled(relative: str) -> Path:
    """A file shipped with the app: from the checkout, else the frozen bundle, else the wheel's
    ``kiosk/_bundled``."""
    for root in (repo_root(), frozen_bundle_dir()):
        if root is not None and (root / relative).exists():
            return root / relative
    return Path(__file__).resolve().parent / "_bundled" / relative
