"""Five-point face alignment: a 4-DoF similarity transform onto a canonical template."""

from __future__ import annotations

from collections.abc import Callable

import cv2
import numpy as np

# ArcFace 112x112 template (insightface): left eye, right eye, nose tip, left and right mouth corner.
ARCFACE_112 = np.array(
    [
        [38.2946, 51.6963],
        [73.5318, 51.5014],
        [56.0252, 71.7366],
        [41.5493, 92.3655],
        [70.7299, 92.2041],
    ],
    dtype=np.float64,
)


def similarity_transform(src: np.ndarray, dst: np.ndarray) -> np.ndarray:
    """Least-squares similarity (rotation, uniform scale, translation) mapping src onto dst.

    Umeyama's closed form (as skimage's SimilarityTransform): deterministic, no RANSAC, exactly
    4 degrees of freedom so the face is never sheared. Returns the 2x3 matrix.
    """
    src = np.asarray(src, dtype=np.float64)
    dst = np.asarray(dst, dtype=np.float64)
    n = src.shape[0]
    mu_s = src.mean(axis=0)
    mu_d = dst.mean(axis=0)
    src_c = src - mu_s
    dst_c = dst - mu_d
    cov = dst_c.T @ src_c / n
    u, s, vt = np.linalg.svd(cov)
    d = np.ones(2)
    if np.linalg.det(u) * np.linalg.det(vt) < 0:
        d[1] = -1.0
    rot = u @ np.diag(d) @ vt
    var_s = (src_c**2).sum() / n
    scale = float((s * d).sum() / var_s) if var_s > 0 else 1.0
    t = mu_d - scale * rot @ mu_s
    m = np.empty((2, 3), dtype=np.float64)
    m[:, :2] = scale * rot
    m[:, 2] = t
    return m


def arcface_template(size: int = 112) -> np.ndarray:
    """The ArcFace template for a square crop of ``size`` pixels (scaled from 112)."""
    return ARCFACE_112 * (size / 112.0)


def warp_face(image: np.ndarray, kps: np.ndarray, template: np.ndarray, size: int) -> np.ndarray:
    """The face of ``image`` warped so its keypoints land on ``template`` (size x size crop)."""
    m = similarity_transform(kps, template)
    return cv2.warpAffine(image, m, (size, size), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT)


def arcface_align(image: np.ndarray, kps: np.ndarray, size: int = 112) -> np.ndarray:
    """Align onto the ArcFace template."""
    return warp_face(image, kps, arcface_template(size), size)


Aligner = Callable[[np.ndarray, np.ndarray, int], np.ndarray]

# Alignment names used by the manifest's ``alignment`` key.
ALIGNERS: dict[str, Aligner] = {"arcface112": arcface_align}


def get_aligner(name: str) -> Aligner:
    """The aligner the manifest names; a clear error for an unknown one."""
    try:
        return ALIGNERS[name]
    except KeyError:
        raise ValueError(f"unknown alignment '{name}' (known: {', '.join(sorted(ALIGNERS))})") from None


# The crop stored with every template: the ArcFace template scaled 1.5x and centred on a 256 px
# canvas. It keeps enough margin around the face for any embedder's own alignment (dlib's 0.25-padded
# chip included), so `kiosk reembed` re-aligns from it with the keypoints below; nobody re-enrolls.
CANONICAL_SIZE = 256
CANONICAL_KPS = (ARCFACE_112 - 56.0) * 1.5 + CANONICAL_SIZE / 2.0


def canonical_crop(image: np.ndarray, kps: np.ndarray) -> np.ndarray:
    """The padded canonical crop of a face (256x256 BGR, keypoints at CANONICAL_KPS)."""
    return warp_face(image, kps, CANONICAL_KPS, CANONICAL_SIZE)
