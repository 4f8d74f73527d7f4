"""Guided camera enrollment (Qt-free): what to tell the person, and which frames become shots.

``ShotCollector.analyse(frame)`` runs on the enrollment worker thread. It detects faces, says what is
wrong in the order a person can fix it (one person, closer, face the camera, light, hold still), and
keeps a frame as a shot only when it is good AND different enough from the shots already taken:
a time gap, plus a turned head (yaw) or an embedding that is not a near copy — five identical
frames teach the gallery less than three varied ones. Every shot must also look like the same
person as a shot already taken, so a colleague stepping in does not end up in someone else's templates.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np

from kiosk.enrollment import BYSTANDER_AREA_RATIO, Shot, encode_jpeg, inside_frame
from kiosk.vision.align import canonical_crop
from kiosk.vision.pipeline import FacePipeline
from kiosk.vision.quality import estimate_yaw
from kiosk.vision.types import Detection, FaceQuality


class Hint(StrEnum):
    """What the enrollment screen tells the person in front of the camera."""

    NO_FACE = "no_face"            # "Look at the camera"
    MULTIPLE = "multiple"          # "Only one person, please"
    MOVE_CLOSER = "move_closer"    # "Move closer"
    FACE_CAMERA = "face_camera"    # "Face the camera"
    TOO_DARK = "too_dark"          # "Too dark"
    TOO_BRIGHT = "too_bright"      # "Too bright"
    HOLD_STILL = "hold_still"      # "Hold still"
    OTHER_PERSON = "other_person"  # someone else than the first shot
    GOOD = "good"                  # good face, waiting for a varied one ("Slowly turn your head a little")
    SHOT = "shot"                  # a shot was just taken
    DONE = "done"                  # enough shots


@dataclass(frozen=True, slots=True)
class CaptureRules:
    """Thresholds of the guided capture (defaults suit a 640x480 webcam at arm's length).

    min_face_px: shorter face-box side; max_yaw_deg: head turn still accepted; brightness and
    sharpness bounds apply to the aligned crop (FaceQuality); max_motion: face-centre movement per
    second, in face sizes, above which the face is "moving"; min_gap_s: time between shots;
    max_similarity / min_yaw_step: a new shot must differ from every earlier one by embedding
    (cosine at most this) or by head turn (at least this many degrees); relax_after_s: after this
    long without a varied shot, any good frame will do (a person who holds perfectly still) except
    a near copy of a shot (cosine above same_frame_similarity: the same picture again).
    """

    min_face_px: float = 64.0
    max_yaw_deg: float = 30.0
    min_brightness: float = 45.0
    max_brightness: float = 215.0
    min_sharpness: float = 40.0
    max_motion: float = 1.5
    bystander_ratio: float = BYSTANDER_AREA_RATIO
    min_shots: int = 3
    max_shots: int = 5
    min_gap_s: float = 0.5
    max_similarity: float = 0.92
    min_yaw_step: float = 8.0
    relax_after_s: float = 3.0
    same_frame_similarity: float = 0.985


@dataclass(frozen=True, slots=True, eq=False)
class Analysis:
    """One analysed frame: the hint, the subject's box (frame pixels), other faces' boxes, the
    subject's quality when it was measured, the shot taken on this frame (or None) and how many
    shots there are now."""

    hint: Hint
    box: tuple[float, float, float, float] | None
    others: tuple[tuple[float, float, float, float], ...]
    quality: FaceQuality | None
    shot: Shot | None
    shots: int
    frame_shape: tuple[int, int] = (0, 0)


@dataclass(slots=True)
class _Taken:
    shot: Shot
    at: float


@dataclass(slots=True)
class _Motion:
    centre: np.ndarray | None = None
    at: float = 0.0
    size: float = 0.0
    history: list[float] = field(default_factory=list)


class ShotCollector:
    """Turns a stream of frames into 3-5 varied shots of one person (not thread-safe: one worker).

    same_person: cosine similarity a new shot must reach against at least one shot already taken
    (the gallery's match threshold is the natural value).
    """

    def __init__(self, pipeline: FacePipeline, same_person: float, rules: CaptureRules | None = None,
                 clock: Callable[[], float] = time.monotonic, source: str = "camera") -> None:
        self.pipeline = pipeline
        self.same_person = same_person
        self.rules = rules or CaptureRules()
        self.clock = clock
        self.source = source
        self._taken: list[_Taken] = []
        self._motion = _Motion()
        self._last_good_check = 0.0

    @property
    def shots(self) -> list[Shot]:
        """The shots taken so far, oldest first."""
        return [t.shot for t in self._taken]

    @property
    def done(self) -> bool:
        """True once ``max_shots`` shots are taken."""
        return len(self._taken) >= self.rules.max_shots

    def reset(self) -> None:
        """Forget every shot (start over, or another person)."""
        self._taken.clear()
        self._motion = _Motion()

    def remove(self, index: int) -> None:
        """Drop one shot (the admin tapped a bad thumbnail)."""
        if 0 <= index < len(self._taken):
            del self._taken[index]

    # ------------------------------------------------------------------ analysis
    def _subject(self, dets: list[Detection], shape: tuple[int, int]) -> tuple[Detection | None, bool]:
        """The largest face and whether another face is big enough to be a second person (a face cut
        by the frame's edge is someone passing by, as for photos in Enroller.shot_from_frame)."""
        if not dets:
            return None, False
        h, w = shape
        dets = sorted(dets, key=lambda d: d.area, reverse=True)
        others = inside_frame(dets[1:], w, h)
        crowded = bool(others) and others[0].area >= self.rules.bystander_ratio * dets[0].area
        return dets[0], crowded

    def _moving(self, det: Detection, now: float) -> bool:
        """True when the face centre moved faster than ``max_motion`` face sizes per second."""
        centre = np.array([(det.box[0] + det.box[2]) / 2, (det.box[1] + det.box[3]) / 2], np.float32)
        size = max(1.0, min(det.width, det.height))
        m = self._motion
        moving = False
        if m.centre is not None and now > m.at:
            speed = float(np.hypot(*(centre - m.centre))) / size / (now - m.at)
            moving = speed > self.rules.max_motion
        m.centre, m.at, m.size = centre, now, size
        return moving

    def analyse(self, frame: np.ndarray) -> Analysis:
        """Look at one frame; take a shot when it is good and varied. Runs detection (and, for a
        usable face, one embedding): call it off the UI thread."""
        r = self.rules
        now = self.clock()
        shape = (int(frame.shape[0]), int(frame.shape[1]))
        dets = self.pipeline.detect(frame)
        subject, crowded = self._subject(dets, shape)
        others = tuple(d.box for d in dets if d is not subject)
        n = len(self._taken)
        if subject is None:
            self._motion = _Motion()
            return Analysis(Hint.DONE if self.done else Hint.NO_FACE, None, others, None, None, n, shape)
        moving = self._moving(subject, now)

        def result(hint: Hint, quality: FaceQuality | None = None, shot: Shot | None = None) -> Analysis:
            if self.done and shot is None:
                hint = Hint.DONE
            return Analysis(hint, subject.box, others, quality, shot, len(self._taken), shape)

        if self.done:
            return result(Hint.DONE)
        if crowded:
            return result(Hint.MULTIPLE)
        if min(subject.width, subject.height) < r.min_face_px:
            return result(Hint.MOVE_CLOSER)
        if abs(estimate_yaw(subject.kps)) > r.max_yaw_deg:
            return result(Hint.FACE_CAMERA)
        face = self.pipeline.embed_detections(frame, [subject])[0]
        q = face.quality
        # Again on the keypoints the embedder used (the pipeline may refine them): a profile whose raw
        # landmarks looked frontal must not slip through.
        if abs(q.yaw_deg) > r.max_yaw_deg:
            return result(Hint.FACE_CAMERA, q)
        if q.brightness < r.min_brightness:
            return result(Hint.TOO_DARK, q)
        if q.brightness > r.max_brightness:
            return result(Hint.TOO_BRIGHT, q)
        if moving or q.sharpness < r.min_sharpness:
            return result(Hint.HOLD_STILL, q)
        if self._taken and max(float(face.embedding @ t.shot.face.embedding) for t in self._taken) < self.same_person:
            return result(Hint.OTHER_PERSON, q)
        if not self._varied(face.embedding, q.yaw_deg, now):
            return result(Hint.GOOD, q)
        # The stored crop is cut with the keypoints the embedding used (refined ones, when on).
        shot = Shot(self.source, face, encode_jpeg(canonical_crop(frame, face.detection.kps)))
        self._taken.append(_Taken(shot, now))
        return result(Hint.SHOT, q, shot)

    def _varied(self, embedding: np.ndarray, yaw: float, now: float) -> bool:
        """Whether a good face differs enough from the shots taken to be worth keeping."""
        if not self._taken:
            return True
        since = now - self._taken[-1].at
        if since < self.rules.min_gap_s:
            return False
        sims = [float(embedding @ t.shot.face.embedding) for t in self._taken]
        if max(sims) > self.rules.same_frame_similarity:
            return False  # the same picture again (a frozen camera, a looping video) teaches nothing
        if since >= self.rules.relax_after_s:
            return True
        yaw_steps = [abs(yaw - t.shot.face.quality.yaw_deg) for t in self._taken]
        return max(sims) <= self.rules.max_similarity or min(yaw_steps) >= self.rules.min_yaw_step
