"""Typed view of ``models/models.toml``: every model, its preprocessing, licence and source."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from kiosk.errors import ModelError
from kiosk.paths import bundled

KINDS = ("detector", "embedder", "antispoof")


@dataclass(frozen=True, slots=True)
class ModelSpec:
    """One model of the manifest: which file, how to verify it and how to feed it."""

    id: str
    file: str
    sha256: str
    kind: str
    family: str
    input_policy: str
    input_size: int
    color: str
    mean: tuple[float, float, float]
    std: tuple[float, float, float]
    licence: str
    source: str
    commercial_use: bool = False
    alignment: str = ""
    dim: int = 0
    threshold: float = 0.3
    open_set_threshold: float = 0.0
    margin: float = 0.05
    crop_scale: float = 1.0
    size: int = 0
    extra: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Pack:
    """A detector and an embedder chosen together."""

    name: str
    detector: str
    embedder: str
    summary: str


@dataclass(frozen=True, slots=True)
class Manifest:
    """All models and packs of the manifest."""

    models: dict[str, ModelSpec]
    packs: dict[str, Pack]
    path: Path
    # Former pack names -> current ones (`accurate` -> `insightface-accurate`, `clean` -> `dlib`).
    pack_aliases: dict[str, str] = field(default_factory=dict)

    def get(self, model_id: str) -> ModelSpec:
        """The spec of ``model_id``; a clear error naming the known ids otherwise."""
        try:
            return self.models[model_id]
        except KeyError:
            known = ", ".join(sorted(self.models))
            raise ModelError(f"unknown model '{model_id}' (the manifest {self.path} knows: {known})") from None

    def pack(self, name: str) -> Pack:
        """The pack called ``name`` (or formerly called so); a clear error naming the known packs otherwise."""
        try:
            return self.packs[self.pack_aliases.get(name, name)]
        except KeyError:
            known = ", ".join(sorted(self.packs))
            raise ModelError(f"unknown model pack '{name}' (known packs: {known})") from None


_SPEC_FIELDS = set(ModelSpec.__slots__) - {"id", "extra"}


def parse_model(model_id: str, raw: dict[str, object], path: Path) -> ModelSpec:
    """One ``[models.ID]`` table as a ModelSpec; a clear error for a missing key or an unknown kind."""
    missing = [k for k in ("file", "kind", "family", "licence", "source") if k not in raw]
    if missing:
        raise ModelError(f"{path}: model '{model_id}' lacks {', '.join(missing)}")
    if raw["kind"] not in KINDS:
        raise ModelError(f"{path}: model '{model_id}' has kind {raw['kind']!r}; expected one of {KINDS}")
    known = {k: v for k, v in raw.items() if k in _SPEC_FIELDS}
    extra = {k: v for k, v in raw.items() if k not in _SPEC_FIELDS}
    for key in ("mean", "std"):
        if key in known:
            known[key] = tuple(float(x) for x in known[key])  # type: ignore[union-attr]
    known.setdefault("sha256", "")
    known.setdefault("input_policy", "fixed")
    known.setdefault("input_size", 0)
    known.setdefault("color", "RGB")
    known.setdefault("mean", (0.0, 0.0, 0.0))
    known.setdefault("std", (1.0, 1.0, 1.0))
    return ModelSpec(id=model_id, extra=extra, **known)  # type: ignore[arg-type]


def parse_manifest(path: Path) -> Manifest:
    """Read and validate a manifest file."""
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ModelError(f"cannot read the model manifest {path}: {exc}") from exc
    models = {mid: parse_model(mid, spec, path) for mid, spec in raw.get("models", {}).items()}
    packs = {}
    aliases = {str(k): str(v) for k, v in raw.get("pack_aliases", {}).items()}
    for old, new in aliases.items():
        if new not in raw.get("packs", {}):
            raise ModelError(f"{path}: pack alias '{old}' names pack '{new}', which the manifest lacks")
    for name, spec in raw.get("packs", {}).items():
        pack = Pack(name=name, detector=spec["detector"], embedder=spec["embedder"],
                    summary=spec.get("summary", ""))
        for mid, kind in ((pack.detector, "detector"), (pack.embedder, "embedder")):
            if mid not in models or models[mid].kind != kind:
                raise ModelError(f"{path}: pack '{name}' names {kind} '{mid}', which the manifest lacks")
        packs[name] = pack
    for model in models.values():
        original = model.extra.get("original")
        if original is not None and (original not in models or models[str(original)].kind != model.kind):
            raise ModelError(f"{path}: model '{model.id}' names original '{original}', which the manifest lacks")
    return Manifest(models=models, packs=packs, path=path, pack_aliases=aliases)


@lru_cache(maxsize=4)
def load_manifest(path: Path | None = None) -> Manifest:
    """The project's manifest (``models/models.toml``), parsed once per process."""
    return parse_manifest(path or bundled("models/models.toml"))
