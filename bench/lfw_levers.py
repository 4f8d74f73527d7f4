"""Measure LFW 10-fold accuracy levers for the default models (detector size, keypoint TTA, flip,
interpolation, colour order). Caches detections/embeddings in bench/out/. Run: python bench/lfw_levers.py"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import cv2
import numpy as np

from kiosk.eval.lfw import pick_face, read_pairs, ten_fold
from kiosk.modelzoo import ModelLocator, load_manifest
from kiosk.modelzoo.locate import default_model_dirs
from kiosk.vision.align import arcface_template, similarity_transform
from kiosk.vision.detector import create_detector
from kiosk.vision.embedder import FaceEmbedder
from kiosk.vision.image_io import read_image

SHARED = Path(__file__).resolve().parents[2] / "shared"
ROOT = SHARED / "data/lfw/lfw-deepfunneled"
OUT = Path(__file__).resolve().parent / "out"
OUT.mkdir(exist_ok=True)
FLIP_KPS = [1, 0, 2, 4, 3]  # keypoint order after a horizontal mirror


def main() -> None:
    pairs = read_pairs(SHARED / "data/lfw/pairs.txt", ROOT)
    images = sorted({p.a for p in pairs} | {p.b for p in pairs})
    m = load_manifest()
    loc = ModelLocator(default_model_dirs(str(SHARED / "models")))
    det_ids = sys.argv[1].split(",") if len(sys.argv) > 1 else ["det_500m"]
    sizes = [int(s) for s in sys.argv[2].split(",")] if len(sys.argv) > 2 else [320, 640]
    kps_cache: dict[str, np.ndarray] = {}
    for det_id in det_ids:
        for size in sizes:
            for flipped in (False, True):
                key = f"{det_id}@{size}{'F' if flipped else ''}"
                f = OUT / f"kps_{key}.npy"
                if f.exists():
                    kps_cache[key] = np.load(f)
                    continue
                det = create_detector(loc.resolve(m.get(det_id)), m.get(det_id), size)
                arr = np.full((len(images), 5, 2), np.nan, np.float32)
                t0 = time.time()
                for i, p in enumerate(images):
                    img = read_image(p)
                    if flipped:
                        img = np.ascontiguousarray(img[:, ::-1])
                    d = pick_face(det.detect(img), img.shape[1], img.shape[0])
                    if d is not None:
                        k = d.kps.copy()
                        if flipped:
                            k[:, 0] = img.shape[1] - 1 - k[:, 0]
                            k = k[FLIP_KPS]
                        arr[i] = k
                np.save(f, arr)
                kps_cache[key] = arr
                print(key, "detected in", round(time.time() - t0), "s; no face:", int(np.isnan(arr[:, 0, 0]).sum()),
                      flush=True)
    emb_spec = m.get("mobilefacenet_128d")
    emb = FaceEmbedder(loc.resolve(emb_spec), emb_spec, flip=False)
    index = {p: i for i, p in enumerate(images)}
    labels = np.array([p.same for p in pairs])
    folds = np.array([p.fold for p in pairs])
    ia = np.array([index[p.a] for p in pairs])
    ib = np.array([index[p.b] for p in pairs])
    imgs = [read_image(p) for p in images]
    results = {}

    def run(name: str, kps: np.ndarray, interp: int = cv2.INTER_LINEAR, flip: bool = True, swap: bool = True) -> None:
        tpl = arcface_template(112)
        e = np.zeros((len(images), 128), np.float32)
        emb._swap_rb = swap
        for i, img in enumerate(imgs):
            k = kps[i]
            if np.isnan(k[0, 0]):
                continue
            crop = cv2.warpAffine(img, similarity_transform(k, tpl), (112, 112), flags=interp)
            crops = [crop, np.ascontiguousarray(crop[:, ::-1])] if flip else [crop]
            out = emb.raw_forward(emb.blob(crops))
            v = out.sum(axis=0)
            e[i] = v / np.linalg.norm(v)
        emb._swap_rb = True
        sims = np.einsum("ij,ij->i", e[ia], e[ib])
        acc, std, thr, _ = ten_fold(sims, labels, folds)
        results[name] = (round(acc * 100, 3), round(std * 100, 3), round(thr, 4))
        print(f"{name:40} {acc * 100:.3f} ± {std * 100:.2f}  thr {thr:.3f}", flush=True)

    def fill(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        out = a.copy()
        bad = np.isnan(out[:, 0, 0])
        out[bad] = b[bad]
        return out

    for det_id in det_ids:
        for size in sizes:
            k = kps_cache[f"{det_id}@{size}"]
            kf = kps_cache[f"{det_id}@{size}F"]
            run(f"{det_id}@{size} noflip", k, flip=False)
            run(f"{det_id}@{size} flip", k)
            avg = np.nanmean(np.stack([k, fill(kf, k)]), axis=0)
            run(f"{det_id}@{size} flip + kpsTTA(mirror)", avg)
            run(f"{det_id}@{size} flip + kpsTTA cubic", avg, interp=cv2.INTER_CUBIC)
        if len(sizes) > 1:
            allk = np.stack([fill(kps_cache[f"{det_id}@{s}{f}"], kps_cache[f"{det_id}@{sizes[0]}"])
                             for s in sizes for f in ("", "F")])
            run(f"{det_id}@{'+'.join(map(str, sizes))} flip + kpsTTA all", np.nanmean(allk, axis=0))
    (OUT / "lfw_levers.json").write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
