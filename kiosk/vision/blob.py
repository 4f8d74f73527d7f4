"""Network input blobs written into reused buffers: 8-bit BGR images in, normalised NCHW float32 out.

``cv2.dnn.blobFromImage`` allocates a fresh megabyte-sized array for every frame, and on Linux an
allocation that size is a fresh mmap whose pages fault in one by one while the blob is written. On
the recognition path that was a measurable part of the time spent outside the networks (`kiosk bench
pipeline`). :class:`BlobWriter` keeps one buffer per input shape and fills it in two OpenCV passes
per image: split the channels (into reused planes), then one ``addWeighted`` per channel that
converts, scales and shifts straight into the blob's plane.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence

import cv2
import numpy as np

# Distinct input shapes kept (a camera stream uses one or two; `kiosk identify` on photos of many
# sizes must not grow without bound).
_MAX_SHAPES = 4


class BlobWriter:
    """Writes ``(pixel - mean[c]) / std[c]`` of each image into a reused (N, 3, H, W) float32 blob.

    ``color`` is the channel order the network expects ("RGB" swaps the BGR input); ``mean`` and
    ``std`` are given in that order. The blob returned
    by :meth:`write` is the writer's own buffer: it stays valid until the next call with the same
    shape (copy it to keep it). Not thread-safe: one writer per model, used under the caller's lock.
    """

    def __init__(self, mean: Sequence[float], std: Sequence[float], color: str = "BGR") -> None:
        if len(mean) != 3 or len(std) != 3:
            raise ValueError("mean and std need one value per colour channel")
        swap = color.upper() == "RGB"
        # Blob channel c is read from image channel _src[c].
        self._src = (2, 1, 0) if swap else (0, 1, 2)
        # mean and std are in the network's channel order (as the manifest lists them).
        self._alpha = tuple(1.0 / float(s) for s in std)
        self._beta = tuple(-float(m) / float(s) for m, s in zip(mean, std, strict=True))
        self._blobs: OrderedDict[tuple[int, int, int], np.ndarray] = OrderedDict()
        self._planes: dict[tuple[int, int], list[np.ndarray]] = {}

    def _buffers(self, n: int, h: int, w: int) -> tuple[np.ndarray, list[np.ndarray]]:
        key = (n, h, w)
        blob = self._blobs.get(key)
        if blob is None:
            blob = self._blobs[key] = np.empty((n, 3, h, w), np.float32)
            if len(self._blobs) > _MAX_SHAPES:
                old = self._blobs.popitem(last=False)[0]
                if not any(k[1:] == old[1:] for k in self._blobs):
                    self._planes.pop(old[1:], None)
        else:
            self._blobs.move_to_end(key)
        planes = self._planes.get((h, w))
        if planes is None:
            planes = self._planes[(h, w)] = [np.empty((h, w), np.uint8) for _ in range(3)]
        return blob, planes

    def write(self, images: Sequence[np.ndarray]) -> np.ndarray:
        """The normalised blob of equally sized 8-bit BGR images (H, W, 3)."""
        h, w = images[0].shape[:2]
        blob, planes = self._buffers(len(images), h, w)
        for i, image in enumerate(images):
            if image.shape != (h, w, 3) or image.dtype != np.uint8:
                raise ValueError(f"blob images must be {w}x{h} 8-bit BGR, got {image.shape} {image.dtype}")
            parts = cv2.split(image, planes)  # OpenCV fills the given planes (no allocation)
            for c in range(3):
                src = parts[self._src[c]]
                cv2.addWeighted(src, self._alpha[c], src, 0.0, self._beta[c], dst=blob[i, c], dtype=cv2.CV_32F)
        return blob
