"""Find model files in the configured directories and verify their sha256 before use."""

from __future__ import annotations

import hashlib
import importlib.metadata
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
    """Whether a model file is usable: ``ok``, ``missing``, ``mismatch`` or ``unpinned``.

    ``convertible``: a model the kiosk makes itself (manifest ``converter``) that is not made yet
    but whose source is installed; ``resolve`` converts it.
    """

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


def converter_of(spec: ModelSpec) -> str:
    """The manifest's ``converter`` of a model the kiosk builds itself ("" for a plain file)."""
    return str(spec.extra.get("converter", ""))


class ModelLocator:
    """Finds a manifest model's file among the candidate directories and verifies it.

    Models with a ``converter`` (dlib's ResNet, the folded int8 YuNet and SFace) are also looked for
    in ``convert_dir`` (default ``<cache>/models``), and ``resolve`` makes them there when no directory
    has them.
    """

    def __init__(self, dirs: list[tuple[str, Path]], hash_cache: Path | None = None,
                 convert_dir: Path | None = None) -> None:
        self.dirs = dirs
        self._cache = _HashCache(hash_cache or cache_dir() / "model-sha256.json")
        self.convert_dir = convert_dir if convert_dir is not None else cache_dir() / "models"

    def _candidates(self, spec: ModelSpec) -> list[tuple[str, Path]]:
        dirs = list(self.dirs)
        if converter_of(spec):
            dirs.append(("converted-model cache", self.convert_dir))
        return dirs

    def find(self, spec: ModelSpec) -> Path | None:
        """The first candidate directory holding the file, or None."""
        for _, folder in self._candidates(spec):
            candidate = folder / spec.file
            if candidate.is_file():
                return candidate
        return None

    def status(self, spec: ModelSpec) -> ModelStatus:
        """Check one model without raising."""
        path = self.find(spec)
        if path is None:
            if converter_of(spec):
                try:
                    return ModelStatus(spec, "convertible", source_of(spec))
                except ModelError:
                    pass
            return ModelStatus(spec, "missing", None)
        actual = self._cache.sha256(path)
        if not spec.sha256:
            return ModelStatus(spec, "unpinned", path, actual)
        return ModelStatus(spec, "ok" if actual == spec.sha256 else "mismatch", path, actual)

    def resolve(self, spec: ModelSpec) -> Path:
        """The verified path of a model file; a clear ModelError when it is missing or corrupt.

        A model with a ``converter`` that no model directory holds comes from ``convert_dir``:
        converted from its source (dlib's .dat of face_recognition_models, or an int8 ONNX that a
        pip package carries), verified against ``source_sha256``, on first use; rebuilt when that
        source or the converter changed; and verified against ``sha256`` like any file.
        """
        in_model_dirs = any((folder / spec.file).is_file() for _, folder in self.dirs)
        # A converted model is checked against its source each time (cheap when current).
        st = self.convert(spec) if converter_of(spec) and not in_model_dirs else self.status(spec)
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

    def convert(self, spec: ModelSpec) -> ModelStatus:
        """Make (or reuse) the converted file of a ``converter`` model in ``convert_dir``, verified.

        Raises ModelError when the source is missing or altered (naming the file and both hashes) or
        when the converted file's sha256 is not the manifest's.
        """
        kind = converter_of(spec)
        source_sha = str(spec.extra.get("source_sha256", ""))
        if kind == "dlib":
            from kiosk.modelzoo.dlib_convert import ensure_dlib_onnx

            path = ensure_dlib_onnx(self.convert_dir, expected_source_sha256=source_sha)
            if path.name != spec.file:
                raise ModelError(f"{spec.id}: the dlib converter writes {path.name}, not {spec.file}")
        elif kind == "fold-int8":
            from kiosk.modelzoo.quant_fold import ensure_folded

            package = str(spec.extra.get("source_package", ""))
            version = importlib.metadata.version(package) if _installed(package) else ""
            hint = (f"Reinstall it with: pip install --force-reinstall {package}=={version}" if version
                    else f"Install it with: pip install {package}")
            path = ensure_folded(source_of(spec), self.convert_dir / spec.file, source_sha, hint)
        else:
            raise ModelError(f"{spec.id}: unknown converter {kind!r} in the manifest")
        actual = self._cache.sha256(path)
        if spec.sha256 and actual != spec.sha256:
            raise ModelError(
                f"{spec.id}: converting the verified source gave {path} with sha256 {actual}, "
                f"not the manifest's {spec.sha256}. The converter and the manifest disagree: "
                f"update the manifest's sha256 if the converter was changed on purpose."
            )
        return ModelStatus(spec, "ok" if spec.sha256 else "unpinned", path, actual)


def _installed(package: str) -> bool:
    try:
        importlib.metadata.distribution(package)
    except importlib.metadata.PackageNotFoundError:
        return False
    return True


def source_of(spec: ModelSpec) -> Path:
    """The installed file a ``converter`` model is made from; ModelError when it is not there."""
    kind = converter_of(spec)
    if kind == "dlib":
        from kiosk.modelzoo.dlib_convert import default_dat_path

        return default_dat_path()
    if kind == "fold-int8":
        from kiosk.modelzoo.quant_fold import package_file

        return package_file(str(spec.extra.get("source_package", "")), str(spec.extra.get("source_path", "")))
    raise ModelError(f"{spec.id}: unknown converter {kind!r} in the manifest")
