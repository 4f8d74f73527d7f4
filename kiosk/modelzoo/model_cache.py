"""The converted-model cache: a model the kiosk makes from an installed source file, made once.

Shared by the two converters (dlib's ResNet, OpenCV Zoo's int8 builds): each converted ONNX file has a
sidecar ``<file>.json`` recording the source's sha256, the converter and its version, and the output's
own sha256; the file is rebuilt when any of them no longer matches (another source, a new converter, a
damaged cache file), and written atomically so a reader or a second kiosk never sees half a model.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from kiosk.errors import ModelError


def sha256_bytes(data: bytes) -> str:
    """Hex sha256 of a byte string."""
    return hashlib.sha256(data).hexdigest()


def sidecar_path(onnx_path: Path) -> Path:
    """The JSON record written beside a converted model."""
    return onnx_path.with_name(onnx_path.name + ".json")


def atomic_write(path: Path, data: bytes) -> None:
    """Write beside the target and rename, so a reader (or a second kiosk converting at the same time)
    never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        # mkstemp makes the file private (0600); a model is an ordinary readable file.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def cached_conversion(out: Path, source: Path, source_sha256: str, converter: str, version: int,
                      build: Callable[[], tuple[bytes, dict[str, object]]]) -> Path:
    """``out``, made by ``build()`` unless its sidecar says it is the current conversion of this source.

    ``build`` returns the converted bytes and extra sidecar fields (e.g. how many nodes were folded); it
    runs only when the cache is not current. A folder that cannot be written is a ModelError naming it.
    """
    side = sidecar_path(out)
    try:
        meta = json.loads(side.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        meta = {}
    if (isinstance(meta, dict) and meta.get("source_sha256") == source_sha256
            and meta.get("converter_version") == version and out.is_file()):
        try:
            if sha256_bytes(out.read_bytes()) == meta.get("onnx_sha256"):
                return out
        except OSError:
            pass
    blob, record = build()
    meta = {"source": str(source), "source_sha256": source_sha256, "converter": converter,
            "converter_version": version, **record, "onnx_sha256": sha256_bytes(blob)}
    try:
        atomic_write(out, blob)
        atomic_write(side, (json.dumps(meta, indent=1) + "\n").encode("utf-8"))
    except OSError as exc:
        raise ModelError(f"cannot write the converted model to {out.parent}: {exc.strerror or exc}") from None
    return out
