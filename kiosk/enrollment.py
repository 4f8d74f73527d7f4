"""Enrollment (Qt-free): choose one good face per photo, refuse duplicates, store person + templates and
update the gallery. Shared by `kiosk enroll`, `kiosk import` and the admin's enrollment dialog."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import cv2
import numpy as np

from kiosk.errors import ImageError, KioskError, NoFaceError
from kiosk.store import Store, TemplateIn
from kiosk.vision.align import canonical_crop
from kiosk.vision.image_io import read_image
from kiosk.vision.pipeline import FacePipeline
from kiosk.vision.types import Detection, Face

if TYPE_CHECKING:
    from kiosk.gallery import Gallery

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


class DuplicateFaceError(KioskError):
    """The face already belongs to another enrolled person."""

    def __init__(self, person_id: int, name: str, similarity: float) -> None:
        super().__init__(f"this face matches {name} (person {person_id}, similarity {similarity:.2f}); "
                         f"use --allow-duplicate to enroll anyway")
        self.person_id = person_id
        self.name = name
        self.similarity = similarity


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


@dataclass(frozen=True, slots=True)
class EnrollResult:
    """What an enrollment stored."""

    person_id: int
    template_ids: tuple[int, ...]


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
    """Turns photos or camera frames into templates of a person."""

    def __init__(self, pipeline: FacePipeline, store: Store, gallery: Gallery, min_face_px: float = 40.0) -> None:
        self.pipeline = pipeline
        self.store = store
        self.gallery = gallery
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

    def find_duplicate(self, shots: Sequence[Shot]) -> tuple[int, str, float] | None:
        """The enrolled person any of these faces already matches (above threshold), best first."""
        best: tuple[int, str, float] | None = None
        for shot in shots:
            m = self.gallery.match(shot.face.embedding)
            if m.candidate_id is not None and m.similarity >= self.gallery.threshold and (
                best is None or m.similarity > best[2]
            ):
                names = self.store.person_names([m.candidate_id])
                best = (m.candidate_id, names.get(m.candidate_id, "?"), m.similarity)
        return best

    def enroll(self, name: str, shots: Sequence[Shot], external_id: str | None = None, group: str | None = None,
               allow_duplicate: bool = False, consent_by: str | None = None, actor: str = "admin") -> EnrollResult:
        """Store a new person with these faces (one transaction) and add them to the gallery."""
        if not shots:
            raise NoFaceError(f"no usable face to enroll {name!r}")
        if not allow_duplicate:
            dup = self.find_duplicate(shots)
            if dup is not None:
                raise DuplicateFaceError(*dup)
        model_id = self.pipeline.model_id
        templates = [TemplateIn(s.face.embedding, model_id, s.face.quality, s.source, s.crop_jpeg) for s in shots]
        pid, tids = self.store.enroll_person(name, templates, external_id, group, consent_by, actor)
        for tid, s in zip(tids, shots, strict=True):
            self.gallery.add(tid, pid, s.face.embedding)
        return EnrollResult(pid, tuple(tids))

    def add_shots(self, person_id: int, shots: Sequence[Shot]) -> list[int]:
        """More templates for an existing person (import into an existing folder name)."""
        model_id = self.pipeline.model_id
        tids = self.store.add_templates(
            person_id, [TemplateIn(s.face.embedding, model_id, s.face.quality, s.source, s.crop_jpeg) for s in shots])
        for tid, s in zip(tids, shots, strict=True):
            self.gallery.add(tid, person_id, s.face.embedding)
        return tids

    def delete_person(self, person_id: int, actor: str = "admin") -> bool:
        """Delete a person: database rows (templates, crops), their index entries, and the index files
        rewritten at once (the old generation, which still holds their vectors, is deleted by the save)."""
        ok = self.store.delete_person(person_id, actor)
        self.gallery.remove_person(person_id)
        self.gallery.flush()
        return ok


@dataclass(frozen=True, slots=True)
class ImportProgress:
    """Where a folder import is: ``done`` of ``total`` person folders, the one being read now."""

    done: int
    total: int
    current: str


@dataclass(frozen=True, slots=True)
class ImportResult:
    """What a folder import stored and what it skipped."""

    people: int
    templates: int
    rejected: tuple[Rejected, ...]
    cancelled: bool = False

    def to_json(self) -> dict[str, object]:
        """The ``kiosk import --json`` form: people, templates, rejected."""
        return {"people": self.people, "templates": self.templates, "rejected": [r.to_json() for r in self.rejected]}


def person_folders(root: Path) -> list[Path]:
    """The person sub-folders of an import folder (``root/<person name>/``), sorted; KioskError when
    ``root`` is not a folder."""
    if not root.is_dir():
        raise KioskError(f"{root}: not a folder (expected {root}/<person name>/*.jpg)")
    return sorted(p for p in root.iterdir() if p.is_dir())


def import_folder(enroller: Enroller, store: Store, root: str | Path, group: str | None = None,
                  allow_duplicate: bool = False, on_progress: Callable[[ImportProgress], None] | None = None,
                  cancelled: Callable[[], bool] | None = None, consent_by: str = "import",
                  actor: str = "cli") -> ImportResult:
    """Enroll ``root/<person name>/*.jpg``: one person per sub-folder (the CLI and the admin screen).

    A folder whose name already belongs to exactly one person adds only the photos not stored yet
    (re-running an import is safe). A face that matches someone else is skipped (listed in
    ``rejected``) unless ``allow_duplicate``. Each person is one transaction, so ``cancelled``
    (checked between folders) stops cleanly with everything before it kept.
    ``on_progress`` is called before each folder and once at the end.
    """
    folders = person_folders(Path(root))
    people = templates = 0
    rejected: list[Rejected] = []
    total = len(folders)
    for i, folder in enumerate(folders):
        if cancelled is not None and cancelled():
            return ImportResult(people, templates, tuple(rejected), cancelled=True)
        if on_progress is not None:
            on_progress(ImportProgress(i, total, folder.name))
        images = list_images(folder)
        if not images:
            rejected.append(Rejected(str(folder), "no image files"))
            continue
        shots, bad = enroller.shots_from_images(images)
        rejected.extend(bad)
        if not shots:
            continue
        existing = store.people_by_name(folder.name)
        if len(existing) == 1:  # re-import: only photos not stored yet
            known = store.template_sources(existing[0].id)
            new = [s for s in shots if s.source not in known]
            if new:
                templates += len(enroller.add_shots(existing[0].id, new))
            continue
        try:
            r = enroller.enroll(folder.name, shots, group=group, allow_duplicate=allow_duplicate,
                                consent_by=consent_by, actor=actor)
        except DuplicateFaceError as exc:
            rejected.extend(Rejected(s.source, f"matches {exc.name} (person {exc.person_id}, "
                                               f"{exc.similarity:.2f})") for s in shots)
            continue
        people += 1
        templates += len(r.template_ids)
    if on_progress is not None:
        on_progress(ImportProgress(total, total, ""))
    return ImportResult(people, templates, tuple(rejected))
