"""Find model files in the configured directories and verify their sha256 before use."""

from __future__ import annotations

import hashlib
import json
import os
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from kiosk.errors import ModelError
from kiosk.modelzoo.manifest import ModelSpec
from kiosk.paths import APP_NAME, cache_dir, home_dir, repo_root


@dataclass(frozen=True, slots=True)
class ModelStatus:
    """Whether a model file is usable: ``ok``, ``missing``, ``mismatch`` or ``unpinned``."""

    spec: ModelSpec
    status: str
    path: Path | None
    actual_sha256: str = ""


def default_model_dirs(
    cli_dir: str | os.PathLike[str] | None = None, config_dir: str | os.PathLike[str] | None = None
) -> list[tuple[str, Path]]:
    """Candidate model directories in priority order, each with where it came from."""
    dirs: list[tuple[str, Path]] = []
    if cli_dir:
        dirs.append(("--model-dir", Path(cli_dir).expanduser()))
    env = os.environ.get("KIOSK_MODEL_DIR")
    if env:
        dirs.append(("KIOSK_MODEL_DIR", Path(env).expanduser()))
    if config_dir:
        dirs.append(("config [models] dir", Path(config_dir).expanduser()))
    root = repo_root()
    if root is not None:
        label = "app folder models/" if getattr(sys, "frozen", False) else "repository models/"
        dirs.append((label, root / "models"))
    user_dir = Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)) / "models"
    # The data home (KIOSK_HOME, e.g. /var/lib/kiosk for the service user) is where an admin
    # looks first; it differs from the per-user data dir whenever KIOSK_HOME or --home is set.
    home_models = home_dir() / "models"
    if home_models != user_dir:
        dirs.append(("data home models/", home_models))
    dirs.append(("user data dir", user_dir))
    return dirs


def sha256_file(path: Path) -> str:
    """Hex sha256 of a file, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


class _HashCache:
    """sha256 of files, remembered by (size, mtime) so a 170 MB model is hashed once."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._lock = threading.Lock()
        self._data: dict[str, dict[str, object]] | None = None

    def _load(self) -> dict[str, dict[str, object]]:
        if self._data is None:
            try:
                self._data = json.loads(self._path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                self._data = {}
        return self._data

    def sha256(self, path: Path) -> str:
        st = path.stat()
        key = str(path.resolve())
        with self._lock:
            entry = self._load().get(key)
            if entry and entry.get("size") == st.st_size and entry.get("mtime_ns") == st.st_mtime_ns:
                return str(entry["sha256"])
        digest = sha256_file(path)
        with self._lock:
            data = self._load()
            data[key] = {"size": st.st_size, "mtime_ns": st.st_mtime_ns, "sha256": digest}
            try:
                self._path.parent.mkdir(parents=True, exist_ok=True)
                tmp = self._path.with_suffix(".tmp")
                tmp.write_text(json.dumps(data, indent=1), encoding="utf-8")
                os.replace(tmp, self._path)
            except OSError:
                pass  # a read-only home only costs us re-hashing next time
        return digest


class ModelLocator:
    """Finds a manifest model's file among the candidate directories and verifies it."""

    def __init__(self, dirs: list[tuple[str, Path]], hash_cache: Path | None = None) -> None:
        self.dirs = dirs
        self._cache = _HashCache(hash_cache or cache_dir() / "model-sha256.json")

    def find(self, spec: ModelSpec) -> Path | None:
        """The first candidate directory holding the file, or None."""
        for _, folder in self.dirs:
            candidate = folder / spec.file
            if candidate.is_file():
                return candidate
        return None

    def status(self, spec: ModelSpec) -> ModelStatus:
        """Check one model without raising."""
        path = self.find(spec)
        if path is None:
            return ModelStatus(spec, "missing", None)
        actual = self._cache.sha256(path)
        if not spec.sha256:
            return ModelStatus(spec, "unpinned", path, actual)
        return ModelStatus(spec, "ok" if actual == spec.sha256 else "mismatch", path, actual)

    def resolve(self, spec: ModelSpec) -> Path:
        """The verified path of a model file; a clear ModelError when it is missing or corrupt."""
        st = self.status(spec)
        if st.status == "missing":
            looked = "\n".join(f"  - {folder / spec.file}  ({label})" for label, folder in self.dirs)
            raise ModelError(
                f"model file '{spec.file}' ({spec.id}, {spec.kind}) was not found. Looked in:\n{looked}\n"
                f"Obtain it from: {spec.source}\n"
                f"expected sha256 {spec.sha256 or '(not pinned)'}; put it in one of those folders "
                f"or pass --model-dir / set KIOSK_MODEL_DIR."
            )
        if st.status == "mismatch":
            raise ModelError(
                f"model file {st.path} does not match the manifest and was not loaded: "
                f"expected sha256 {spec.sha256}, found {st.actual_sha256}. "
                f"The file is corrupt or a different version; replace it with the one from {spec.source}."
            )
        assert st.path is not None
        return st.path
