"""Guided enrollment speed: the clip played in real time, the newest frame analysed as soon as the
previous analysis ends (what EnrollWorker does). Reports the analysis rate and latency and how long
after the first usable frame (one person, close enough, facing the camera, lit, still) the 3rd and
5th shots are taken. Usage:
    python bench/enroll_capture.py [VIDEO] [REPEATS]
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from pathlib import Path

import cv2

from kiosk.admin.capture import CaptureRules, Hint, ShotCollector
from kiosk.context import AppContext, Overrides

SHARED = Path(os.environ.get("KIOSK_SHARED") or Path(__file__).resolve().parents[2] / "shared")


def run_once(ctx: AppContext, video: Path) -> dict[str, float | int | None]:
    cap = cv2.VideoCapture(str(video))
    fps = cap.get(cv2.CAP_PROP_FPS) or 30.0
    frames = []
    while True:
        ok, f = cap.read()
        if not ok:
            break
        frames.append(f)
    cap.release()
    rules = CaptureRules()
    c = ShotCollector(ctx.pipeline, ctx.threshold, rules)
    t0 = time.monotonic()
    latencies, first_face, shot_times = [], None, []
    last = -1
    while True:
        now = time.monotonic() - t0
        i = int(now * fps)  # the newest frame "the camera" has delivered by now
        if i >= len(frames) or c.done:
            break
        if i == last:  # nothing new yet: the worker sleeps until the next frame
            time.sleep(max(0.0, (i + 1) / fps - now))
            continue
        last = i
        s = time.monotonic()
        a = c.analyse(frames[i])
        latencies.append(time.monotonic() - s)
        if first_face is None and a.hint in (Hint.GOOD, Hint.SHOT):
            first_face = i / fps  # the first frame good enough for a shot
        if a.shot is not None:
            shot_times.append(i / fps)

    def after(n: int) -> float | None:
        return round(shot_times[n - 1] - (first_face or 0.0), 2) if len(shot_times) >= n else None
    return {"analysed": len(latencies), "analysis_fps": round(len(latencies) / max(1e-9, now), 1),
            "latency_ms_median": round(1000 * statistics.median(latencies), 1),
            "latency_ms_max": round(1000 * max(latencies), 1), "shots": len(shot_times),
            "first_usable_s": first_face, "s_to_min_shots": after(rules.min_shots),
            "s_to_max_shots": after(rules.max_shots)}


def main() -> None:
    video = Path(sys.argv[1]) if len(sys.argv) > 1 else SHARED / "data" / "video" / "short_hamilton_clip.mp4"
    repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    ctx = AppContext(Overrides(model_dir=str(SHARED / "models")))
    ctx.pipeline.process(cv2.imread(str(SHARED / "data" / "faces" / "examples" / "obama.jpg")))  # warm up
    for _ in range(repeats):
        print(json.dumps(run_once(ctx, video)))


if __name__ == "__main__":
    main()
