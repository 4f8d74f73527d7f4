"""The motion cue of liveness: does a face's five-keypoint track move as one plane?

A printed photo or a phone screen moved in front of the camera is flat: whatever way it is turned,
tilted or shifted, the image of any point on it in one frame maps to its image in another frame by
one homography. Four of the five keypoints (the eyes and the mouth corners) fix that homography
exactly, so it predicts where the fifth, the nose tip, must be if the face is flat. On a real head
the nose stands 2-3 cm in front of the eyes and mouth: when the head turns or nods even a few
degrees the nose leaves the predicted spot (parallax), and talking moves the mouth corners as no
rigid plane can. The *parallax* of a track is how far, in inter-ocular distances, the nose lands
from that prediction between frames: the 90th percentile over every pair of frames, after a
three-frame moving average (the detector's landmarks jitter from frame to frame; a head's turn does
not). A flat medium shows only the detector's noise, about 0.03-0.09; a real head that moves shows
0.1-0.5. A real head that does not turn or nod at all shows no parallax either: the cue can say
"this moves like a plane", never "this is a still real person".

Pure numpy: every pair of frames is solved at once as a batch of 8x8 linear systems (a 30-frame
window is 435 pairs, well under a millisecond).

The keypoints alone are not enough (the detector's landmarks partly follow a photo's pose as if it
were a head), so strict mode also tracks the face's own texture (:func:`texture_parallax`, below)
and judges the two together (:func:`relief`).
"""

from __future__ import annotations

import cv2
import numpy as np

# Keypoint order (kiosk.vision.types.Detection): left eye, right eye, nose, left mouth, right mouth.
OUTER = (0, 1, 4, 3)  # eyes and mouth corners, as a quadrilateral in order
NOSE = 2
# A frame whose eyes are closer than this share of the box width is in profile: its quadrilateral is
# nearly degenerate and its homography meaningless.
MIN_EYE_SPAN = 0.2
# A pairwise residual is capped: one wild detection must not dominate the percentile.
MAX_RESIDUAL = 1.0


def homographies(src: np.ndarray, dst: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Homographies (P, 3, 3) mapping each 4-point ``src`` (P, 4, 2) onto ``dst`` (P, 4, 2).

    Returns them with a mask of the pairs that could be solved (a degenerate quadrilateral cannot).
    """
    p = src.shape[0]
    a = np.zeros((p, 8, 8))
    b = np.empty((p, 8))
    x, y = src[..., 0], src[..., 1]
    u, v = dst[..., 0], dst[..., 1]
    a[:, 0::2, 0], a[:, 0::2, 1], a[:, 0::2, 2] = x, y, 1.0
    a[:, 0::2, 6], a[:, 0::2, 7] = -x * u, -y * u
    a[:, 1::2, 3], a[:, 1::2, 4], a[:, 1::2, 5] = x, y, 1.0
    a[:, 1::2, 6], a[:, 1::2, 7] = -x * v, -y * v
    b[:, 0::2], b[:, 1::2] = u, v
    ok = np.abs(np.linalg.det(a)) > 1e-9
    h = np.zeros((p, 8))
    if ok.any():
        h[ok] = np.linalg.solve(a[ok], b[ok][..., None])[..., 0]
    return np.concatenate([h, np.ones((p, 1))], axis=1).reshape(p, 3, 3), ok


def _smooth(k: np.ndarray, width: int) -> np.ndarray:
    if len(k) < width:
        return k
    c = np.cumsum(np.concatenate([np.zeros((1, *k.shape[1:])), k]), axis=0)
    return (c[width:] - c[:-width]) / width


def usable(kps: np.ndarray, box_width: float) -> bool:
    """Whether a frame's keypoints can take part (not a profile view)."""
    return float(np.linalg.norm(kps[1] - kps[0])) >= MIN_EYE_SPAN * max(box_width, 1e-6)


def parallax(kps: np.ndarray | list[np.ndarray], smooth: int = 3, percentile: float = 90.0) -> float:
    """How far the nose leaves the plane of the eyes and mouth corners across a track (IOD units).

    kps: (n, 5, 2) keypoints of the track's frames in time order (profile frames left out). 0.0 for
    fewer than two frames.
    """
    k = _smooth(np.asarray(kps, np.float64).reshape(-1, 5, 2), smooth)
    n = len(k)
    if n < 2:
        return 0.0
    iod = np.maximum(np.linalg.norm(k[:, 1] - k[:, 0], axis=1), 1e-6)
    i, j = np.triu_indices(n, 1)
    outer = list(OUTER)
    h, ok = homographies(k[i][:, outer], k[j][:, outer])
    nose = np.concatenate([k[i][:, NOSE], np.ones((len(i), 1))], axis=1)
    p = np.einsum("pij,pj->pi", h, nose)
    with np.errstate(divide="ignore", invalid="ignore"):
        pred = p[:, :2] / p[:, 2:3]
        res = np.linalg.norm(pred - k[j][:, NOSE], axis=1) / iod[j]
    res = np.where(ok & np.isfinite(res), np.minimum(res, MAX_RESIDUAL), MAX_RESIDUAL)
    return float(np.percentile(res, percentile))


def motion_extent(kps: np.ndarray | list[np.ndarray]) -> float:
    """How much the face moved in the picture over the track, in IOD units: the largest displacement
    of the eye midpoint plus the largest change of the eye distance (scale). A still face is ~0."""
    k = np.asarray(kps, np.float64).reshape(-1, 5, 2)
    if len(k) < 2:
        return 0.0
    iod = np.maximum(np.linalg.norm(k[:, 1] - k[:, 0], axis=1), 1e-6)
    mid = (k[:, 0] + k[:, 1]) / 2.0
    ref = float(np.median(iod))
    shift = float(np.max(np.linalg.norm(mid - mid[0], axis=1))) / ref
    scale = float(iod.max() / iod.min() - 1.0)
    return shift + scale


# --- the face's texture: many points instead of five ------------------------------------------------
#
# The five keypoints come from a network that has learnt where a nose *should* be: on a photo turned away
# from the camera it places them partly as if the photo were a head, so a flat medium shows some keypoint
# parallax (0.05-0.15 IOD) and that figure alone overlaps a real head that barely turns. Points of the face's
# own texture (eye corners, nostrils, skin and hair detail) tracked by optical flow have no such opinion: on
# a print or a screen they lie on the medium and follow its homography up to tracking noise; on a real head
# the nose, cheeks and face outline move apart (parallax) and talking or blinking moves skin no homography
# can. Noise (sensor noise, JPEG, moiré) is independent from point to point, a head's parallax is not: so the
# residual motion is averaged over the points of each cell of a 3x3 grid on the face before it is measured,
# which keeps the structure and removes most of the noise.

# The canonical five points of a 112x112 aligned face (ArcFace), in the order of Detection.kps.
CANONICAL_5 = np.array([[38.2946, 51.6963], [73.5318, 51.5014], [56.0252, 71.7366], [41.5493, 92.3655],
                        [70.7299, 92.2041]])
# The texture crop: TEXTURE_SIDE px square, the canonical face scaled to TEXTURE_FACE of it, so its eyes are
# TEXTURE_IOD px apart whatever the face's size in the frame (figures in IOD units are comparable).
TEXTURE_SIDE = 128
TEXTURE_FACE = 0.75
TEXTURE_IOD = float(np.linalg.norm(CANONICAL_5[1] - CANONICAL_5[0])) * TEXTURE_FACE * TEXTURE_SIDE / 112.0
# Only the inner part of the crop is tracked: the face, not the background at its corners.
TEXTURE_INNER = 0.8
TEXTURE_GRID = 3
_TEXTURE_DST = ((CANONICAL_5 - 56.0) * (TEXTURE_FACE * TEXTURE_SIDE / 112.0) + TEXTURE_SIDE / 2.0).astype(np.float32)
# The crops are aligned, so what is left to track is a few pixels: one pyramid level is enough (and halves the
# cost of two levels, with the same figures on the eval set).
_LK = {"winSize": (13, 13), "maxLevel": 1,
       "criteria": (cv2.TERM_CRITERIA_EPS | cv2.TERM_CRITERIA_COUNT, 20, 0.01)}
# Points whose forward-backward track disagrees by more than this (crop px) are lost, not measured.
MAX_FB_ERROR = 0.5
MIN_POINTS = 12
MIN_CELL_POINTS = 3


def texture_crop(frame: np.ndarray, kps: np.ndarray) -> np.ndarray | None:
    """The face of a BGR frame as a grey TEXTURE_SIDE square, aligned by the five keypoints (a similarity).

    The alignment takes out the face's shift, in-plane turn and scale, so the optical flow between two crops is
    small and what is left of it is what a similarity cannot explain. None when the keypoints are degenerate.
    """
    m, _ = cv2.estimateAffinePartial2D(np.asarray(kps, np.float32), _TEXTURE_DST, method=cv2.LMEDS)
    if m is None:
        return None
    crop = cv2.warpAffine(frame, m, (TEXTURE_SIDE, TEXTURE_SIDE), flags=cv2.INTER_LINEAR)
    return cv2.cvtColor(crop, cv2.COLOR_BGR2GRAY) if crop.ndim == 3 else crop


def texture_parallax(a: np.ndarray, b: np.ndarray) -> float | None:
    """How far the face's texture leaves one plane between two texture crops (IOD units).

    Corners of ``a``'s inner face are tracked into ``b`` (pyramidal Lucas-Kanade, kept when the backward track
    returns within MAX_FB_ERROR), one homography is fitted robustly (least median of squares) and each point's
    miss is averaged per cell of a 3x3 grid; the figure is the 75th percentile of the cells' mean misses. A
    flat medium gives about its tracking noise averaged away (~0.003-0.015), a real head that moves, talks or
    blinks several times more. None when too few points could be tracked (a blank or blurred face).
    """
    side = a.shape[0]
    m = int(side * (1.0 - TEXTURE_INNER) / 2.0)
    inner_a = a[m : side - m, m : side - m].astype(np.float32)
    inner_b = b[m : side - m, m : side - m].astype(np.float32)
    # Same mean and contrast as ``a``: a camera's exposure or the room's light changing between the two frames
    # would otherwise pull every point along its gradient (optical flow assumes constant brightness).
    gain = float(inner_a.std()) / max(float(inner_b.std()), 1e-3)
    b = np.clip((b.astype(np.float32) - float(inner_b.mean())) * gain + float(inner_a.mean()), 0, 255).astype(np.uint8)
    mask = np.zeros_like(a)
    mask[m : side - m, m : side - m] = 255
    pts = cv2.goodFeaturesToTrack(a, 150, 0.005, 3, mask=mask, blockSize=5)
    if pts is None or len(pts) < MIN_POINTS:
        return None
    fwd, st1, _ = cv2.calcOpticalFlowPyrLK(a, b, pts, None, **_LK)
    back, st2, _ = cv2.calcOpticalFlowPyrLK(b, a, fwd, None, **_LK)
    fb = np.linalg.norm((back - pts).reshape(-1, 2), axis=1)
    ok = (st1.ravel() == 1) & (st2.ravel() == 1) & (fb < MAX_FB_ERROR)
    if int(ok.sum()) < MIN_POINTS:
        return None
    src, dst = pts.reshape(-1, 2)[ok], fwd.reshape(-1, 2)[ok]
    h, _ = cv2.findHomography(src, dst, cv2.LMEDS)
    if h is None:
        return None
    miss = cv2.perspectiveTransform(src[None].astype(np.float64), h)[0] - dst
    cell = (side - 2 * m) / TEXTURE_GRID
    ix = np.clip(((src[:, 0] - m) // cell).astype(int), 0, TEXTURE_GRID - 1)
    iy = np.clip(((src[:, 1] - m) // cell).astype(int), 0, TEXTURE_GRID - 1)
    means = [float(np.linalg.norm(miss[sel].mean(axis=0)))
             for sel in ((ix == cx) & (iy == cy) for cx in range(TEXTURE_GRID) for cy in range(TEXTURE_GRID))
             if int(sel.sum()) >= MIN_CELL_POINTS]
    if not means:
        return None
    return float(np.percentile(means, 75)) / TEXTURE_IOD


def relief(keypoint_parallax: float, texture: float) -> float:
    """The motion cue's one figure: the geometric mean of the nose's and the texture's parallax (IOD units).

    Both measure how far the face's motion leaves one plane, with errors of different origin (the detector's
    landmark bias; tracking noise), and a flat medium rarely fools both at once: a real head that turns shows
    both, a photo turned by hand mostly the first, a photo under noise and glare at most a little of the second.
    The geometric mean needs both to be clearly above zero and lets a strong one make up for a weaker one.
    """
    return float(np.sqrt(max(keypoint_parallax, 0.0) * max(texture, 0.0)))
