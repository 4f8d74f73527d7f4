"""A site's own models, laid over the project's manifest (``kiosk models add``).

The overlay is a small TOML file in the data folder (``<home>/models.local.toml``) with the same
``[models.NAME]`` tables as ``models/models.toml``. A site adds an embedder it has obtained itself
(FaceLiVT, a newer ArcFace model): its file is copied into ``<home>/models/`` and pinned by sha256,
its preprocessing is given or read from the graph, its dimension read from the graph, and
``[models] embedder = NAME`` makes the kiosk use it (templates move to it by the automatic re-embed).
"""

from __future__ import annotations

import dataclasses
import tomllib
from pathlib import Path

from kiosk.errors import ModelError
from kiosk.modelzoo.manifest import Manifest, parse_model
from kiosk.paths import home_dir

OVERLAY_NAME = "models.local.toml"


def overlay_path() -> Path:
    """Where this data folder's own model entries are kept."""
    return home_dir() / OVERLAY_NAME


def read_overlay(path: Path) -> dict[str, dict[str, object]]:
    """The raw ``[models]`` tables of an overlay file ({} when there is none)."""
    if not path.is_file():
        return {}
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ModelError(f"cannot read this site's model list {path}: {exc}") from exc
    models = raw.get("models", {})
    if not isinstance(models, dict):
        raise ModelError(f"{path}: [models] must be a table of models")
    return models


def apply_overlay(manifest: Manifest, path: Path) -> Manifest:
    """``manifest`` with the overlay's models added; a name the project already uses is refused."""
    raw = read_overlay(path)
    if not raw:
        return manifest
    models = dict(manifest.models)
    for model_id, spec in raw.items():
        if model_id in manifest.models:
            raise ModelError(f"{path}: model '{model_id}' is already in the project's manifest: pick another name")
        if not isinstance(spec, dict):
            raise ModelError(f"{path}: [models.{model_id}] must be a table")
        models[model_id] = parse_model(model_id, spec, path)
    return dataclasses.replace(manifest, models=models)


def _toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    text = str(value).replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")
    return f'"{text}"'


def write_overlay(path: Path, models: dict[str, dict[str, object]]) -> None:
    """Write the overlay file (all of it), atomically."""
    lines = ["# This site's own models, added with `kiosk models add` (same keys as models/models.toml).", ""]
    for model_id, spec in models.items():
        lines.append(f"[models.{model_id}]")
        lines += [f"{key} = {_toml_value(value)}" for key, value in spec.items()]
        lines.append("")
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text("\n".join(lines), encoding="utf-8")
    tmp.replace(path)
