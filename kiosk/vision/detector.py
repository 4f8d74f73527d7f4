"""Face detectors behind one interface: SCRFD (ONNX Runtime) and YuNet (cv2.FaceDetectorYN)."""

from __future__ import annotations

import math
import weakref
from abc import ABC, abstractmethod
from pathlib import Path

import cv2
import numpy as np

from kiosk.modelzoo.manifest import ModelSpec
from kiosk.vision.blob import BlobWriter
from kiosk.vision.onnx_session import create_session
from kiosk.vision.types import Detection


class FaceDetector(ABC):
    """Finds faces and their five keypoints in an 8-bit BGR image."""

    spec: ModelSpec
    input_size: int
    score_threshold: float

    @abstractmethod
    def detect(self, image: np.ndarray, max_faces: int = 0) -> list[Detection]:
        """Faces in ``image``, best score first; ``max_faces`` > 0 keeps only the largest ones."""

    @abstractmethod
    def raw_forward(self, image: np.ndarray) -> None:
        """Run only the network on an already-prepared input (benchmarks: the model's own time)."""

    @abstractmethod
    def prepare(self, image: np.ndarray) -> object:
        """The network input for ``image`` (benchmarks)."""

    def detect_mirrored(self, image: np.ndarray) -> list[Detection]:
        """Faces found in the horizontal mirror of ``image``, mapped back onto ``image``.

        Boxes and keypoints are in ``image``'s coordinates and the keypoints in the usual order
        (the mirror's left eye is the face's right eye): a second, independent opinion on where the
        landmarks are, for keypoint refinement.
        """
        return unmirror(self.detect(cv2.flip(image, 1)), float(image.shape[1]))


# Keypoint order after a horizontal mirror: the eyes and the mouth corners swap sides.
MIRROR_KPS = np.array([1, 0, 2, 4, 3])


def unmirror(dets: list[Detection], width: float, scale: float = 1.0) -> list[Detection]:
    """Detections made on a horizontally mirrored image of ``width`` pixels, mapped back (and
    divided by ``scale``, the letterbox factor): x becomes width - x, left and right swap."""
    inv = 1.0 / scale
    out = []
    for d in dets:
        kps = d.kps[MIRROR_KPS].astype(np.float32)
        kps[:, 0] = width - kps[:, 0]
        x1, y1, x2, y2 = d.box
        out.append(Detection(box=((width - x2) * inv, y1 * inv, (width - x1) * inv, y2 * inv), score=d.score,
                             kps=kps * inv if scale != 1.0 else kps))
    return out


def nms(boxes: np.ndarray, scores: np.ndarray, iou_threshold: float) -> list[int]:
    """Greedy non-maximum suppression; indices kept, best score first."""
    x1, y1, x2, y2 = boxes[:, 0], boxes[:, 1], boxes[:, 2], boxes[:, 3]
    areas = (x2 - x1 + 1) * (y2 - y1 + 1)
    order = scores.argsort()[::-1]
    keep: list[int] = []
    while order.size > 0:
        i = int(order[0])
        keep.append(i)
        xx1 = np.maximum(x1[i], x1[order[1:]])
        yy1 = np.maximum(y1[i], y1[order[1:]])
        xx2 = np.minimum(x2[i], x2[order[1:]])
        yy2 = np.minimum(y2[i], y2[order[1:]])
        inter = np.maximum(0.0, xx2 - xx1 + 1) * np.maximum(0.0, yy2 - yy1 + 1)
        iou = inter / (areas[i] + areas[order[1:]] - inter)
        order = order[1:][iou <= iou_threshold]
    return keep


def _largest(dets: list[Detection], max_faces: int) -> list[Detection]:
    if max_faces > 0 and len(dets) > max_faces:
        dets = sorted(dets, key=lambda d: d.area, reverse=True)[:max_faces]
    return dets


def anchor_centers(height: int, width: int, stride: int, num_anchors: int) -> np.ndarray:
    """SCRFD anchor centres (x, y) for a feature map, ``num_anchors`` per cell, row-major."""
    ys, xs = np.mgrid[:height, :width]
    centers = np.stack([xs, ys], axis=-1).astype(np.float32).reshape(-1, 2) * stride
    if num_anchors > 1:
        centers = np.repeat(centers, num_anchors, axis=0)
    return centers


def decode_scrfd(
    outputs: list[np.ndarray], in_h: int, in_w: int, score_threshold: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Decode SCRFD's per-stride heads into boxes (N,4), scores (N,) and keypoints (N,5,2).

    Heads are recognised by their last dimension (1 score, 4 box distances, 10 keypoint offsets)
    and ordered by anchor count (stride 8 has the most), so output names do not matter. Only the
    levels with an anchor above ``score_threshold`` are decoded (a frame has few faces).
    """
    by_dim: dict[int, list[np.ndarray]] = {1: [], 4: [], 10: []}
    for out in outputs:
        by_dim.setdefault(out.shape[-1], []).append(out.reshape(-1, out.shape[-1]))
    for dim in (1, 4, 10):
        by_dim[dim].sort(key=lambda a: a.shape[0], reverse=True)
    all_boxes, all_scores, all_kps = [], [], []
    for level, scores in enumerate(by_dim[1]):
        s = scores[:, 0]
        if s.max() < score_threshold:
            continue
        keep = np.flatnonzero(s >= score_threshold)
        stride = 8 << level
        fh, fw = math.ceil(in_h / stride), math.ceil(in_w / stride)
        centers = _centers_cached(fh, fw, stride, scores.shape[0] // (fh * fw))[keep]
        d = by_dim[4][level][keep] * stride
        d[:, :2] = centers - d[:, :2]
        d[:, 2:] += centers
        all_boxes.append(d)
        all_scores.append(s[keep])
        if by_dim[10]:
            k = by_dim[10][level][keep].reshape(-1, 5, 2) * stride
            k += centers[:, None, :]
            all_kps.append(k)
    if not all_scores:
        return np.zeros((0, 4), np.float32), np.zeros((0,), np.float32), np.zeros((0, 5, 2), np.float32)
    boxes = all_boxes[0] if len(all_boxes) == 1 else np.vstack(all_boxes)
    scores = all_scores[0] if len(all_scores) == 1 else np.concatenate(all_scores)
    if not all_kps:
        return boxes, scores, np.zeros((boxes.shape[0], 5, 2), np.float32)
    return boxes, scores, all_kps[0] if len(all_kps) == 1 else np.vstack(all_kps)


_CENTERS: dict[tuple[int, int, int, int], np.ndarray] = {}


def _centers_cached(fh: int, fw: int, stride: int, num_anchors: int) -> np.ndarray:
    key = (fh, fw, stride, num_anchors)
    centers = _CENTERS.get(key)
    if centers is None:
        centers = _CENTERS[key] = anchor_centers(fh, fw, stride, num_anchors)
    return centers


class ScrfdDetector(FaceDetector):
    """SCRFD with keypoints at any input size: the long side scaled to ``input_size``, the short side
    padded to a multiple of 32 (top-left letterbox), so a 640x480 frame runs at exactly 640x480."""

    def __init__(
        self,
        path: Path,
        spec: ModelSpec,
        input_size: int | None = None,
        score_threshold: float = 0.5,
        nms_threshold: float = 0.4,
        threads: int = 0,
    ) -> None:
        self.spec = spec
        self.session = create_session(path, threads)
        self._input_name = self.session.get_inputs()[0].name
        self.input_size = int(input_size or spec.input_size or 640)
        self.score_threshold = score_threshold
        self.nms_threshold = nms_threshold
        self._blob = BlobWriter(spec.mean, spec.std, spec.color)
        self._canvas: np.ndarray | None = None
        # The image whose blob the writer holds (a weak reference: a large photo is not kept alive),
        # its blob and letterbox scale: detect_mirrored() on the same frame flips that blob instead
        # of preparing the frame again.
        self._last: tuple[weakref.ref[np.ndarray], np.ndarray, float] | None = None
        self._mirror: np.ndarray | None = None

    def _geometry(self, h: int, w: int) -> tuple[float, int, int, int, int]:
        scale = self.input_size / max(h, w)
        nh, nw = max(1, round(h * scale)), max(1, round(w * scale))
        return scale, nh, nw, math.ceil(nh / 32) * 32, math.ceil(nw / 32) * 32

    def prepare(self, image: np.ndarray) -> tuple[np.ndarray, float]:
        """Letterbox ``image`` into a reused canvas and write the NCHW float blob (colour swapped and
        mean/std applied in the same pass, so the frame itself is never converted).

        The blob is the detector's reused buffer: valid until the next ``prepare`` of the same size.
        """
        h, w = image.shape[:2]
        scale, nh, nw, in_h, in_w = self._geometry(h, w)
        if nh == in_h and nw == in_w and (nh, nw) == (h, w):
            canvas = image  # already the network's size: no copy at all
        else:
            if self._canvas is None or self._canvas.shape[:2] != (in_h, in_w):
                self._canvas = np.zeros((in_h, in_w, 3), np.uint8)
            canvas = self._canvas
            if (nh, nw) == (h, w):
                canvas[:nh, :nw] = image
            else:  # straight into the canvas: no temporary image
                cv2.resize(image, (nw, nh), dst=canvas[:nh, :nw], interpolation=cv2.INTER_LINEAR)
        blob = self._blob.write((canvas,))
        self._last = (weakref.ref(image), blob, scale)
        return blob, scale

    def raw_forward(self, image: np.ndarray) -> None:
        """Network time only, on a prepared blob."""
        self.session.run(None, {self._input_name: image})

    def detect(self, image: np.ndarray, max_faces: int = 0) -> list[Detection]:
        """Faces in an 8-bit BGR image."""
        blob, scale = self.prepare(image)
        return self._run(blob, scale, max_faces)

    def detect_mirrored(self, image: np.ndarray) -> list[Detection]:
        """Faces of the mirrored image, mapped back (see :meth:`FaceDetector.detect_mirrored`).

        Right after :meth:`detect` of the same frame this costs one network call and a flip of the
        blob already made: the whole letterboxed canvas is mirrored, so every face of the frame gets
        its second opinion from one call.
        """
        last = self._last
        if last is None or last[0]() is not image:
            self.prepare(image)
            last = self._last
        assert last is not None
        _, blob, scale = last
        if self._mirror is None or self._mirror.shape != blob.shape:
            self._mirror = np.empty_like(blob)
        for c in range(blob.shape[1]):
            cv2.flip(blob[0, c], 1, dst=self._mirror[0, c])
        return unmirror(self._run(self._mirror, 1.0, 0), float(blob.shape[3]), scale)

    def _run(self, blob: np.ndarray, scale: float, max_faces: int) -> list[Detection]:
        outputs = self.session.run(None, {self._input_name: blob})
        boxes, scores, kps = decode_scrfd(outputs, blob.shape[2], blob.shape[3], self.score_threshold)
        if scores.size == 0:
            return []
        keep = nms(boxes, scores, self.nms_threshold) if scores.size > 1 else [0]
        inv = 1.0 / scale
        kept_boxes = (boxes[keep].astype(np.float64) * inv).tolist()
        kept_kps = (kps[keep] * inv).astype(np.float32)
        kept_scores = scores[keep].tolist()
        dets = [
            Detection(box=tuple(kept_boxes[j]), score=kept_scores[j], kps=kept_kps[j])  # type: ignore[arg-type]
            for j in range(len(keep))
        ]
        return _largest(dets, max_faces)


class YunetDetector(FaceDetector):
    """YuNet through OpenCV's cv2.FaceDetectorYN (MIT licence), the image scaled to ``input_size``.

    The scaled image and its mirror live in reused buffers (no allocation per frame), and
    :meth:`detect_mirrored` right after :meth:`detect` of the same frame mirrors the small scaled
    image instead of the whole frame.
    """

    def __init__(
        self,
        path: Path,
        spec: ModelSpec,
        input_size: int | None = None,
        score_threshold: float = 0.6,
        nms_threshold: float = 0.3,
        threads: int = 0,
    ) -> None:
        self.spec = spec
        self.input_size = int(input_size or spec.input_size or 640)
        self.score_threshold = score_threshold
        self._det = cv2.FaceDetectorYN.create(str(path), "", (320, 320), score_threshold, nms_threshold, 5000)
        self._size: tuple[int, int] = (320, 320)
        self._resized: np.ndarray | None = None
        self._mirror: np.ndarray | None = None
        # The frame whose scaled copy the buffer holds (weakly: a large photo is not kept alive).
        # None in the middle: the frame itself was the network's size (never hold the frame strongly).
        self._last: tuple[weakref.ref[np.ndarray], np.ndarray | None, float] | None = None

    def prepare(self, image: np.ndarray) -> tuple[np.ndarray, float]:
        """The image scaled so its long side is ``input_size`` (a reused buffer, valid until the next call)."""
        h, w = image.shape[:2]
        scale = self.input_size / max(h, w)
        nw, nh = max(1, round(w * scale)), max(1, round(h * scale))
        if (nw, nh) == (w, h):
            resized = image
        else:
            if self._resized is None or self._resized.shape[:2] != (nh, nw):
                self._resized = np.empty((nh, nw, 3), np.uint8)
            resized = cv2.resize(image, (nw, nh), dst=self._resized)
        if self._size != (nw, nh):
            self._det.setInputSize((nw, nh))
            self._size = (nw, nh)
        self._last = (weakref.ref(image), None if resized is image else resized, scale)
        return resized, scale

    def raw_forward(self, image: np.ndarray) -> None:
        """Network time (OpenCV does its own pre/post-processing inside)."""
        self._det.detect(image)

    def _run(self, resized: np.ndarray, scale: float, max_faces: int) -> list[Detection]:
        _, faces = self._det.detect(resized)
        if faces is None:
            return []
        inv = 1.0 / scale
        dets = []
        for f in faces:
            x, y, w, h = (float(v) * inv for v in f[:4])
            dets.append(
                Detection(
                    box=(x, y, x + w, y + h),
                    score=float(f[14]),
                    kps=(f[4:14].reshape(5, 2) * inv).astype(np.float32),
                )
            )
        dets.sort(key=lambda d: d.score, reverse=True)
        return _largest(dets, max_faces)

    def detect(self, image: np.ndarray, max_faces: int = 0) -> list[Detection]:
        """Faces in an 8-bit BGR image."""
        resized, scale = self.prepare(image)
        return self._run(resized, scale, max_faces)

    def detect_mirrored(self, image: np.ndarray) -> list[Detection]:
        """Faces of the mirrored image, mapped back (see :meth:`FaceDetector.detect_mirrored`)."""
        last = self._last
        if last is None or last[0]() is not image:
            self.prepare(image)
            last = self._last
        assert last is not None
        _, scaled, scale = last
        resized = image if scaled is None else scaled
        if self._mirror is None or self._mirror.shape != resized.shape:
            self._mirror = np.empty_like(resized)
        cv2.flip(resized, 1, dst=self._mirror)
        return unmirror(self._run(self._mirror, 1.0, 0), float(resized.shape[1]), scale)


def create_detector(path: Path, spec: ModelSpec, input_size: int | None = None, threads: int = 0,
                    score_threshold: float | None = None) -> FaceDetector:
    """The detector implementation for a manifest entry."""
    kwargs: dict[str, object] = {"input_size": input_size, "threads": threads}
    if score_threshold is not None:
        kwargs["score_threshold"] = score_threshold
    if spec.family == "scrfd":
        return ScrfdDetector(path, spec, **kwargs)  # type: ignore[arg-type]
    if spec.family == "yunet":
        return YunetDetector(path, spec, **kwargs)  # type: ignore[arg-type]
    raise ValueError(f"{spec.id}: no detector implementation for family '{spec.family}'")
