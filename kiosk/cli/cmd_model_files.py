"""``kiosk models convert`` and ``kiosk models add``: make the pip-carried models, add a site's own.

``convert`` makes every model the kiosk builds itself (the folded int8 YuNet and SFace of the
default pack, dlib's ResNet) ahead of first use: an installer step, or an offline machine being
prepared. ``add`` records a site's own embedder in the data folder's model list.
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
from pathlib import Path

from kiosk.cli.common import emit_json
from kiosk.context import AppContext
from kiosk.errors import ModelError
from kiosk.modelzoo.locate import converter_of, sha256_file, source_of
from kiosk.modelzoo.overlay import overlay_path, read_overlay, write_overlay
from kiosk.paths import home_dir

_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_.-]{0,63}$")


def register(actions: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``convert`` and ``add`` under ``kiosk models``."""
    c = actions.add_parser("convert", help="make the models the kiosk converts itself (default pack, dlib) now")
    c.add_argument("--all", action="store_true", help="every convertible model, not only the active pack's")
    c.add_argument("--json", action="store_true", help="print JSON")
    c.set_defaults(func=cmd_convert)

    a = actions.add_parser("add", help="record a site's own ONNX embedder (e.g. FaceLiVT) for [models] embedder")
    a.add_argument("file", type=Path, help="the .onnx file (copied into the data folder's models/)")
    a.add_argument("--kind", choices=("embedder",), default="embedder", help="what the model is (embedder)")
    a.add_argument("--name", required=True, help="the id to use in [models] embedder = NAME")
    a.add_argument("--mean", type=float, nargs="+", metavar="M",
                   help="per-channel mean on 0..255 pixels (one value or three; default: read from the model)")
    a.add_argument("--std", type=float, nargs="+", metavar="S", help="per-channel std (one value or three)")
    a.add_argument("--color", choices=("RGB", "BGR"), help="channel order the network expects (default RGB)")
    a.add_argument("--alignment", choices=("arcface112", "dlib150"), default=None,
                   help="five-point template of its crops (default arcface112)")
    a.add_argument("--licence", default="", help="the weights' licence, for `kiosk models` and the README")
    a.add_argument("--commercial-use", action="store_true", help="its licence allows commercial use")
    a.add_argument("--source", default="", help="where the file came from (default: the path given)")
    a.add_argument("--threshold", type=float, default=0.0,
                   help="open-set threshold (default 0: measure with `kiosk calibrate` / `kiosk eval ident`)")
    a.add_argument("--force", action="store_true", help="replace a model of this name added before")
    a.add_argument("--json", action="store_true", help="print JSON")
    a.set_defaults(func=cmd_add)


def cmd_convert(ctx: AppContext, args: argparse.Namespace) -> int:
    """Convert (or find current) every converter model of the active pack (``--all``: of the manifest)."""
    if args.all:
        specs = [s for s in ctx.manifest.models.values() if converter_of(s)]
    else:
        specs = [ctx.manifest.get(m) for m in (ctx.pack.detector, ctx.pack.embedder)]
        specs = [s for s in specs if converter_of(s)]
    rows = []
    failed = False
    for spec in specs:
        row: dict[str, object] = {"id": spec.id, "converter": converter_of(spec),
                                  "source_sha256_expected": spec.extra.get("source_sha256", ""),
                                  "sha256_expected": spec.sha256}
        try:
            source = source_of(spec)
            row.update(source=str(source), source_sha256=sha256_file(source))
            st = ctx.locator.convert(spec)
            row.update(path=str(st.path), sha256=st.actual_sha256, status="ok")
        except ModelError as exc:
            row.update(status="error", error=str(exc))
            failed = True
        rows.append(row)
    if args.json:
        emit_json({"models": rows})
    else:
        for row in rows:
            if row["status"] == "ok":
                print(f"{row['id']}\n  source {row['source']}\n         sha256 {row['source_sha256']} "
                      f"(matches the manifest)\n  onnx   {row['path']}\n         sha256 {row['sha256']} "
                      f"(matches the manifest)")
            else:
                print(f"error: {row['id']}: {row['error']}", file=sys.stderr)
    return 1 if failed else 0


def _broadcast(values: list[float] | None, what: str) -> tuple[float, float, float] | None:
    if values is None:
        return None
    if len(values) == 1:
        return (values[0],) * 3  # type: ignore[return-value]
    if len(values) == 3:
        return tuple(values)  # type: ignore[return-value]
    raise ModelError(f"--{what} takes one value or three, not {len(values)}")


def inspect_embedder(path: Path) -> dict[str, object]:
    """What the graph itself says: input size, output dimension, and preprocessing it declares.

    Preprocessing is read from the model's metadata (``mean``, ``std``, ``color``, ``alignment``
    entries, as some exporters write), or recognised when the graph normalises its input itself
    (its first operation on the input is a Sub/Mul/Div by a constant: feed plain 0..255 pixels).
    """
    import numpy as np
    import onnx

    from kiosk.vision.onnx_session import create_session

    session = create_session(path, 1)
    inp = session.get_inputs()[0]
    shape = inp.shape
    if len(shape) != 4 or shape[1] != 3:
        raise ModelError(f"{path}: expects an input of shape [N, 3, H, W], not {shape}")
    size = shape[2] if isinstance(shape[2], int) else 112
    if isinstance(shape[3], int) and shape[3] != size:
        raise ModelError(f"{path}: expects {shape[2]}x{shape[3]} crops; only square crops are supported")
    out = session.run(None, {inp.name: np.zeros((1, 3, size, size), np.float32)})[0]
    info: dict[str, object] = {"input_size": int(size), "dim": int(out.reshape(1, -1).shape[1]),
                               "preprocessing": "assumed"}
    model = onnx.load(str(path), load_external_data=False)
    meta = {p.key.lower(): p.value for p in model.metadata_props}
    try:
        if "mean" in meta and "std" in meta:
            info["mean"] = [float(v) for v in re.split(r"[,\s]+", meta["mean"].strip("[]() ")) if v]
            info["std"] = [float(v) for v in re.split(r"[,\s]+", meta["std"].strip("[]() ")) if v]
            info["preprocessing"] = "model metadata"
    except ValueError:
        pass
    if meta.get("color", "").upper() in ("RGB", "BGR"):
        info["color"] = meta["color"].upper()
    if meta.get("alignment") in ("arcface112", "dlib150"):
        info["alignment"] = meta["alignment"]
    if info["preprocessing"] == "assumed":
        consts = {t.name for t in model.graph.initializer}
        consts |= {o for n in model.graph.node if n.op_type == "Constant" for o in n.output}
        first = [n for n in model.graph.node if inp.name in n.input]
        if first and all(n.op_type in ("Sub", "Mul", "Div", "Add") and
                         any(i in consts for i in n.input if i != inp.name) for n in first):
            info.update(mean=[0.0, 0.0, 0.0], std=[1.0, 1.0, 1.0], preprocessing="normalised in the graph")
    return info


def cmd_add(ctx: AppContext, args: argparse.Namespace) -> int:
    """Copy the file into the data folder, read what the graph says, record it in the overlay."""
    name: str = args.name
    try:
        if not _NAME.match(name):
            raise ModelError(f"--name {name!r}: use letters, digits, '_', '-' or '.', starting with a letter")
        if name in load_project_ids(ctx):
            raise ModelError(f"--name {name!r} is a model of the project's manifest: pick another name")
        src: Path = args.file
        if not src.is_file():
            raise ModelError(f"{src}: no such file")
        info = inspect_embedder(src)
        mean = _broadcast(args.mean, "mean") or tuple(info.get("mean") or (127.5, 127.5, 127.5))  # type: ignore[arg-type]
        std = _broadcast(args.std, "std") or tuple(info.get("std") or (127.5, 127.5, 127.5))  # type: ignore[arg-type]
        given = args.mean is not None or args.std is not None
        overlay = read_overlay(overlay_path())
        if name in overlay and not args.force:
            raise ModelError(f"a model called {name!r} was added before (use --force to replace it)")
        dest = home_dir() / "models" / f"{name}.onnx"
        dest.parent.mkdir(parents=True, exist_ok=True)
        if src.resolve() != dest.resolve():
            tmp = dest.with_suffix(".onnx.tmp")
            shutil.copyfile(src, tmp)
            tmp.replace(dest)
        digest = sha256_file(dest)
    except (ModelError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    entry: dict[str, object] = {
        "file": dest.name, "sha256": digest, "kind": "embedder", "family": "custom", "input_policy": "fixed",
        "input_size": info["input_size"], "color": args.color or info.get("color", "RGB"),
        "mean": list(mean), "std": list(std), "alignment": args.alignment or info.get("alignment", "arcface112"),
        "dim": info["dim"], "threshold": 0.3, "open_set_threshold": args.threshold, "margin": 0.05,
        "licence": args.licence or "site-provided: licence not recorded", "commercial_use": bool(args.commercial_use),
        "source": args.source or str(src.resolve()),
    }
    overlay[name] = entry
    write_overlay(overlay_path(), overlay)
    preprocessing = "given on the command line" if given else str(info["preprocessing"])
    result = {"name": name, "path": str(dest), "overlay": str(overlay_path()), "preprocessing": preprocessing,
              **entry}
    if args.json:
        emit_json(result)
    else:
        print(f"added {name}: {info['dim']}-d embedder, {info['input_size']}x{info['input_size']} "
              f"{entry['color']} crops, mean {list(mean)} std {list(std)} ({preprocessing})")
        print(f"  file   {dest}\n  sha256 {digest}\n  list   {overlay_path()}")
        print(f"Use it with [models] embedder = \"{name}\" in {ctx.config_path}; "
              "templates move to it at the next start.")
        if preprocessing == "assumed":
            print("warning: the model does not say how to normalise its input; ArcFace's (x - 127.5) / 127.5 "
                  "was assumed. Check with `kiosk eval lfw` or give --mean/--std.", file=sys.stderr)
    return 0


def load_project_ids(ctx: AppContext) -> set[str]:
    """Model ids of the project's own manifest (a site's model may not shadow them)."""
    from kiosk.modelzoo.manifest import load_manifest

    return set(load_manifest().models)
