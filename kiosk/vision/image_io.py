"""Reading images from disk into 8-bit BGR, with a clear message for anything unusable."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from kiosk.errors import ImageError

# Larger images are refused rather than decoded: 8000x8000 is 192 MB of BGR, fine; 30k x 30k is not.
MAX_PIXELS = 100_000_000
# Below this a face cannot be found at all.
MIN_SIDE = 16


def to_bgr8(img: np.ndarray, name: str = "image") -> np.ndarray:
    """Any decoded image (grey, BGRA, 16-bit, float) as contiguous 8-bit 3-channel BGR."""
    if img.dtype == np.uint16:
        img = (img >> 8).astype(np.uint8)
    elif img.dtype in (np.float32, np.float64):
        img = np.clip(img * (255.0 if img.max() <= 1.0 else 1.0), 0, 255).astype(np.uint8)
    elif img.dtype != np.uint8:
        raise ImageError(f"{name}: unsupported pixel type {img.dtype}")
    if img.ndim == 2:
        return cv2.cvtColor(img, cv2.COLOR_GRAY2BGR)
    if img.ndim == 3 and img.shape[2] == 4:
        return cv2.cvtColor(img, cv2.COLOR_BGRA2BGR)
    if img.ndim == 3 and img.shape[2] == 1:
        return cv2.cvtColor(img[:, :, 0], cv2.COLOR_GRAY2BGR)
    if img.ndim == 3 and img.shape[2] == 3:
        return np.ascontiguousarray(img)
    raise ImageError(f"{name}: unsupported image layout {img.shape}")


def read_image(path: str | Path) -> np.ndarray:
    """Read an image file as 8-bit BGR; ImageError with the reason when it cannot be used."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except FileNotFoundError:
        raise ImageError(f"{p}: no such file") from None
    except IsADirectoryError:
        raise ImageError(f"{p}: is a folder, not an image") from None
    except OSError as exc:
        raise ImageError(f"{p}: cannot read ({exc.strerror or exc})") from None
    return decode_image(data, str(p))


def decode_image(data: bytes, name: str = "image") -> np.ndarray:
    """Decode encoded image bytes (JPEG, PNG, ...) as 8-bit BGR."""
    if not data:
        raise ImageError(f"{name}: the file is empty")
    buf = np.frombuffer(data, dtype=np.uint8)
    # Check the size from the header before decoding, so a decompression bomb is refused cheaply.
    try:
        img = cv2.imdecode(buf, cv2.IMREAD_UNCHANGED | cv2.IMREAD_IGNORE_ORIENTATION)
    except cv2.error as exc:
        raise ImageError(f"{name}: not a readable image ({exc.msg.strip() if exc.msg else exc})") from None
    if img is None:
        if data[:2] == b"\xff\xd8" and not data.rstrip(b"\x00").endswith(b"\xff\xd9"):
            raise ImageError(f"{name}: the JPEG file is truncated (an incomplete copy or download?)")
        raise ImageError(f"{name}: not a readable image (unknown format or corrupt data)")
    if img.size == 0:
        raise ImageError(f"{name}: the image has no pixels")
    h, w = img.shape[:2]
    if h * w > MAX_PIXELS:
        raise ImageError(f"{name}: {w}x{h} is too large (limit {MAX_PIXELS // 1_000_000} megapixels)")
    if min(h, w) < MIN_SIDE:
        raise ImageError(f"{name}: {w}x{h} is too small to hold a face (at least {MIN_SIDE} px a side)")
    return to_bgr8(img, name)
