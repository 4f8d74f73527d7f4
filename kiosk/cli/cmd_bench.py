"""``kiosk bench ...``: speed benchmarks (their figures go in notes, never into timed unit tests)."""

from __future__ import annotations

import argparse
from pathlib import Path

from kiosk.cli.cmd_gallery import register_bench
from kiosk.cli.common import emit_json
from kiosk.context import AppContext
from kiosk.errors import KioskError
from kiosk.eval.bench_pipeline import bench_pipeline, fit_frame
from kiosk.paths import repo_root
from kiosk.vision.image_io import read_image


def _default_image() -> str:
    root = repo_root()
    candidates = [Path("../shared/data/faces/examples/obama.jpg")]
    if root is not None:
        candidates.append(root.parent / "shared/data/faces/examples/obama.jpg")
    for c in candidates:
        if c.is_file():
            return str(c)
    return str(candidates[0])


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``bench`` command group."""
    p = sub.add_parser("bench", help="speed benchmarks")
    s = p.add_subparsers(dest="bench_command", metavar="BENCHMARK")
    pipe = s.add_parser("pipeline", help="median ms per stage on a one-face 640x480 frame vs raw ONNX time")
    pipe.add_argument("--image", default=None, help="a one-face image (default: shared obama.jpg)")
    pipe.add_argument("--repeat", type=int, default=400, help="samples per stage (default 400)")
    pipe.add_argument("--json", action="store_true", help="print JSON")
    pipe.set_defaults(func=cmd_pipeline)
    kio = s.add_parser("kiosk", help="the kiosk window on a video in real time: decision latency, display fps, "
                                     "longest UI stall (throwaway database)")
    kio.add_argument("--source", required=True, help="a video file (played at its own frame rate)")
    kio.add_argument("--enroll", action="append", default=[], metavar="PORTRAIT",
                     help="enroll this portrait before playing (repeatable; name = file name)")
    kio.add_argument("--size", default="1280x720", help="window size WxH (default 1280x720)")
    kio.add_argument("--json", action="store_true", help="print JSON")
    kio.set_defaults(func=cmd_kiosk)
    syn = s.add_parser("sync", help="two processes on one database: how soon a running kiosk's gallery shows "
                                    "enrollments, renames, deactivations and deletions made by the other")
    syn.add_argument("--changes", type=int, default=50, help="changes to make (default 50)")
    syn.add_argument("--interval-ms", type=float, default=100.0, help="pause between changes (default 100)")
    syn.add_argument("--database-url", dest="sync_database_url", metavar="URL",
                     help="the database to use (default: a throwaway SQLite file); the benchmark adds and then "
                          "deletes test people there, so use a test database")
    syn.add_argument("--timeout", type=float, default=10.0, help="seconds to wait for the last changes (default 10)")
    syn.add_argument("--writer", action="store_true", help=argparse.SUPPRESS)
    syn.add_argument("--json", action="store_true", help="print JSON")
    syn.set_defaults(func=cmd_sync)
    ev = s.add_parser("events", help="outputs: check-in recorded -> webhook received (p50/p99 on loopback), and a "
                                     "receiver down then up: events lost and duplicated (throwaway database)")
    ev.add_argument("--events", type=int, default=200, help="check-ins per phase (default 200)")
    ev.add_argument("--down-s", type=float, default=5.0, help="how long the receiver is down (default 5 s)")
    ev.add_argument("--json", action="store_true", help="print JSON")
    ev.set_defaults(func=cmd_events)
    register_bench(s)


def cmd_pipeline(ctx: AppContext, args: argparse.Namespace) -> int:
    """Benchmark the pipeline stages."""
    image_path = args.image or _default_image()
    frame = fit_frame(read_image(image_path))
    result = bench_pipeline(ctx.pipeline, frame, repeat=args.repeat)
    info = {"image": image_path, "frame": "640x480", "detector": ctx.detector_id,
            "embedder": ctx.embedder_id, "det_size": ctx.pipeline.detector.input_size,
            "flip": ctx.pipeline.embedder.flip, "refine_kps": ctx.pipeline.refine_kps}
    if args.json:
        emit_json({**result, **info})
    else:
        for k, v in result.items():
            print(f"{k:16} {v}")
    return 0


def cmd_kiosk(ctx: AppContext, args: argparse.Namespace) -> int:
    """Benchmark the running kiosk window on a video."""
    from kiosk.ui.bench import bench_kiosk

    try:
        w, h = (int(v) for v in args.size.lower().split("x"))
    except ValueError:
        raise KioskError(f"--size {args.size!r}: expected WIDTHxHEIGHT, e.g. 1280x720") from None
    result = bench_kiosk(ctx, args.source, args.enroll, w, h)
    if args.json:
        emit_json(result)
    else:
        for k, v in result.items():
            print(f"{k:24} {v}")
    return 0


def cmd_sync(ctx: AppContext, args: argparse.Namespace) -> int:
    """Benchmark how soon a change made by one process shows in another's running gallery."""
    from kiosk.eval.bench_sync import bench_sync, writer_run

    url = args.sync_database_url or ctx.overrides.database_url
    if args.writer:  # the child half (kiosk.eval.bench_sync)
        if not url:
            raise KioskError("bench sync --writer needs --database-url")
        return writer_run(url, args.changes, args.interval_ms / 1000.0)
    if args.changes < 1:
        raise KioskError("--changes must be at least 1")
    result = bench_sync(url, args.changes, args.interval_ms / 1000.0, args.timeout)
    if args.json:
        emit_json(result)
    else:
        for k, v in result.items():
            print(f"{k:16} {v}")
    return 0


def cmd_events(ctx: AppContext, args: argparse.Namespace) -> int:
    """Benchmark the outbox and the webhook output on loopback."""
    from kiosk.outputs.bench import bench_events

    doc = bench_events(events=args.events, down_s=args.down_s)
    if args.json:
        emit_json(doc)
    else:
        lat, out = doc["latency_ms"], doc["outage"]
        print(f"check-in recorded -> webhook received over {doc['events']} events: p50 {lat['p50']} ms, "
              f"p99 {lat['p99']} ms, max {lat['max']} ms")
        print(f"receiver down {out['down_s']} s during {out['events']} events: {out['lost']} lost, "
              f"{out['duplicated']} duplicated, in order: {out['in_order']}, "
              f"all received {out['all_received_after_up_s']} s after it came back")
    return 0
