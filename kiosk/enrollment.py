"""Enrollment's face side (Qt-free): choose the one good face of a photo or camera frame and cut its crop.

Storing people and templates (duplicate check, import, the gallery and the change feed) is the people
service's (:mod:`kiosk.people`); this module only turns images into :class:`Shot` s."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from kiosk.errors import ImageError, NoFaceError
from kiosk.vision.align import canonical_crop
from kiosk.vision.image_io import read_image
from kiosk.vision.pipeline import FacePipeline
from kiosk.vision.types import Detection, Face

# A bystander's face is much smaller than the subject's: a second face under a quarter of the
# largest one's area does not make a photo ambiguous.
BYSTANDER_AREA_RATIO = 0.25
# A face whose box comes this close to the photo's edge is cut off by it. YuNet clips its boxes to the
# image (a cut-off face starts at x = 1.7, not below 0 as SCRFD's do), so "touching" needs a margin.
EDGE_PX = 3.0
IMAGE_EXTENSIONS = {".jpg", ".jpeg", ".png", ".bmp", ".webp", ".tif", ".tiff"}


def inside_frame(dets: Sequence[Detection], width: int, height: int) -> list[Detection]:
    """The detections whose boxes stay clear of the frame's edges: a face cut by the edge is someone
    passing by (or half out of the photo), never a second subject."""
    return [d for d in dets if d.box[0] > EDGE_PX and d.box[1] > EDGE_PX and d.box[2] < width - EDGE_PX
            and d.box[3] < height - EDGE_PX]


@dataclass(frozen=True, slots=True)
class Rejected:
    """An image that gave no usable face, and why."""

    image: str
    reason: str

    def to_json(self) -> dict[str, str]:
        """JSON form: image and reason."""
        return {"image": self.image, "reason": self.reason}


@dataclass(frozen=True, slots=True, eq=False)
class Shot:
    """A usable face for enrollment: where it came from, the face and its canonical crop (JPEG)."""

    source: str
    face: Face
    crop_jpeg: bytes


def encode_jpeg(image: np.ndarray, quality: int = 92) -> bytes:
    """JPEG bytes of a BGR image."""
    ok, buf = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, quality])
    if not ok:
        raise ImageError("could not encode the face crop as JPEG")
    return buf.tobytes()


def list_images(folder: Path) -> list[Path]:
    """Image files directly in ``folder``, sorted by name."""
    return sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in IMAGE_EXTENSIONS)


class Enroller:
    """Turns photos or camera frames into shots: one subject face each, embedded, with its crop."""

    def __init__(self, pipeline: FacePipeline, min_face_px: float = 40.0) -> None:
        self.pipeline = pipeline
        self.min_face_px = min_face_px

    def shot_from_frame(self, frame: np.ndarray, source: str) -> Shot:
        """The one subject face of a frame or photo; NoFaceError/ImageError with the reason otherwise."""
        dets = self.pipeline.detect(frame)
        if not dets:
            raise NoFaceError(f"{source}: no face found")
        dets.sort(key=lambda d: d.area, reverse=True)
        h, w = frame.shape[:2]
        # Another face cut off by the photo's edge is a bystander, not a second subject.
        dets = dets[:1] + inside_frame(dets[1:], w, h)
        if len(dets) > 1 and dets[1].area >= BYSTANDER_AREA_RATIO * dets[0].area:
            raise NoFaceError(f"{source}: {len(dets)} faces found; use a photo with only this person")
        det = dets[0]
        if min(det.width, det.height) < self.min_face_px:
            raise NoFaceError(f"{source}: the face is too small ({min(det.width, det.height):.0f} px, "
                              f"at least {self.min_face_px:.0f} px needed)")
        face = self.pipeline.embed_detections(frame, [det])[0]
        # The stored crop is cut with the keypoints the embedding used (refined ones, when on), so
        # `kiosk reembed` aligns exactly as enrollment did.
        return Shot(source, face, encode_jpeg(canonical_crop(frame, face.detection.kps)))

    def shots_from_images(self, images: Sequence[str | Path]) -> tuple[list[Shot], list[Rejected]]:
        """Usable faces from image files; unreadable or faceless images are listed, never fatal."""
        shots: list[Shot] = []
        rejected: list[Rejected] = []
        for path in images:
            try:
                shots.append(self.shot_from_frame(read_image(path), str(path)))
            except (ImageError, NoFaceError) as exc:
                rejected.append(Rejected(str(path), str(exc).removeprefix(f"{path}: ")))
        return shots, rejected
