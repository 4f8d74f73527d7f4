"""Minimal LFW 10-fold verification accuracy for a detector + embedder, with alignment variants.

Standard "View 2" protocol: pairs.txt holds 10 folds of 300 same-person and 300 different-person
pairs; for each fold the cosine threshold is the one with the best accuracy on the other nine,
then accuracy is measured on the held-out fold. Reports mean ± std over the folds and the mean
threshold.

Detections (the face nearest the image centre, as LFW centres the labelled face) are cached in
an .npz so that alignment variants only cost alignment + embedding.

    PYTHONPATH=. python bench/lfw_eval.py --embedder dlib_resnet_v1 --variants dlib150
    PYTHONPATH=. python bench/lfw_eval.py --variants dlib150 mean5 eyesnose --dlib-native

``--dlib-native`` also scores dlib's own alignment (HOG detector + 5-point predictor +
get_face_chip) through the same ONNX network: the ceiling for the converted model (needs dlib-bin).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

SHAPE_5 = "shape_predictor_5_face_landmarks.dat"  # dlib's 5-point model, beside the ResNet .dat
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kiosk.modelzoo.dlib_convert import default_dat_path  # noqa: E402
from kiosk.modelzoo.locate import ModelLocator, default_model_dirs  # noqa: E402
from kiosk.modelzoo.manifest import load_manifest  # noqa: E402
from kiosk.vision.align import ALIGNERS, similarity_transform, warp_face  # noqa: E402
from kiosk.vision.image_io import read_image  # noqa: E402
from kiosk.vision.pipeline import FacePipeline, PipelineOptions  # noqa: E402

LFW = Path("/work/shared/data/lfw")


def read_pairs(path: Path) -> tuple[list[tuple[str, str, bool]], np.ndarray]:
    """(image a, image b, same person) and the fold index of each pair."""
    lines = path.read_text().split("\n")
    n_folds, per = (int(x) for x in lines[0].split())
    pairs, folds = [], []

    def img(name: str, idx: str) -> str:
        return f"{name}/{name}_{int(idx):04d}.jpg"

    row = 1
    for fold in range(n_folds):
        for _ in range(per):
            name, a, b = lines[row].split("\t")
            pairs.append((img(name, a), img(name, b), True))
            folds.append(fold)
            row += 1
        for _ in range(per):
            n1, a, n2, b = lines[row].split("\t")
            pairs.append((img(n1, a), img(n2, b), False))
            folds.append(fold)
            row += 1
    return pairs, np.array(folds)


def ten_fold(scores: np.ndarray, same: np.ndarray, folds: np.ndarray) -> tuple[float, float, float]:
    """Mean accuracy, its std over folds, and the mean chosen threshold."""
    grid = np.linspace(-1, 1, 4001)
    accs, ths = [], []
    for f in np.unique(folds):
        train, test = folds != f, folds == f
        acc_train = [((scores[train] >= t) == same[train]).mean() for t in grid]
        # the middle of the best plateau, not its first point
        best = np.flatnonzero(np.isclose(acc_train, np.max(acc_train)))
        t = float(grid[best[len(best) // 2]])
        ths.append(t)
        accs.append(((scores[test] >= t) == same[test]).mean())
    return float(np.mean(accs)), float(np.std(accs)), float(np.mean(ths))


def detect_all(pipe: FacePipeline, images: list[str], cache: Path) -> dict[str, np.ndarray]:
    """Five keypoints of the face nearest the centre of each image (cached)."""
    if cache.is_file():
        data = np.load(cache, allow_pickle=False)
        names, kps = list(data["names"]), data["kps"]
        got = dict(zip(names, kps, strict=True))
        if all(i in got for i in images):
            return got
    out: dict[str, np.ndarray] = {}
    missing = 0
    t0 = time.time()
    for n, rel in enumerate(images):
        img = read_image(LFW / "lfw-deepfunneled" / rel)
        h, w = img.shape[:2]
        dets = pipe.detect(img)
        if not dets:
            missing += 1
            out[rel] = np.full((5, 2), np.nan, np.float32)
            continue
        centre = np.array([w / 2, h / 2])
        best = min(dets, key=lambda d: np.linalg.norm(d.kps.mean(0) - centre))
        out[rel] = best.kps.astype(np.float32)
        if n % 1000 == 0:
            print(f"  detect {n}/{len(images)} {time.time() - t0:.0f} s", file=sys.stderr)
    print(f"detections: {len(images) - missing}/{len(images)} images have a face", file=sys.stderr)
    # No face: fall back to the mean keypoints of the others (LFW faces sit in the same place).
    mean = np.nanmean(np.array(list(out.values())), axis=0)
    for k, v in out.items():
        if np.isnan(v).any():
            out[k] = mean
    np.savez(cache, names=np.array(list(out)), kps=np.array(list(out.values())))
    return out


def variant_aligner(name: str, fit: Path) -> object:
    """Registered aligners by name, or a template variant from the fit file ('mean5' etc.)."""
    if name in ALIGNERS:
        return ALIGNERS[name]
    import cv2

    data = np.load(fit)
    tpl_name, _, rest = name.partition(":")
    wname, _, reg = rest.partition(":")
    weights = {
        "": None, "m05": np.array([1, 1, 1, 0.5, 0.5]), "m025": np.array([1, 1, 1, 0.25, 0.25]),
        "n05m025": np.array([1, 1, 0.5, 0.25, 0.25]), "eyesnose": np.array([1, 1, 1, 0, 0]),
    }[wname]
    tpl = data[tpl_name]
    correct = _pose_correction(data, tpl, weights) if reg == "reg" else None

    def align(image: np.ndarray, kps: np.ndarray, size: int) -> np.ndarray:
        t = tpl * (size / 150.0)
        if weights is None and correct is None:
            return warp_face(image, kps, t, size)
        m = similarity_transform(kps, t, weights)
        if correct is not None:
            m = correct(kps, m)
        return cv2.warpAffine(image, m, (size, size), flags=cv2.INTER_LINEAR)

    return align


def _pose_correction(data: np.lib.npyio.NpzFile, tpl: np.ndarray, weights: np.ndarray | None,
                     lam: float = 10.0) -> object:
    """Experimental: a linear (ridge) prediction of dlib's chip from our keypoints' residuals.

    After the similarity fit S onto the template, the keypoints' leftover offsets (head pose,
    expression) predict how dlib's chip differs from S: a small similarity C about the chip
    centre, learnt on the fit set. The chip is then C o S.
    """
    c = np.array([74.5, 74.5])

    def h(m: np.ndarray) -> np.ndarray:
        out = np.eye(3)
        out[:2] = m
        return out

    xs, ys = [], []
    for k, dmap in zip(data["kps"], data["maps"], strict=True):
        s = similarity_transform(k, tpl, weights)
        cm = h(dmap) @ np.linalg.inv(h(s))
        b = cm[:2, :2]
        a_, b_ = (b[0, 0] + b[1, 1]) / 2, (b[1, 0] - b[0, 1]) / 2
        t = cm[:2, 2] + b @ c - c
        xs.append((k @ s[:, :2].T + s[:, 2] - tpl).ravel())
        ys.append([a_ - 1, b_, t[0], t[1]])
    x, y = np.array(xs), np.array(ys)
    xm, ym = x.mean(0), y.mean(0)
    xc = x - xm
    w = np.linalg.solve(xc.T @ xc + lam * np.eye(x.shape[1]), xc.T @ (y - ym))

    def correct(kps: np.ndarray, s: np.ndarray) -> np.ndarray:
        r = (kps @ s[:, :2].T + s[:, 2] - tpl).ravel()
        a_, b_, tx, ty = (r - xm) @ w + ym
        b = np.array([[1 + a_, -b_], [b_, 1 + a_]])
        cm = np.eye(3)
        cm[:2, :2] = b
        cm[:2, 2] = c + np.array([tx, ty]) - b @ c
        return (cm @ h(s))[:2]

    return correct


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--detector", default="yunet_2023mar")
    ap.add_argument("--embedder", default="dlib_resnet_v1")
    ap.add_argument("--variants", nargs="*", default=[], help="aligner names or FIT_TEMPLATE[:WEIGHTS]")
    ap.add_argument("--fit", type=Path, default=ROOT / "bench" / "out" / "dlib_template_fit.npz")
    ap.add_argument("--no-flip", action="store_true", help="no mirrored-crop fusion")
    ap.add_argument("--dlib-native", action="store_true", help="also score dlib's own alignment")
    ap.add_argument("--cache", type=Path, default=Path("/tmp/lfw_kps_cache.npz"))
    args = ap.parse_args()

    pairs, folds = read_pairs(LFW / "pairs.txt")
    same = np.array([p[2] for p in pairs])
    images = sorted({p[0] for p in pairs} | {p[1] for p in pairs})
    manifest = load_manifest()
    locator = ModelLocator(default_model_dirs("/work/shared/models"))
    pipe = FacePipeline.build(manifest, locator, PipelineOptions(detector=args.detector,
                                                                  embedder=args.embedder,
                                                                  flip=not args.no_flip))
    emb = pipe.embedder
    kps = detect_all(pipe, images, args.cache.with_name(f"{args.cache.stem}_{args.detector}.npz"))
    variants = list(args.variants) or [emb.spec.alignment]
    results = {}
    for name in variants:
        align = variant_aligner(name, args.fit)
        t0 = time.time()
        vecs: dict[str, np.ndarray] = {}
        batch: list[tuple[str, np.ndarray]] = []

        def flush(batch: list[tuple[str, np.ndarray]] = batch, vecs: dict[str, np.ndarray] = vecs) -> None:
            out = emb.embed([c for _, c in batch])
            for (rel, _), v in zip(batch, out, strict=True):
                vecs[rel] = v
            batch.clear()

        for rel in images:
            img = read_image(LFW / "lfw-deepfunneled" / rel)
            batch.append((rel, align(img, kps[rel], emb.input_size)))
            if len(batch) == 32:
                flush()
        if batch:
            flush()
        scores = np.array([float(vecs[a] @ vecs[b]) for a, b, _ in pairs])
        results[name] = ten_fold(scores, same, folds)
        print(f"{name}: {results[name][0] * 100:.2f} % ± {results[name][1] * 100:.2f}, "
              f"threshold {results[name][2]:.3f}, mean cos same {scores[same].mean():.3f} "
              f"diff {scores[~same].mean():.3f} ({time.time() - t0:.0f} s)", flush=True)
    if args.dlib_native:
        import dlib
        hog = dlib.get_frontal_face_detector()
        sp = dlib.shape_predictor(str(default_dat_path().with_name(SHAPE_5)))
        vecs = {}
        fallback = 0
        for rel in images:
            rgb = dlib.load_rgb_image(str(LFW / "lfw-deepfunneled" / rel))
            rects = hog(rgb, 1)
            if rects:
                rect = min(rects, key=lambda r: abs(r.center().x - 125) + abs(r.center().y - 125))
            else:  # dlib finds no face: use the central box LFW's faces occupy
                fallback += 1
                rect = dlib.rectangle(70, 70, 180, 180)
            chip = dlib.get_face_chip(rgb, sp(rgb, rect), size=150, padding=0.25)
            vecs[rel] = emb.embed([np.ascontiguousarray(chip[:, :, ::-1])])[0]
        scores = np.array([float(vecs[a] @ vecs[b]) for a, b, _ in pairs])
        acc = ten_fold(scores, same, folds)
        print(f"dlib-native (HOG + 5-point chips, {fallback} without a HOG face): "
              f"{acc[0] * 100:.2f} % ± {acc[1] * 100:.2f}, threshold {acc[2]:.3f}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
