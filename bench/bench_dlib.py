"""Embedding time per face of dlib's ResNet: converted ONNX (ONNX Runtime) vs dlib's own runtime.

    PYTHONPATH=. python bench/bench_dlib.py [--threads 2] [--repeats 30] [--dlib]

Times the network alone on a prepared 150x150 chip (batch 1, and batch 8 per face), plus the
kiosk's full embed() (alignment excluded, flip fusion on = two network passes per face). Median
and best of ``--repeats``; other processes sharing the CPU inflate the median, the best is the
machine's floor. ``--dlib`` also times dlib's compute_face_descriptor (needs dlib-bin).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kiosk.modelzoo.dlib_convert import default_dat_path, ensure_dlib_onnx  # noqa: E402
from kiosk.modelzoo.manifest import load_manifest  # noqa: E402
from kiosk.vision.embedder import FaceEmbedder  # noqa: E402
from kiosk.vision.image_io import read_image  # noqa: E402


def timed(fn: Callable[[], object], repeats: int, per: int = 1) -> tuple[float, float]:
    """(median, best) milliseconds per item of ``fn()`` handling ``per`` items."""
    fn()  # warm-up
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000 / per)
    return statistics.median(times), min(times)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--repeats", type=int, default=30)
    ap.add_argument("--dlib", action="store_true", help="also time dlib's own runtime")
    args = ap.parse_args()

    cache = Path(tempfile.mkdtemp(prefix="bench-dlib-"))
    t = time.perf_counter()
    onnx_path = ensure_dlib_onnx(cache)
    print(f"conversion: {time.perf_counter() - t:.2f} s ({onnx_path.stat().st_size / 1e6:.1f} MB)")
    spec = load_manifest().get("dlib_resnet_v1")
    emb = FaceEmbedder(onnx_path, spec, threads=args.threads, flip=False)
    emb_flip = FaceEmbedder(onnx_path, spec, threads=args.threads, flip=True)
    img = read_image(ROOT.parent / "shared" / "data" / "faces" / "examples" / "obama.jpg"
                     if (ROOT.parent / "shared").is_dir() else "/work/shared/data/faces/examples/obama.jpg")
    kps = np.array([[340, 400], [560, 400], [450, 530], [360, 640], [540, 640]], np.float64)
    chip = emb.align(img, kps)
    blob1 = emb.blob([chip])
    blob8 = emb.blob([chip] * 8)
    print(f"ONNX Runtime, {args.threads} threads, {os.cpu_count()} cores visible:")
    med, best = timed(lambda: emb.raw_forward(blob1), args.repeats)
    print(f"  network, batch 1:          median {med:6.1f} ms/face, best {best:6.1f}")
    med, best = timed(lambda: emb.raw_forward(blob8), max(3, args.repeats // 4), per=8)
    print(f"  network, batch 8:          median {med:6.1f} ms/face, best {best:6.1f}")
    med, best = timed(lambda: emb.embed([chip]), args.repeats)
    print(f"  embed(), no flip:          median {med:6.1f} ms/face, best {best:6.1f}")
    med, best = timed(lambda: emb_flip.embed([chip]), args.repeats)
    print(f"  embed(), flip fusion:      median {med:6.1f} ms/face, best {best:6.1f}")
    med, best = timed(lambda: emb.align(img, kps), args.repeats)
    print(f"  dlib150 alignment:         median {med:6.1f} ms/face, best {best:6.1f}")
    if args.dlib:
        import dlib

        facerec = dlib.face_recognition_model_v1(str(default_dat_path()))
        rgb = np.ascontiguousarray(chip[:, :, ::-1])
        med, best = timed(lambda: facerec.compute_face_descriptor(rgb), max(5, args.repeats // 3))
        print(f"dlib compute_face_descriptor: median {med:6.1f} ms/face, best {best:6.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
