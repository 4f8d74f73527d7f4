"""Frozen result types of the recognition engine."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True, slots=True, eq=False)
class Detection:
    """A detected face: box (x1, y1, x2, y2) in image pixels, score, five keypoints (5x2).

    Keypoint order: left eye, right eye (as seen in the image), nose tip, left and right mouth corner.
    """

    box: tuple[float, float, float, float]
    score: float
    kps: np.ndarray

    @property
    def width(self) -> float:
        """Box width in pixels."""
        return self.box[2] - self.box[0]

    @property
    def height(self) -> float:
        """Box height in pixels."""
        return self.box[3] - self.box[1]

    @property
    def area(self) -> float:
        """Box area in square pixels."""
        return max(0.0, self.width) * max(0.0, self.height)

    def to_json(self) -> dict[str, object]:
        """The CLI's JSON form: box, score and kps."""
        return {
            "box": [round(float(v), 2) for v in self.box],
            "score": round(float(self.score), 4),
            "kps": [[round(float(x), 2), round(float(y), 2)] for x, y in self.kps],
        }


@dataclass(frozen=True, slots=True)
class FaceQuality:
    """How usable a face is for recognition and enrollment.

    size_px: inter-ocular-scaled face size (the shorter box side) in frame pixels.
    sharpness: variance of the Laplacian of the aligned grey crop (higher is sharper).
    yaw_deg: left/right head turn estimated from the keypoints (0 = facing the camera).
    brightness: mean grey level of the aligned crop, 0..255.
    """

    size_px: float
    sharpness: float
    yaw_deg: float
    brightness: float

    def to_json(self) -> dict[str, float]:
        """JSON form with rounded figures."""
        return {
            "size_px": round(self.size_px, 1),
            "sharpness": round(self.sharpness, 1),
            "yaw_deg": round(self.yaw_deg, 1),
            "brightness": round(self.brightness, 1),
        }


@dataclass(frozen=True, slots=True, eq=False)
class Face:
    """A recognised face: its detection, L2-normalised embedding, quality and aligned crop (BGR)."""

    detection: Detection
    embedding: np.ndarray
    quality: FaceQuality
    aligned: np.ndarray

    @property
    def box(self) -> tuple[float, float, float, float]:
        """Box (x1, y1, x2, y2) in frame pixels."""
        return self.detection.box

    @property
    def score(self) -> float:
        """Detector score."""
        return self.detection.score

    @property
    def kps(self) -> np.ndarray:
        """Five keypoints (5x2) in frame pixels."""
        return self.detection.kps
