"""When an unknown face deserves the "Not recognised" banner: close, facing the kiosk, for a moment.

Every face the kiosk cannot name becomes an "unknown" track, including people walking past or
sitting in the background. Guidance ("please see the front desk") is only for someone who came to
the kiosk: a face large enough to be standing near it, roughly frontal, and staying so for a moment.
Qt-free: the recognizer applies it to each track on every frame.
"""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.vision.quality import estimate_yaw
from kiosk.vision.types import Detection


@dataclass(frozen=True, slots=True)
class StrangerRule:
    """Who counts as a stranger standing at the kiosk (the thresholds of ``[recognition] stranger_*``).

    min_face: the face box's shorter side as a fraction of the frame's shorter side. 0.2 is 96 px on a
    640x480 camera, a face about 0.9 m away (``min_face_px`` 56 is about 1.5 m), so a passer-by or an
    audience further back does not qualify; the frame's shorter side keeps it the same distance for a
    16:9 mode or a camera mounted on its side.
    max_yaw_deg: the largest head turn (from the five keypoints) of someone facing the kiosk.
    dwell_s: how long (video seconds) the face must stay close and frontal without a break; a track's
    missed detections (a blink, a missed frame) neither break nor extend the streak.
    All three at 0 / 90 / 0 give every unknown track the banner (the behaviour before this rule).
    """

    min_face: float = 0.2
    max_yaw_deg: float = 25.0
    dwell_s: float = 0.7

    def facing(self, detection: Detection, frame_shape: tuple[int, ...]) -> bool:
        """Whether this detection is close enough and frontal enough (one frame, no dwell)."""
        short_side = float(min(frame_shape[0], frame_shape[1]))
        size = min(detection.width, detection.height)
        if size < self.min_face * short_side:
            return False
        return abs(estimate_yaw(detection.kps)) <= self.max_yaw_deg

    def streak(self, since: float | None, detection: Detection | None, frame_shape: tuple[int, ...],
               now: float) -> float | None:
        """The updated start of a track's facing streak (None: not facing now).

        since: the streak's start so far; detection: this frame's detection of the track (None while
        it is missing, which keeps the streak as it is); now: this frame's video time.
        """
        if detection is None:
            return since
        if not self.facing(detection, frame_shape):
            return None
        return now if since is None else since

    def met(self, since: float | None, now: float) -> bool:
        """True when a streak started at ``since`` has lasted ``dwell_s`` by ``now``."""
        return since is not None and now - since >= self.dwell_s - 1e-9
