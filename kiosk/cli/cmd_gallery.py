"""Gallery commands: ``kiosk eval ident``, ``kiosk bench gallery`` and ``kiosk calibrate``."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk.cli.common import emit_json, progress, warn
from kiosk.context import AppContext
from kiosk.errors import KioskError

if TYPE_CHECKING:  # importing kiosk.gallery loads onnxruntime and usearch: only when a command needs them
    from kiosk.gallery.source import TemplateSource


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``calibrate`` (``eval ident`` and ``bench gallery`` hang off their groups, see below)."""
    p = sub.add_parser("calibrate", help="FAR/FRR of the enrolled gallery and the threshold for a target FAR")
    p.add_argument("--target-far", type=float, default=0.001, help="false-accept rate to meet (default 0.001)")
    p.add_argument("--plot", help="write the histogram/ROC plot to this PNG")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_calibrate)


def register_ident(eval_sub: argparse._SubParsersAction) -> None:
    """Add ``eval ident`` to the ``eval`` group."""
    p = eval_sub.add_parser("ident", help="LFW open-set identification: rank-1, DIR at FPIR 1 % / 0.1 %")
    p.add_argument("--root", required=True, help="folder with NAME/NAME_0001.jpg images")
    p.add_argument("--margin", type=float, default=None,
                   help="margin rule (best minus second-best person; default: the config's, else the model's)")
    p.add_argument("--people", type=int, default=0, help="only the first N known people (quick run)")
    p.add_argument("--strangers", type=int, default=1000, help="stranger probes (default 1000)")
    p.add_argument("--enroll", type=int, default=1, help="photos enrolled per person (default 1)")
    p.add_argument("--scoring", choices=("centroid", "max"), default="centroid",
                   help="person score: cosine to the centroid of their templates, or their best template")
    p.add_argument("--cache", help="keep embeddings in this .npz between runs")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_ident)


def register_bench(bench_sub: argparse._SubParsersAction) -> None:
    """Add ``bench gallery`` to the ``bench`` group."""
    p = bench_sub.add_parser("gallery", help="gallery search/startup/enrol speed and memory at scale")
    p.add_argument("--people", type=int, default=100_000)
    p.add_argument("--templates", type=int, default=3, help="templates per person")
    p.add_argument("--queries", type=int, default=2000)
    p.add_argument("--plain", action="store_true",
                   help="index files not encrypted (the kiosk always encrypts them; for comparison)")
    p.add_argument("--dim", type=int, default=0, help="embedding size (default: the active embedder's)")
    p.add_argument("--work", help="folder for the persisted index (default: a temporary folder)")
    p.add_argument("--crossover", action="store_true", help="also measure exact-vs-graph search by size")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_bench_gallery)


def cmd_ident(ctx: AppContext, args: argparse.Namespace) -> int:
    """Open-set identification on LFW with the real pipeline and gallery."""
    from kiosk.eval.ident import build_protocol, evaluate_ident

    root = Path(args.root)
    margin = ctx.match_margin if args.margin is None else args.margin
    protocol = build_protocol(root, enroll=max(1, args.enroll), min_images=max(4, args.enroll + 1),
                              strangers=args.strangers, people=args.people)
    result = evaluate_ident(ctx.pipeline, root, margin, protocol, Path(args.cache) if args.cache else None,
                            lambda it, n: progress(it, n, "LFW images"), {"scoring": args.scoring})
    if args.json:
        emit_json({**result.to_json(), "enroll": args.enroll, "scoring": args.scoring,
                   "detector": ctx.detector_id, "embedder": ctx.embedder_id,
                   "det_size": ctx.pipeline.detector.input_size, "flip": ctx.pipeline.embedder.flip})
    else:
        print(f"rank-1 {result.rank1 * 100:.2f}%  DIR@FPIR1% {result.dir_1pct * 100:.2f}% "
              f"(threshold {result.threshold_1pct:.3f})  DIR@FPIR0.1% {result.dir_01pct * 100:.2f}% "
              f"(threshold {result.threshold_01pct:.3f})  margin {result.margin}")
        print(f"{result.people} people, {result.known_probes} known probes, {result.strangers} strangers, "
              f"{result.no_face} images without a face")
    return 0


def _active_dim(ctx: AppContext) -> int:
    spec = ctx.embedder_spec
    return int(spec.dim) if spec.dim else ctx.pipeline.dim


def cmd_bench_gallery(ctx: AppContext, args: argparse.Namespace) -> int:
    """Gallery benchmark at scale (synthetic face-like embeddings of the active embedder's size)."""
    from kiosk.eval.bench_gallery import bench_gallery, exact_crossover

    if args.people < 2 or args.templates < 1 or args.queries < 1:
        raise KioskError("--people must be at least 2, --templates and --queries at least 1")
    dim = args.dim or _active_dim(ctx)
    result = bench_gallery(args.people, args.templates, dim, ctx.embedder_id, queries=args.queries,
                           work=Path(args.work) if args.work else None, encrypt=not args.plain)
    if args.crossover:
        result["crossover"] = exact_crossover(dim)
    if args.json:
        emit_json(result)
    else:
        for k, v in result.items():
            print(f"{k:22} {v}")
    return 0


def run_calibrate(source: TemplateSource, model_id: str, target_far: float, plot_path: str | None,
                  as_json: bool) -> int:
    """``kiosk calibrate`` on any template source (the store in the app, arrays in tests)."""
    from kiosk.gallery.calibration import calibrate, plot

    result = calibrate(source, model_id, target_far)
    if plot_path:
        plot(result, Path(plot_path))
    if not result.reliable:
        warn(f"only {result.impostor_pairs} impostor and {result.genuine_pairs} genuine pairs: too few to "
             f"resolve FAR {target_far:g}; enrol more people (and 2+ photos each) before trusting the threshold")
    if as_json:
        emit_json({**result.to_json(), **({"plot": plot_path} if plot_path else {})})
    else:
        frr = "n/a" if result.frr_at_threshold is None else f"{result.frr_at_threshold * 100:.2f}%"
        print(f"{result.people} people, {result.templates} templates: threshold {result.threshold:.3f} for FAR "
              f"{target_far:g} (FRR {frr}); open-set threshold {result.threshold_open_set:.3f}")
        if result.eer is not None:
            print(f"equal error rate {result.eer * 100:.2f}% at {result.eer_threshold:.3f}")
        if plot_path:
            print(f"plot: {plot_path}")
    return 0


def cmd_calibrate(ctx: AppContext, args: argparse.Namespace, source: TemplateSource | None = None) -> int:
    """Calibrate on the enrolled gallery of the active embedder (the store unless ``source`` is given)."""
    if source is not None:
        return run_calibrate(source, ctx.embedder_id, args.target_far, args.plot, args.json)
    if hasattr(type(ctx), "store"):  # the composition root builds (and closes) the store
        return run_calibrate(ctx.store.gallery_source, ctx.embedder_id, args.target_far, args.plot,  # type: ignore
                             args.json)
    from kiosk.store import Store  # type: ignore[attr-defined]

    own = Store.open(ctx.database_url, key_file=Path(ctx.config.database.key_file).expanduser()
                     if ctx.config.database.key_file else None)
    try:
        return run_calibrate(own.gallery_source, ctx.embedder_id, args.target_far, args.plot, args.json)
    finally:
        own.close()
