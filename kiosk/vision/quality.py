"""Quality figures of a face: size, sharpness, yaw and brightness (enrollment guidance, filtering)."""

from __future__ import annotations

import math

import cv2
import numpy as np

from kiosk.vision.types import Detection, FaceQuality


def estimate_yaw(kps: np.ndarray) -> float:
    """Left/right head turn in degrees from five keypoints: where the nose sits between the eyes.

    0 when the nose is midway; about ±90 when it reaches an eye's column. Sign: positive when the
    nose is nearer the right side of the image.
    """
    left_eye, right_eye, nose = kps[0], kps[1], kps[2]
    eye_vec = right_eye - left_eye
    half = float(np.hypot(*eye_vec)) / 2.0
    if half < 1e-6:
        return 0.0
    # Project the nose offset on the eye axis so a rolled head is not mistaken for a turned one.
    offset = float(np.dot(nose - (left_eye + right_eye) / 2.0, eye_vec / (2.0 * half)))
    return math.degrees(math.asin(max(-1.0, min(1.0, offset / half))))


def face_quality(det: Detection, aligned: np.ndarray) -> FaceQuality:
    """Quality figures of one detection and its aligned crop."""
    grey = cv2.cvtColor(aligned, cv2.COLOR_BGR2GRAY)
    # int16 Laplacian + OpenCV's meanStdDev: the same variance as a float32 numpy .var(), in one pass
    _, std = cv2.meanStdDev(cv2.Laplacian(grey, cv2.CV_16S))
    return FaceQuality(
        size_px=float(min(det.width, det.height)),
        sharpness=float(std[0, 0]) ** 2,
        yaw_deg=estimate_yaw(det.kps),
        brightness=float(cv2.mean(grey)[0]),
    )
