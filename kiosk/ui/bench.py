"""``kiosk bench kiosk``: the real window on a video in real time — decision latency, display fps, UI stalls.

The video plays at its own frame rate through the camera thread into the window, exactly as a camera
would; recognition runs in the background. A 5 ms QTimer heartbeat on the UI thread measures the
longest stall (the time between two beats beyond the 5 ms period). Runs in a throwaway data home, so
the benchmark never writes attendance into a real database.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from kiosk.context import AppContext, Overrides

HEARTBEAT_MS = 5


def bench_kiosk(ctx: AppContext, source: str, enroll: list[str], width: int = 1280, height: int = 720,
                threads: int | None = None) -> dict[str, Any]:
    """Play ``source`` through the kiosk window with ``enroll`` portraits enrolled; return the figures."""
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import Qt, QTimer
    from PySide6.QtWidgets import QApplication

    from kiosk.camera.loop import Frame
    from kiosk.camera.sources import open_source
    from kiosk.ui.app import create_kiosk, freeze_startup_heap

    home = tempfile.mkdtemp(prefix="kiosk-bench-")
    o = ctx.overrides
    bctx = AppContext(Overrides(home=home, model_dir=o.model_dir, pack=o.pack, det_size=o.det_size,
                                threads=threads if threads is not None else o.threads, liveness=o.liveness),
                      config=ctx.config)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    session = bctx.open_session()
    names: dict[int, str] = {}
    for png in enroll:
        # Through the people service, as the admin panel enrolls: the store and this session's gallery.
        shots, rejected = bctx.enroller.shots_from_images([png])
        if not shots:
            raise ValueError(f"{png}: no face to enroll ({rejected[0].reason if rejected else 'unreadable'})")
        name = Path(png).stem
        pid = bctx.people.enroll(name, shots, allow_duplicate=True, actor="bench").person_id
        names[pid] = name
    frame_source = open_source(source, bctx.config.camera)
    window = create_kiosk(bctx, session, frame_source, fullscreen=False, pace=True, at_end="stop")
    captured: dict[int, float] = {}
    camera = window.camera
    assert camera is not None and window.runner is not None
    sink = camera.frame_sink

    def record_capture(frame: Frame) -> None:
        captured[frame.index] = frame.captured_at
        sink(frame)  # type: ignore[misc]

    camera.frame_sink = record_capture
    arrivals: list[tuple[Any, float]] = []
    window.greeted.connect(lambda g: arrivals.append((g, time.monotonic())))
    spoofs: list[Any] = []
    window.spoof_seen.connect(spoofs.append)

    gaps: list[float] = []
    last = [0.0]

    def beat() -> None:
        now = time.perf_counter()
        if last[0]:
            gaps.append((now - last[0]) * 1000.0 - HEARTBEAT_MS)
        last[0] = now

    heartbeat = QTimer()
    heartbeat.setTimerType(Qt.TimerType.PreciseTimer)
    heartbeat.timeout.connect(beat)
    window.resize(width, height)
    window.show()
    ended = [False]
    camera.stream_ended.connect(lambda: ended.__setitem__(0, True))
    camera.finished.connect(lambda: QTimer.singleShot(500, app.quit))
    window.start()
    freeze_startup_heap()
    # Warm-up (first inference, first paints) is part of the run; the heartbeat starts with the video.
    heartbeat.start(HEARTBEAT_MS)
    t0 = time.monotonic()
    app.exec()
    wall = time.monotonic() - t0
    heartbeat.stop()
    window.shutdown()
    runner = window.runner
    fps = frame_source.fps
    decisions = []
    for g, arrived in arrivals:
        first_index = round((g.video_time_s - g.latency_s) * fps)
        first_capture = captured.get(first_index)
        decisions.append({
            "name": g.name, "recorded": g.recorded, "kind": g.kind, "similarity": round(g.similarity, 4),
            "frame": g.frame_index, "latency_video_s": round(g.latency_s, 3),
            # from the moment the track's first frame was captured to the greeting on screen
            "latency_wall_s": round(arrived - first_capture, 3) if first_capture is not None else None,
        })
    stalls = sorted(gaps)
    view = window.view
    span = view.last_frame_at - view.first_frame_at
    result = {
        "source": source,
        "ended": ended[0],
        "wall_s": round(wall, 2),
        "frames_read": camera.frames_read,
        "frames_shown": window.view.frames_shown,
        # frames painted per second between the first and the last picture (startup and shutdown excluded)
        "display_fps": round((view.frames_shown - 1) / span, 2) if span > 0 else 0.0,
        "source_fps": round(fps, 2),
        "recognised_frames": runner.worker.processed,
        "recognition_fps": round(runner.worker.processed / wall, 2) if wall > 0 else 0.0,
        "dropped_for_recognition": runner.worker.dropped,
        "max_pending": runner.max_pending,
        "ui_max_stall_ms": round(stalls[-1], 1) if stalls else None,
        "ui_p99_stall_ms": round(stalls[int(0.99 * (len(stalls) - 1))], 1) if stalls else None,
        "ui_median_beat_ms": round(statistics.median(gaps) + HEARTBEAT_MS, 2) if gaps else None,
        "ui_beats": len(gaps),
        "decisions": decisions,
        "checkins": sum(1 for d in decisions if d["recorded"]),
        "liveness": session.recognizer.liveness.mode if session.recognizer.liveness is not None else "off",
        "spoofs": [sf.to_json() for sf in spoofs],
        "enrolled": list(names.values()),
        "threads": bctx.overrides.threads if bctx.overrides.threads is not None else bctx.config.models.threads,
        "cpus": os.cpu_count(),
        "load_avg_1m": round(os.getloadavg()[0], 2) if hasattr(os, "getloadavg") else None,
    }
    bctx.close()
    return result
