"""Choose the detector input size: small-face recall vs speed on 640x480 frames.

LFW faces (~110 px wide in the 250 px deep-funneled images) are scaled to a target face width and
pasted at a random place in a 640x480 frame built from a blurred, tiled LFW background. Recall = the
frame yields a detection whose centre lies within the pasted face. Usage:
    python bench/det_size.py [N_IMAGES] [DETECTOR]
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import cv2
import numpy as np

from kiosk.modelzoo import ModelLocator, load_manifest
from kiosk.modelzoo.locate import default_model_dirs
from kiosk.vision.detector import create_detector
from kiosk.vision.image_io import read_image

SHARED = Path(__file__).resolve().parents[2] / "shared"
FACE_FRACTION = 110 / 250  # face width / LFW image width


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 150
    det_id = sys.argv[2] if len(sys.argv) > 2 else "det_500m"
    rng = np.random.default_rng(0)
    root = SHARED / "data/lfw/lfw-deepfunneled"
    people = sorted(p for p in root.iterdir() if p.is_dir())
    picks = [sorted(people[i].iterdir())[0] for i in rng.choice(len(people), n, replace=False)]
    bg = cv2.GaussianBlur(cv2.resize(read_image(picks[0]), (640, 480)), (0, 0), 25)
    m = load_manifest()
    loc = ModelLocator(default_model_dirs(str(SHARED / "models")))
    spec = m.get(det_id)
    face_widths = [20, 28, 40, 56, 80, 120]
    sizes = [320, 416, 480, 640]
    results: dict[str, dict[str, float]] = {}
    for size in sizes:
        det = create_detector(loc.resolve(spec), spec, size)
        row: dict[str, float] = {}
        times = []
        for fw in face_widths:
            hits = 0
            for i, path in enumerate(picks):
                img = read_image(path)
                s = fw / (FACE_FRACTION * img.shape[1])
                small = cv2.resize(img, None, fx=s, fy=s, interpolation=cv2.INTER_AREA)
                frame = bg.copy()
                r = np.random.default_rng(i)
                x = int(r.integers(0, 640 - small.shape[1]))
                y = int(r.integers(0, 480 - small.shape[0]))
                frame[y : y + small.shape[0], x : x + small.shape[1]] = small
                cx, cy = x + small.shape[1] / 2, y + small.shape[0] / 2
                t0 = time.perf_counter()
                dets = det.detect(frame)
                times.append(time.perf_counter() - t0)
                half = fw * 0.6
                hits += any(abs((d.box[0] + d.box[2]) / 2 - cx) < half and abs((d.box[1] + d.box[3]) / 2 - cy) < half
                            for d in dets)
            row[f"recall@{fw}px"] = round(hits / len(picks), 3)
        row["median_ms_640x480"] = round(float(np.median(times)) * 1000, 2)
        results[str(size)] = row
        print(size, row, flush=True)
    out = Path(__file__).resolve().parent / "out"
    out.mkdir(exist_ok=True)
    (out / f"det_size_{det_id}.json").write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
