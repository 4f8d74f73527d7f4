"""Five-point face alignment: a 4-DoF similarity transform onto a canonical template."""

from __future__ import annotations

import math
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


# dlib's 150x150 face chip (get_face_chip_details(shape, 150, padding=0.25), the chips
# dlib_face_recognition_resnet_model_v1 was trained on), expressed for OUR detector's keypoints:
# where the left eye centre, right eye centre, nose tip and mouth corners of YuNet land, on
# average, in dlib's chip of the same face. Fit on LFW by bench/fit_dlib_template.py (figures:
# bench/DLIB.md).
DLIB_150 = np.array(
    [
        [47.3868, 44.4575],
        [100.8200, 44.6278],
        [74.7591, 76.7069],
        [50.9209, 102.5502],
        [96.9110, 102.5710],
    ],
    dtype=np.float64,
)
# Per-keypoint weights of the similarity fit onto DLIB_150: the mouth corners move with
# expression far more than dlib's eye-corner landmarks do, so they count a quarter. (LFW 10-fold,
# yunet_2023mar, flip fusion: 99.27 % with these weights, 99.18 % all equal, 99.23 % with the nose
# also halved, 99.07 % eyes and nose only: differences of a few pairs; bench/DLIB.md.)
DLIB_150_WEIGHTS = np.array([1.0, 1.0, 1.0, 0.25, 0.25])


def similarity_transform(src: np.ndarray, dst: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
    """Least-squares similarity (rotation, uniform scale, translation) mapping src onto dst.

    The closed form of Umeyama's method in two dimensions (as skimage's SimilarityTransform, which
    takes an SVD): with centred points written as complex numbers, the best ``scale * e^(i angle)``
    is ``sum(w conj(s) d) / sum(w |s|^2)``. Deterministic, no RANSAC, exactly 4 degrees of freedom
    so the face is never sheared or mirrored. ``weights`` (one per point) make it a weighted
    least-squares fit. Returns the 2x3 matrix.
    """
    src = np.asarray(src, dtype=np.float64)
    dst = np.asarray(dst, dtype=np.float64)
    w = np.full(src.shape[0], 1.0 / src.shape[0]) if weights is None else np.asarray(weights, dtype=np.float64)
    w = w / w.sum()
    mu_s = w @ src
    mu_d = w @ dst
    sx, sy = (src - mu_s).T
    dx, dy = (dst - mu_d).T
    var_s = float(w @ (sx * sx + sy * sy))
    if var_s > 0.0:
        a = float(w @ (sx * dx + sy * dy)) / var_s  # scale * cos(angle)
        b = float(w @ (sx * dy - sy * dx)) / var_s  # scale * sin(angle)
    else:  # all source points coincide: no rotation or scale to recover
        a, b = 1.0, 0.0
    m = np.empty((2, 3), dtype=np.float64)
    m[0, 0], m[0, 1], m[1, 0], m[1, 1] = a, -b, b, a
    m[:, 2] = mu_d - m[:, :2] @ mu_s
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


def warp_affine_antialiased(image: np.ndarray, m: np.ndarray, size: int) -> np.ndarray:
    """``cv2.warpAffine`` of ``image`` by ``m`` into a size x size crop, without aliasing.

    Bilinear sampling of a region more than twice the crop's size skips pixels (a large face
    close to the camera). Like dlib's extract_image_chip, the region is first halved with an
    image pyramid (cv2.pyrDown: Gaussian blur + decimation) until at most 2x remains.
    """
    m = np.asarray(m, dtype=np.float64)
    scale = math.sqrt(abs(np.linalg.det(m[:, :2])))  # crop pixels per image pixel
    levels = 0
    while scale * (1 << levels) < 0.5:
        levels += 1
    if levels == 0:
        return cv2.warpAffine(image, m, (size, size), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT)
    # Only the part of the image the crop covers (plus the pyramid filters' reach) is decimated.
    inv = cv2.invertAffineTransform(m)
    corners = np.array([[0, 0], [size, 0], [0, size], [size, size]], np.float64) @ inv[:, :2].T + inv[:, 2]
    grow = 4 << levels
    h, w = image.shape[:2]
    x0 = int(max(0, math.floor(corners[:, 0].min()) - grow))
    y0 = int(max(0, math.floor(corners[:, 1].min()) - grow))
    x1 = int(min(w, math.ceil(corners[:, 0].max()) + grow))
    y1 = int(min(h, math.ceil(corners[:, 1].max()) + grow))
    if x1 - x0 < 2 or y1 - y0 < 2:  # the crop lies outside the image
        return cv2.warpAffine(image, m, (size, size), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT)
    region = image[y0:y1, x0:x1]
    for _ in range(levels):
        region = cv2.pyrDown(region)
    # pyrDown's pixel i sits on source pixel 2i: an image point p is (p - origin) / 2**levels.
    f = float(1 << levels)
    m2 = np.empty((2, 3), np.float64)
    m2[:, :2] = m[:, :2] * f
    m2[:, 2] = m[:, :2] @ np.array([x0, y0], np.float64) + m[:, 2]
    return cv2.warpAffine(region, m2, (size, size), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT)


def dlib_align(image: np.ndarray, kps: np.ndarray, size: int = 150) -> np.ndarray:
    """dlib's 150x150 face chip (padding 0.25) from the detector's five keypoints.

    For dlib_face_recognition_resnet_model_v1: a weighted similarity fit onto DLIB_150, sampled
    with an image pyramid for large faces as dlib's extract_image_chip does.
    """
    m = similarity_transform(kps, DLIB_150 * (size / 150.0), DLIB_150_WEIGHTS)
    return warp_affine_antialiased(image, m, size)


Aligner = Callable[[np.ndarray, np.ndarray, int], np.ndarray]

# Alignment names used by the manifest's ``alignment`` key.
ALIGNERS: dict[str, Aligner] = {"arcface112": arcface_align, "dlib150": dlib_align}


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
