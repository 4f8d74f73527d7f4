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
"""

from __future__ import annotations

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
