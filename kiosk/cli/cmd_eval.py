"""``kiosk eval lfw``: verification accuracy on LFW with the official 10-fold protocol."""

from __future__ import annotations

import argparse
from pathlib import Path

from kiosk.cli.cmd_gallery import register_ident
from kiosk.cli.common import emit_json, progress
from kiosk.context import AppContext
from kiosk.eval.lfw import evaluate, read_pairs


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``eval`` command group."""
    p = sub.add_parser("eval", help="accuracy benchmarks on public datasets")
    s = p.add_subparsers(dest="eval_command", metavar="BENCHMARK")
    lfw = s.add_parser("lfw", help="LFW 10-fold verification accuracy")
    lfw.add_argument("--root", required=True, help="folder with NAME/NAME_0001.jpg images")
    lfw.add_argument("--pairs", required=True, help="the official pairs.txt")
    lfw.add_argument("--per-fold", type=int, default=0,
                     help="only the first N same and N different pairs of each fold (quick run)")
    lfw.add_argument("--json", action="store_true", help="print JSON")
    lfw.set_defaults(func=cmd_lfw)
    register_ident(s)


def cmd_lfw(ctx: AppContext, args: argparse.Namespace) -> int:
    """Evaluate the active pipeline on LFW."""
    pairs = read_pairs(Path(args.pairs), Path(args.root), args.per_fold)
    result = evaluate(ctx.pipeline, pairs, lambda it, n: progress(it, n, "LFW images"))
    if args.json:
        emit_json({**result.to_json(), "detector": ctx.detector_id, "embedder": ctx.embedder_id,
                   "det_size": ctx.pipeline.detector.input_size, "flip": ctx.pipeline.embedder.flip})
    else:
        print(f"LFW accuracy {result.accuracy * 100:.2f}% ± {result.std * 100:.2f} "
              f"(threshold {result.threshold:.3f}, {result.pairs} pairs, {result.no_face} images without a face)")
    return 0
