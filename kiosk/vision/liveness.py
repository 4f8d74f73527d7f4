"""Presentation-attack detection per track: a photo or a phone screen must not check anyone in.

The two cues, the three modes and the verdict of one track; the kiosk (kiosk.attendance.liveness) and
``kiosk eval liveness`` both judge with :class:`TrackEvidence`.

Two cues, judged over a face's track rather than one frame:

* the **networks** (kiosk.vision.antispoof: MiniFASNet V2 and V1SE, optional files): run on the
  track's embedded faces only (every ``embed_every`` frames, off the UI thread, on the recognition
  worker), their P(real) averaged over the track;
* the **motion cue** (kiosk.vision.planarity): needs no weights; the five keypoints of every frame
  of the track, and how far the nose leaves the plane of the eyes and mouth (parallax). A flat
  medium moved by hand has none. Strict mode also tracks the face's own texture between frames
  0.2-0.5 s apart (``texture_parallax``: how far many points of the face leave one plane) and
  judges the geometric mean of the two (``relief``): the keypoints partly follow a turned photo's
  pose as if it were a head, the texture does not.

Modes (``[liveness] mode``, ``--liveness``, the admin setting):

* ``off``: nothing runs and nothing changes.
* ``passive``: the networks decide as soon as the track has ``min_scores`` scores (the identity
  vote needs as many embeddings, so no check-in waits); the motion cue only vetoes a *clear* attack
  (the face moved about the picture a lot and its nose never left the plane). Without network files
  only that veto remains.
* ``strict``: both must say live: the networks' mean at least ``strict_threshold`` *and* the motion
  cue's relief at least ``strict_relief``. A track is live as soon as both hold, from
  ``strict_min_s`` (0.4 s) after its first frame on (a person who moves is greeted without waiting
  longer); otherwise it is judged an attack ``strict_window_s`` after its
  first frame, so the decision comes within a second. The planar veto of passive is not used: it
  only judged sooner what the window end judges anyway, and it refused real people who walked
  across the picture without turning. Without network files the motion cue decides alone.

A verdict, once given, is final for the track (a new face on the box is a new track).
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Literal

import cv2
import numpy as np

from kiosk.vision.planarity import motion_extent, parallax, relief, texture_parallax, usable

if TYPE_CHECKING:
    from kiosk.config import LivenessConfig
    from kiosk.vision.types import Detection

MODES = ("off", "passive", "strict")
LivenessMode = Literal["off", "passive", "strict"]
VerdictState = Literal["pending", "live", "spoof"]
# The admin's choice of mode, stored in the shared settings table (the same for every kiosk on the database).
SETTING_KEY = "liveness_mode"
# Keypoint frames a track keeps for the motion cue (strict decides within a second: ~30 frames).
MAX_FRAMES = 90
# Longest side of the face snapshot kept of an attack (a thumbnail for the audit, not a template).
SNAPSHOT_PX = 128
# The texture cue (strict): a frame's face is compared with the newest one kept at least TEXTURE_LAG_S and at
# most TEXTURE_MAX_LAG_S earlier (long enough for a head to turn a little, short enough for the tracked points
# to stay on the face), at most once every TEXTURE_EVERY_S; time-based, so a kiosk that recognises at 12 fps
# and one at 30 fps measure the same motion.
TEXTURE_LAG_S = 0.2
TEXTURE_MAX_LAG_S = 0.5
TEXTURE_EVERY_S = 0.1
# Texture pairs the motion cue needs before it says anything.
MIN_TEXTURE_PAIRS = 2
# strict's least relief (the config's ``strict_relief``), chosen on a development draw of the eval set that
# shares no LFW person and no stretch of video with the draw the README reports (kiosk.eval.liveness).
STRICT_RELIEF = 0.036


@dataclass(frozen=True, slots=True)
class LivenessSettings:
    """Thresholds of the two modes (``[liveness]`` in the config; defaults from ``kiosk eval liveness``).

    passive_threshold / strict_threshold: least mean P(real) of the networks.
    strict_relief: least relief of a live head in strict mode: the geometric mean of the nose's
    parallax and the texture's (inter-ocular distances; kiosk.vision.planarity.relief).
    strict_window_s: strict judges a track that has not shown both cues live by then an attack.
    strict_min_s: strict says live no sooner than this after the track's first frame: the texture's
    median then rests on three or more pairs, not on the first two (fewer photos pass on a lucky start).
    min_scores: network scores a verdict needs (passive) / averages at least (strict).
    min_frames: keypoint frames before the motion cue says anything.
    veto_parallax, veto_motion: the clear attack passive vetoes: parallax below the first although
    the face moved (shift + scale change, in inter-ocular distances) at least the second.
    """

    mode: str = "off"
    passive_threshold: float = 0.35
    strict_threshold: float = 0.3
    strict_relief: float = STRICT_RELIEF
    strict_window_s: float = 0.9
    strict_min_s: float = 0.4
    min_scores: int = 2
    min_frames: int = 8
    veto_parallax: float = 0.035
    veto_motion: float = 1.0

    @classmethod
    def from_config(cls, lc: LivenessConfig, mode: str | None = None) -> LivenessSettings:
        """Settings from the config's [liveness] section (``mode`` overrides its mode)."""
        return cls(mode=mode or lc.mode, passive_threshold=lc.passive_threshold,
                   strict_threshold=lc.strict_threshold, strict_relief=lc.strict_relief,
                   strict_window_s=lc.strict_window_s)


@dataclass(frozen=True, slots=True)
class LivenessVerdict:
    """What liveness says about a track.

    state: pending (not enough evidence yet), live or spoof; reason (spoof only): "networks" (their
    mean is too low), "planar" (passive: moved as a plane, a clear attack) or "no_parallax" (strict:
    the face never left the plane within the window); score: the networks' mean P(real) (None without
    network files or scores); parallax / frames: the nose's keypoint parallax and how many frames it
    had; texture / relief (strict): the texture's parallax (median over its pairs) and the figure strict
    judges, the geometric mean of the two.
    """

    state: VerdictState
    reason: str = ""
    score: float | None = None
    parallax: float = 0.0
    frames: int = 0
    scores: int = 0
    at: float = 0.0
    texture: float = 0.0
    relief: float = 0.0

    def to_json(self) -> dict[str, object]:
        """The JSON form (``kiosk run --json``, the eval)."""
        return {"liveness": self.state, "reason": self.reason,
                "score": None if self.score is None else round(self.score, 4),
                "parallax": round(self.parallax, 4), "texture": round(self.texture, 4),
                "relief": round(self.relief, 4), "frames": self.frames, "scores": self.scores}


PENDING = LivenessVerdict("pending")


class TrackEvidence:
    """The liveness evidence of one track: keypoints of every frame, network scores of embedded frames."""

    __slots__ = ("_crops", "_last_pair", "_parallax_n", "_parallax_v", "first_time", "kps", "reported", "scores",
                 "textures", "verdict")

    def __init__(self, first_time: float) -> None:
        self.first_time = first_time
        self.kps: list[np.ndarray] = []
        self.scores: list[float] = []
        self.textures: list[float] = []
        self.verdict = PENDING
        self.reported = False
        self._parallax_n = -1
        self._parallax_v = 0.0
        self._crops: deque[tuple[float, np.ndarray]] = deque()
        self._last_pair = -1e18

    def add_detection(self, det: Detection) -> None:
        """Remember a frame's keypoints (profile views are left out: their quadrilateral is degenerate).

        Only while the verdict is pending, and at most MAX_FRAMES of them: a person who stays in front of
        the kiosk for an hour must not grow the list (nor the pairwise fit, quadratic in its length).
        """
        if self.verdict.state == "pending" and len(self.kps) < MAX_FRAMES and usable(det.kps, det.width):
            self.kps.append(np.asarray(det.kps, np.float64).copy())

    def add_texture(self, t: float, crop: np.ndarray | None) -> None:
        """Remember a frame's texture crop (kiosk.vision.planarity.texture_crop) at video time ``t`` (strict).

        At most once every TEXTURE_EVERY_S the crop is compared with the newest kept one at least TEXTURE_LAG_S
        older (and at most TEXTURE_MAX_LAG_S): one texture figure more. Only crops of the last TEXTURE_MAX_LAG_S
        are kept (a few 128x128 grey images), and nothing once a verdict is given.
        """
        if crop is None or self.verdict.state != "pending" or len(self.textures) >= MAX_FRAMES:
            return
        while self._crops and self._crops[0][0] < t - TEXTURE_MAX_LAG_S - 1e-6:
            self._crops.popleft()
        if t - self._last_pair >= TEXTURE_EVERY_S - 1e-6:
            earlier = [c for (tc, c) in self._crops if tc <= t - TEXTURE_LAG_S + 1e-6]
            if earlier:
                self._last_pair = t
                value = texture_parallax(earlier[-1], crop)
                if value is not None:
                    self.textures.append(value)
        self._crops.append((t, crop))

    def texture(self) -> float:
        """The texture's parallax so far: the median of its pairs (0.0 before MIN_TEXTURE_PAIRS of them)."""
        return float(np.median(self.textures)) if len(self.textures) >= MIN_TEXTURE_PAIRS else 0.0

    def add_score(self, score: float | None) -> None:
        """Remember the networks' P(real) of an embedded frame (None: no network loaded)."""
        if score is not None:
            self.scores.append(float(score))

    def parallax(self) -> float:
        """The motion cue's parallax over the frames so far (cached per frame count)."""
        if self._parallax_n != len(self.kps):
            self._parallax_n = len(self.kps)
            self._parallax_v = parallax(self.kps) if len(self.kps) >= 2 else 0.0
        return self._parallax_v

    def judge(self, s: LivenessSettings, now: float, nets: bool, final: bool = False) -> LivenessVerdict:
        """The verdict at video time ``now`` (``nets``: the networks are loaded; ``final``: the track
        ends, decide with what there is). A given verdict is kept."""
        if self.verdict.state != "pending" or s.mode == "off":
            return self.verdict
        n = len(self.kps)
        par = self.parallax() if n >= s.min_frames else 0.0
        score = float(np.mean(self.scores)) if self.scores else None
        base = LivenessVerdict("pending", "", score, par, n, len(self.scores), now)
        verdict = base
        if s.mode == "passive":
            clear_attack = (n >= s.min_frames and par < s.veto_parallax
                            and motion_extent(self.kps) >= s.veto_motion)
            if clear_attack:
                verdict = replace(base, state="spoof", reason="planar")
            elif not nets:
                verdict = replace(base, state="live")  # only the veto is left
            elif len(self.scores) >= s.min_scores:
                ok = score is not None and score >= s.passive_threshold
                verdict = replace(base, state="live" if ok else "spoof", reason="" if ok else "networks")
        elif s.mode == "strict":
            tex = self.texture()
            fig = relief(par, tex)
            base = verdict = replace(base, texture=tex, relief=fig)
            nets_live = not nets or (len(self.scores) >= s.min_scores and score is not None
                                     and score >= s.strict_threshold)
            motion_live = (n >= s.min_frames and fig >= s.strict_relief
                           and now - self.first_time >= s.strict_min_s - 1e-6)
            due = final or now - self.first_time >= s.strict_window_s - 1e-6
            if nets_live and motion_live:
                verdict = replace(base, state="live")
            elif due:
                nets_low = nets and score is not None and score < s.strict_threshold
                verdict = replace(base, state="spoof", reason="networks" if nets_low else "no_parallax")
        self.verdict = verdict
        return verdict


def snapshot(frame: np.ndarray, box: tuple[float, float, float, float], px: int = SNAPSHOT_PX) -> np.ndarray:
    """A small picture of the face and a little around it (the audit's evidence), longest side ``px``."""
    h, w = frame.shape[:2]
    x1, y1, x2, y2 = box
    cx, cy, half = (x1 + x2) / 2, (y1 + y2) / 2, 0.75 * max(x2 - x1, y2 - y1)
    a, b = max(0, int(cx - half)), max(0, int(cy - half))
    c, d = min(w, int(cx + half)), min(h, int(cy + half))
    crop = frame[b:d, a:c]
    if crop.size == 0:
        return np.zeros((1, 1, 3), np.uint8)
    s = px / max(crop.shape[:2])
    return cv2.resize(crop, None, fx=s, fy=s, interpolation=cv2.INTER_AREA) if s < 1 else crop.copy()
