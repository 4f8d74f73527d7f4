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


def log_dir() -> Path:
    """Log files."""
    return home_dir() / "logs"


def repo_root() -> Path | None:
    """The source checkout this package runs from, if any (editable install or PyInstaller)."""
    if getattr(sys, "frozen", False):  # PyInstaller one-dir bundle
        return Path(getattr(sys, "_MEIPASS", Path(sys.executable).parent))
    root = Path(__file__).resolve().parent.parent
    return root if (root / "models" / "models.toml").is_file() else None


def bundled(relative: str) -> Path:
    """A file shipped with the app: from the checkout, else from the wheel's ``kiosk/_bundled``."""
    root = repo_root()
    if root is not None and (root / relative).exists():
        return root / relative
    return Path(__file__).resolve().parent / "_bundled" / relative
