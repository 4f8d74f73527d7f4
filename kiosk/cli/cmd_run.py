"""``kiosk run``: the kiosk without a window: same pipeline, tracker, votes and attendance, events on stdout."""

from __future__ import annotations

import argparse
import sys
import threading
import time
from typing import TYPE_CHECKING

from kiosk.cli.common import emit_json
from kiosk.context import AppContext

if TYPE_CHECKING:
    from kiosk.attendance.recognizer import Greeting


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``run`` command."""
    p = sub.add_parser("run", help="run the kiosk headless (no window): check-ins as text or JSON lines")
    p.add_argument("--source", help="camera index, video file, rtsp:// or http:// URL, or image folder "
                                    "(default: [camera] source in the config)")
    p.add_argument("--no-gui", action="store_true", help="no window (always the case for `run`; accepted for clarity)")
    p.add_argument("--json", action="store_true", help="one JSON line per event, then a summary line")
    p.add_argument("--exit-at-end", action="store_true",
                   help="stop at the end of a video file or folder (otherwise it starts again)")
    p.add_argument("--max-frames", type=int, default=0, help="stop after this many frames (0 = no limit)")
    p.set_defaults(func=cmd_run)


def _event_json(g: Greeting) -> dict[str, object]:
    return {
        "event": g.kind,
        "person_id": g.person_id,
        "name": g.name,
        "similarity": round(g.similarity, 4),
        "frame": g.frame_index,
        "video_time_s": round(g.video_time_s, 3),
        "latency_s": round(g.latency_s, 3),
        "ts": g.at.isoformat(timespec="seconds"),
    }


# How long `kiosk run --exit-at-end` waits for its outputs to receive what it recorded (the contract):
# what is still pending then stays in the outbox and is sent by the next start.
DRAIN_S = 10.0


def _drain_outputs(ctx: AppContext, at_end: bool) -> int:
    """At the end of a file, give the delivery worker up to DRAIN_S to send; returns messages still pending."""
    if not ctx.config.outputs:
        return 0
    if at_end and not ctx.delivery.drain(DRAIN_S):
        print(f"warning: outputs still had messages pending after {DRAIN_S:.0f} s; the next start sends them",
              file=sys.stderr)
    try:
        return ctx.store.outbox.counts(ctx.kiosk_id)["pending"]
    except Exception:  # the database is gone: the summary still prints
        return -1


def cmd_run(ctx: AppContext, args: argparse.Namespace) -> int:
    """Process the source frame by frame (files: every frame, unpaced, so results are deterministic)."""
    from kiosk.camera.loop import CameraLoop, CameraStatus, Frame
    from kiosk.camera.sources import open_source

    source = open_source(args.source or ctx.config.camera.source, ctx.config.camera)
    session = ctx.open_session()
    recognizer = session.recognizer
    stop = threading.Event()
    counts = {"frames": 0, "checkins": 0, "seen": 0, "spoofs": 0}
    liveness = recognizer.liveness.mode if recognizer.liveness is not None else "off"
    if liveness != "off":
        print(f"liveness: {liveness}", file=sys.stderr)

    def on_frame(frame: Frame) -> None:
        result = recognizer.process(frame.image, frame.index, frame.video_time_s)
        counts["frames"] += 1
        for sf in result.spoofs:  # a photo or a screen: no check-in (audited, snapshot kept)
            counts["spoofs"] += 1
            if args.json:
                emit_json(sf.to_json())
            else:
                who = f" showing {sf.name}" if sf.name else ""
                print(f"presentation attack{who} (track {sf.track_id}, {sf.verdict.reason}, frame {sf.frame_index}): "
                      "not checked in", flush=True)
        for g in result.greetings:
            if g.error:
                print(f"warning: {g.name} recognised but not recorded: {g.error}", file=sys.stderr)
                continue
            if not g.recorded:
                counts["seen"] += 1
                if not args.json:
                    print(f"{g.name}: already recorded at {g.at:%H:%M} (frame {g.frame_index})")
                continue
            counts["checkins"] += 1
            if args.json:
                emit_json(_event_json(g))
            else:
                print(f"{g.at:%H:%M:%S} {g.kind} {g.name} (similarity {g.similarity:.2f}, frame {g.frame_index}, "
                      f"decided in {g.latency_s * 1000:.0f} ms of video)", flush=True)
        if args.max_frames and counts["frames"] >= args.max_frames:
            stop.set()

    def on_status(status: CameraStatus) -> None:
        if status.state == "lost":
            print(f"warning: camera unavailable: {status.detail} (retrying in {status.retry_in_s:.1f} s)",
                  file=sys.stderr)
            recognizer.reset()
        elif status.state == "live" and status.fps == 0.0:
            print(f"camera: {status.source} live", file=sys.stderr)

    loop = CameraLoop(source, on_frame, on_status, pace=False, at_end="stop" if args.exit_at_end else "loop")
    t0 = time.perf_counter()
    try:
        loop.run(stop)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
    finally:
        pending_left = _drain_outputs(ctx, args.exit_at_end)
        ctx.close()
    elapsed = time.perf_counter() - t0
    summary = {"event": "summary", "frames": counts["frames"],
               "fps": round(counts["frames"] / elapsed, 2) if elapsed > 0 else 0.0,
               "checkins": counts["checkins"], "already_recorded": counts["seen"], "kiosk_id": session.kiosk_id,
               "outputs_pending": pending_left}
    if liveness != "off" or counts["spoofs"]:
        summary.update(liveness=liveness, spoofs=counts["spoofs"])
    if args.json:
        emit_json(summary)
    else:
        print(f"{summary['frames']} frames at {summary['fps']} fps, {summary['checkins']} check-ins")
    return 0
