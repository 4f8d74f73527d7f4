"""Per-stage latency of the pipeline against the raw ONNX Runtime time of the same models."""

from __future__ import annotations

import time
from collections.abc import Callable

import cv2
import numpy as np

from kiosk.vision.pipeline import FacePipeline


def fit_frame(image: np.ndarray, width: int = 640, height: int = 480) -> np.ndarray:
    """``image`` scaled to fit width x height (aspect kept, centred, black bars) like a camera frame."""
    h, w = image.shape[:2]
    s = min(width / w, height / h)
    nw, nh = round(w * s), round(h * s)
    frame = np.zeros((height, width, 3), np.uint8)
    x, y = (width - nw) // 2, (height - nh) // 2
    frame[y : y + nh, x : x + nw] = cv2.resize(image, (nw, nh), interpolation=cv2.INTER_AREA)
    return frame


def _median_ms(fn: Callable[[], object], repeat: int) -> float:
    times = np.empty(repeat)
    for i in range(repeat):
        t0 = time.perf_counter()
        fn()
        times[i] = time.perf_counter() - t0
    return float(np.median(times) * 1000.0)


def bench_pipeline(pipeline: FacePipeline, frame: np.ndarray, repeat: int = 100, warmup: int = 10) -> dict[str, float]:
    """Median ms of detect, refine, align, embed, the whole pipeline, and every network call alone.

    "raw" is the ONNX Runtime time of the network calls the pipeline makes on this frame, run in the
    same order on prepared inputs: the detector on the frame, the detector on the mirrored frame
    (keypoint refinement, when on) and the embedder on the crop and its mirror (flip fusion, when
    on); the overhead ratio is what the code around those calls costs. Stages are interleaved round
    by round so a CPU frequency change or a neighbour's load hits every stage alike, and the whole
    pipeline and raw alternate call by call.
    """
    det = pipeline.detector
    emb = pipeline.embedder
    dets = pipeline.detect(frame, max_faces=1)
    if not dets:
        raise ValueError("the benchmark image has no face")
    d = dets[0]
    crop = emb.align(frame, d.kps)
    # Copies: prepare() and blob() return the models' reused buffers.
    det_blob = det.prepare(frame)[0].copy()
    refine_blob = np.ascontiguousarray(det_blob[..., ::-1])  # refinement: the mirrored frame
    flip_crops = [crop, np.ascontiguousarray(crop[:, ::-1])] if emb.flip else [crop]
    emb_blob = emb.blob(flip_crops).copy()

    def raw_sequence() -> None:
        """The pipeline's network calls in its order, on prepared inputs."""
        det.raw_forward(det_blob)
        if pipeline.refine_kps:
            det.raw_forward(refine_blob)
        emb.raw_forward(emb_blob)

    def total() -> None:
        pipeline.process(frame)

    stages: dict[str, Callable[[], object]] = {
        "detect": lambda: pipeline.detect(frame),
        "refine": lambda: pipeline.refined_keypoints(frame, d),
        "align": lambda: emb.align(frame, d.kps),
        "embed": lambda: emb.embed([crop]),
        "raw_detect": lambda: det.raw_forward(det_blob),
        "raw_refine": lambda: det.raw_forward(refine_blob),
        "raw_embed": lambda: emb.raw_forward(emb_blob),
    }
    if not pipeline.refine_kps:
        del stages["refine"], stages["raw_refine"]
    for _ in range(warmup):
        for fn in (*stages.values(), total, raw_sequence):
            fn()
    samples: dict[str, list[float]] = {k: [] for k in stages}
    paired: dict[str, list[float]] = {"total": [], "raw": []}
    rounds = max(1, repeat // 10)
    for _ in range(10):
        for name, fn in stages.items():
            samples[name].append(_median_ms(fn, rounds))
        # The overhead ratio compares the whole pipeline with the same network calls alone, run
        # alternately call by call (order swapped every time): a neighbour's load or a CPU frequency
        # change on this shared machine then hits both alike instead of skewing the ratio.
        for i in range(rounds):
            pair = (("total", total), ("raw", raw_sequence))
            for name, fn in pair if i % 2 == 0 else pair[::-1]:
                t0 = time.perf_counter()
                fn()
                paired[name].append((time.perf_counter() - t0) * 1000.0)
    med = {k: float(np.median(v)) for k, v in (samples | paired).items()}
    raw = med["raw"]
    return {
        "detect_ms": round(med["detect"], 3),
        "refine_ms": round(med.get("refine", 0.0), 3),
        "align_ms": round(med["align"], 3),
        "embed_ms": round(med["embed"], 3),
        "total_ms": round(med["total"], 3),
        "raw_detect_ms": round(med["raw_detect"], 3),
        "raw_refine_ms": round(med.get("raw_refine", 0.0), 3),
        "raw_embed_ms": round(med["raw_embed"], 3),
        "raw_ms": round(raw, 3),
        "raw_sum_of_models_ms": round(med["raw_detect"] + med.get("raw_refine", 0.0) + med["raw_embed"], 3),
        "overhead_ratio": round(med["total"] / raw, 4),
    }
