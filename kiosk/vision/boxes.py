"""Face boxes from frame to frame: overlap, and the jump that says another face took the spot."""

from __future__ import annotations

import numpy as np

Box = tuple[float, float, float, float]

# A face at a kiosk changes little between two frames; more than this size step (bigger / smaller
# side) or centre shift (in box sides) per frame is another face on the same spot (a cut, someone
# stepping in front). 84 px where a 59 px face was a frame ago is the clip's cut.
JUMP_STEP = 1.2
JUMP_SHIFT = 0.3


def iou_matrix(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Intersection over union of every box in ``a`` (n, 4) with every box in ``b`` (m, 4)."""
    if len(a) == 0 or len(b) == 0:
        return np.zeros((len(a), len(b)), np.float32)
    x1 = np.maximum(a[:, None, 0], b[None, :, 0])
    y1 = np.maximum(a[:, None, 1], b[None, :, 1])
    x2 = np.minimum(a[:, None, 2], b[None, :, 2])
    y2 = np.minimum(a[:, None, 3], b[None, :, 3])
    inter = np.clip(x2 - x1, 0, None) * np.clip(y2 - y1, 0, None)
    area_a = np.clip(a[:, 2] - a[:, 0], 0, None) * np.clip(a[:, 3] - a[:, 1], 0, None)
    area_b = np.clip(b[:, 2] - b[:, 0], 0, None) * np.clip(b[:, 3] - b[:, 1], 0, None)
    union = area_a[:, None] + area_b[None, :] - inter
    return np.where(union > 0, inter / np.maximum(union, 1e-9), 0.0).astype(np.float32)


def box_jump(old: Box, new: Box) -> tuple[float, float]:
    """(size step, shift): how many times larger the bigger box is than the smaller (by the geometric
    mean of the sides), and how far the centre moved in units of that mean side."""
    side_o = max((old[2] - old[0]) * (old[3] - old[1]), 1e-6) ** 0.5
    side_n = max((new[2] - new[0]) * (new[3] - new[1]), 1e-6) ** 0.5
    dx = (new[0] + new[2] - old[0] - old[2]) / 2
    dy = (new[1] + new[3] - old[1] - old[3]) / 2
    return max(side_o, side_n) / min(side_o, side_n), (dx * dx + dy * dy) ** 0.5 / ((side_o * side_n) ** 0.5)


def jumped(old: Box, new: Box, frames: int = 1, step: float = JUMP_STEP, shift: float = JUMP_SHIFT) -> bool:
    """True when ``new`` is too far from ``old`` (``frames`` frames later) to be the same face moving:
    a size step over ``step`` or a centre shift over ``shift`` box sides per frame."""
    size_step, centre_shift = box_jump(old, new)
    return size_step > step ** frames or centre_shift > shift * frames
