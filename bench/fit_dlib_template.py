"""Fit the "dlib150" alignment template: where OUR detector's five keypoints land in dlib's face chip.

dlib's face descriptor was trained on chips from ``get_face_chip_details(shape, 150, 0.25)``, whose
five landmarks are dlib's own (eye corners and the base of the nose, from the 5-point shape
predictor). The kiosk has no dlib at run time; its detector (YuNet / SCRFD) gives eye centres, nose
tip and mouth corners instead. So, on real LFW faces, this one-off script

1. runs dlib (HOG detector + 5-point predictor, as dlib's own examples) and computes the exact
   image -> chip affine map that ``extract_image_chip`` uses for the 150x150 chip with padding 0.25;
2. runs the kiosk's detector (yunet_2023mar) on the same image and maps its five keypoints through
   that affine map into chip coordinates;
3. averages them: the template. A similarity fit of our keypoints onto it reproduces dlib's chip.

It also reports how closely that reproduces dlib's chips (chip-corner displacement, pixel error)
and checks the affine map against ``dlib.get_face_chip`` itself.

    PYTHONPATH=. python bench/fit_dlib_template.py [--images 1500]

Figures of the run behind kiosk.vision.align.DLIB_150: bench/DLIB.md.

dlib-bin (the test extra) is needed for this script only, never by the kiosk.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path

import cv2
import numpy as np

SHAPE_5 = "shape_predictor_5_face_landmarks.dat"  # dlib's 5-point model, beside the ResNet .dat
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kiosk.modelzoo.dlib_convert import default_dat_path  # noqa: E402
from kiosk.modelzoo.locate import ModelLocator, default_model_dirs  # noqa: E402
from kiosk.modelzoo.manifest import load_manifest  # noqa: E402
from kiosk.vision.align import similarity_transform  # noqa: E402
from kiosk.vision.detector import create_detector  # noqa: E402

LFW = Path("/work/shared/data/lfw/lfw-deepfunneled")
SIZE, PADDING = 150, 0.25


def dlib_chip_map(chip: object) -> np.ndarray:
    """The 2x3 image -> chip affine map dlib's extract_image_chips uses (no pyramid level).

    dlib maps the chip's corners (0,0), (cols-1,0), (0,rows-1) onto the chip rectangle's corners
    rotated by ``angle`` about its centre (interpolation.h, extract_image_chips).
    """
    r = chip.rect  # type: ignore[attr-defined]
    left, top, right, bottom = r.left(), r.top(), r.right(), r.bottom()
    cx, cy = (left + right) / 2.0, (top + bottom) / 2.0
    ca, sa = math.cos(chip.angle), math.sin(chip.angle)  # type: ignore[attr-defined]

    def rot(x: float, y: float) -> tuple[float, float]:
        dx, dy = x - cx, y - cy
        return cx + ca * dx - sa * dy, cy + sa * dx + ca * dy

    img_pts = np.array([rot(left, top), rot(right, top), rot(left, bottom)], np.float64)
    chip_pts = np.array([[0, 0], [chip.cols - 1, 0], [0, chip.rows - 1]], np.float64)  # type: ignore[attr-defined]
    return cv2.getAffineTransform(img_pts.astype(np.float32), chip_pts.astype(np.float32)).astype(np.float64)


def apply(m: np.ndarray, pts: np.ndarray) -> np.ndarray:
    """Apply a 2x3 affine map to (n, 2) points."""
    return pts @ m[:, :2].T + m[:, 2]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--images", type=int, default=1500, help="LFW images (one per person, sorted)")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "dlib_template_fit.npz")
    args = ap.parse_args()

    import dlib
    hog = dlib.get_frontal_face_detector()
    sp = dlib.shape_predictor(str(default_dat_path().with_name(SHAPE_5)))
    manifest = load_manifest()
    locator = ModelLocator(default_model_dirs("/work/shared/models"))
    spec = manifest.get("yunet_2023mar")
    det = create_detector(locator.resolve(spec), spec, 640)

    people = sorted(p for p in LFW.iterdir() if p.is_dir())[: args.images]
    files = [sorted(p.glob("*.jpg"))[0] for p in people]
    mapped, kps_all, maps, skipped = [], [], [], 0
    pix_err = []
    t0 = time.time()
    for i, f in enumerate(files):
        bgr = cv2.imread(str(f))
        rgb = np.ascontiguousarray(bgr[:, :, ::-1])
        h, w = bgr.shape[:2]
        centre = np.array([w / 2, h / 2])
        rects = hog(rgb, 1)
        dets = det.detect(bgr)
        if not rects or not dets:
            skipped += 1
            continue
        # LFW centres the labelled face: take the face nearest the centre from both detectors.
        rect = min(rects, key=lambda r: np.hypot(r.center().x - centre[0], r.center().y - centre[1]))
        ours = min(dets, key=lambda d: np.linalg.norm(d.kps.mean(0) - centre))
        shape = sp(rgb, rect)
        chip = dlib.get_face_chip_details(shape, SIZE, PADDING)
        m = dlib_chip_map(chip)
        q = apply(m, ours.kps.astype(np.float64))
        # Sanity: our detector's eyes must land near dlib's eye region, else the two found
        # different faces.
        if not (20 < q[0, 0] < 75 < q[1, 0] < 130 and 20 < q[0, 1] < 100):
            skipped += 1
            continue
        if i < 40:  # the map reproduces dlib's own chip (up to interpolation rounding)
            ref = np.asarray(dlib.get_face_chip(rgb, shape, size=SIZE, padding=PADDING), np.float32)
            mine = cv2.warpAffine(rgb, m, (SIZE, SIZE), flags=cv2.INTER_LINEAR)
            pix_err.append(float(np.abs(ref - mine.astype(np.float32))[4:-4, 4:-4].mean()))
        mapped.append(q)
        kps_all.append(ours.kps.astype(np.float64))
        maps.append(m)
    mapped_a = np.array(mapped)
    n = len(mapped_a)
    print(f"{n} faces used, {skipped} skipped, {time.time() - t0:.0f} s")
    print(f"dlib map vs dlib.get_face_chip: mean abs pixel difference {np.mean(pix_err):.3f} (0..255)")

    variants = {"mean": mapped_a.mean(0), "median": np.median(mapped_a, 0)}
    # Trimmed mean: drop the 10 % of faces whose keypoints sit furthest from the mean.
    dev = np.linalg.norm(mapped_a - variants["mean"], axis=2).mean(1)
    keep = dev <= np.quantile(dev, 0.9)
    variants["trimmed"] = mapped_a[keep].mean(0)
    std = mapped_a.std(0)
    print("per-keypoint spread (std, chip px):", np.round(std, 2).tolist())

    for name, tpl in variants.items():
        print(f"\n{name} template (150x150 chip, padding 0.25):")
        print(np.array2string(tpl, precision=4, separator=", "))
    # How closely a similarity fit of our keypoints onto the template reproduces dlib's chip: the
    # chip's corners and centre, mapped back to the image by dlib's map and forward by ours.
    corners = np.array([[0, 0], [SIZE - 1, 0], [0, SIZE - 1], [SIZE - 1, SIZE - 1], [74.5, 74.5]], float)
    weightings = {
        "all five equal": [1, 1, 1, 1, 1],
        "mouth x0.5": [1, 1, 1, 0.5, 0.5],
        "mouth x0.25": [1, 1, 1, 0.25, 0.25],
        "nose x0.5 mouth x0.25": [1, 1, 0.5, 0.25, 0.25],
        "eyes + nose only": [1, 1, 1, 0, 0],
    }
    print("\nchip displacement vs dlib's own chip (chip px: mean / median / 95th pct):")
    for name, tpl in variants.items():
        for wname, wts in weightings.items():
            disp = []
            for k, m in zip(kps_all, maps, strict=True):
                ours = similarity_transform(k, tpl, np.asarray(wts, float))
                img_pts = apply(cv2.invertAffineTransform(m), corners)
                disp.append(np.linalg.norm(apply(ours, img_pts) - corners, axis=1).mean())
            d = np.array(disp)
            q95 = np.quantile(d, 0.95)
            print(f"  {name:8s} {wname:24s} {d.mean():5.2f} / {np.median(d):5.2f} / {q95:5.2f}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    np.savez(args.out, mapped=mapped_a, kps=np.array(kps_all), maps=np.array(maps), **variants)
    print(f"\nsaved {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
