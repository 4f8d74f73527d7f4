"""One frame in, tracked and identified faces plus check-ins out: detect, track, embed, vote, record.

The same object serves the kiosk window (on its worker thread) and ``kiosk run`` (headless), so the
two can never disagree about who checked in.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Literal, Protocol

import numpy as np

from kiosk.attendance.policy import AttendanceRecorder, local_now
from kiosk.attendance.stranger import StrangerRule
from kiosk.attendance.tracker import IoUTracker, Track
from kiosk.attendance.vote import MatchLike
from kiosk.config import RecognitionConfig

if TYPE_CHECKING:
    from kiosk.attendance.liveness import LivenessGate
    from kiosk.vision.liveness import LivenessSettings, LivenessVerdict
    from kiosk.vision.pipeline import FacePipeline

log = logging.getLogger(__name__)

TrackState = Literal["deciding", "known", "unknown", "far", "spoof"]


class Matcher(Protocol):
    """The gallery side: one embedding in, the best person (or nobody) out (kiosk.gallery.Gallery).

    A matcher may also offer ``current_name(person_id) -> str | None`` (the Gallery does): the person's
    name now, or None once they left it. The recognizer then names and records nobody the gallery no
    longer holds, and shows a rename on tracks decided before it.
    """

    def match(self, embedding: np.ndarray) -> MatchLike: ...


@dataclass(frozen=True, slots=True)
class TrackView:
    """A face to draw: its box, state (known / unknown / deciding / far) and, when known, who."""

    track_id: int
    box: tuple[float, float, float, float]
    state: TrackState
    person_id: int | None = None
    name: str | None = None
    similarity: float = 0.0
    missing: bool = False


@dataclass(frozen=True, slots=True)
class Greeting:
    """A person was recognised on a track: what was recorded and how fast.

    kind: the event written ("checkin", "in", "out"), or None when the policy did not count this pass
    (already checked in today); at: the event time (or the earlier event's time when not recorded);
    latency_s: video time from the track's first frame to this decision.
    """

    track_id: int
    person_id: int
    name: str
    similarity: float
    kind: str | None
    at: datetime
    previous_at: datetime | None
    frame_index: int
    video_time_s: float
    latency_s: float
    error: str | None = None

    @property
    def recorded(self) -> bool:
        """True when this recognition wrote an attendance event."""
        return self.kind is not None and self.error is None


@dataclass(frozen=True, slots=True)
class UnknownFace:
    """A stranger at the kiosk: a track decided "not in the gallery" whose face also met the stranger
    rule (close, frontal, for a moment: StrangerRule). The screen shows guidance once per track."""

    track_id: int
    frame_index: int
    video_time_s: float


@dataclass(frozen=True, slots=True, eq=False)
class SpoofFace:
    """A track judged a presentation attack (a photo, a screen): no check-in (kiosk.attendance.liveness).

    person_id / name: whom the face was recognised as (None when the vote named nobody); latency_s:
    video time from the track's first frame to the verdict; snapshot: a small BGR picture of the face
    (the audit's evidence, kept under the retention rules).
    """

    track_id: int
    frame_index: int
    video_time_s: float
    latency_s: float
    verdict: LivenessVerdict
    box: tuple[float, float, float, float]
    person_id: int | None = None
    name: str | None = None
    snapshot: np.ndarray | None = None

    def to_json(self) -> dict[str, object]:
        """The ``kiosk run --json`` line: ``{"event": "spoof", ...}``."""
        return {"event": "spoof", "track": self.track_id, "person_id": self.person_id, "name": self.name,
                "frame": self.frame_index, "video_time_s": round(self.video_time_s, 3),
                "latency_s": round(self.latency_s, 3), **self.verdict.to_json()}


@dataclass(frozen=True, slots=True)
class FrameResult:
    """Everything the screen needs about one processed frame."""

    frame_index: int
    video_time_s: float
    tracks: tuple[TrackView, ...]
    greetings: tuple[Greeting, ...] = ()
    unknowns: tuple[UnknownFace, ...] = ()
    infer_ms: float = 0.0
    embedded: int = 0
    spoofs: tuple[SpoofFace, ...] = ()


@dataclass(frozen=True, slots=True)
class RecognizerSettings:
    """Tracking and voting knobs (from [recognition] in the config)."""

    votes: int = 2
    embed_every: int = 2
    min_face_px: float = 40.0
    iou_threshold: float = 0.3
    max_missed: int = 5
    max_embed_per_frame: int = 4
    # Decided tracks are re-checked now and then: a cut or a swap must not keep a wrong name on screen.
    reverify_known_every: int = 10
    reverify_unknown_every: int = 4
    # Two embeddings on one track this dissimilar are two different faces (a scene cut, people swapping
    # places within the IoU gate): the track is split. Frames of one face score far above this.
    split_below: float = 0.2
    # Which unknown tracks are reported as strangers (the "Not recognised" banner).
    stranger: StrangerRule = field(default_factory=StrangerRule)

    @classmethod
    def from_config(cls, rc: RecognitionConfig) -> RecognizerSettings:
        """Settings from the config's [recognition] section."""
        return cls(votes=rc.votes, embed_every=rc.embed_every, min_face_px=float(rc.min_face_px),
                   reverify_known_every=max(10, 5 * rc.embed_every),
                   reverify_unknown_every=max(4, 2 * rc.embed_every),
                   stranger=StrangerRule(rc.stranger_min_face, rc.stranger_max_yaw, rc.stranger_dwell_s))


class FrameRecognizer:
    """Turns frames into tracked, identified faces and attendance events.

    pipeline: a kiosk.vision.pipeline.FacePipeline; matcher: the gallery; recorder: attendance
    (None: recognise and greet but record nothing).
    """

    def __init__(self, pipeline: FacePipeline, matcher: Matcher, recorder: AttendanceRecorder | None,
                 settings: RecognizerSettings | None = None,
                 clock: Callable[[], datetime] = local_now, liveness: LivenessGate | None = None,
                 on_spoof: Callable[[SpoofFace], None] | None = None) -> None:
        self.pipeline = pipeline
        # Presentation-attack detection (None or mode "off": none of it runs); on_spoof records an
        # attack (audit entry, snapshot) on this worker thread, like the recorder records check-ins.
        self.liveness = liveness
        self.on_spoof = on_spoof
        self.matcher = matcher
        self.recorder = recorder
        self.settings = settings or RecognizerSettings()
        self.clock = clock
        s = self.settings
        self.tracker = IoUTracker(s.iou_threshold, s.max_missed, s.votes)
        self.tick = 0

    def reset(self) -> None:
        """Forget all tracks (after the camera was lost: the scene may have changed)."""
        self.tracker.reset()
        if self.liveness is not None:
            self.liveness.reset()

    def _name_now(self, person_id: int, name: str | None, cache: dict[int, str | None]) -> str | None:
        """The person's name now, or None when the gallery no longer has them (deleted, deactivated)."""
        if person_id not in cache:
            lookup = getattr(self.matcher, "current_name", None)
            cache[person_id] = name if lookup is None else lookup(person_id)
        return cache[person_id]

    def _due(self, t: Track, tick: int) -> bool:
        s = self.settings
        if t.jumped:  # maybe another face on the track now: look at once, whatever its state
            return True
        state = t.vote.decision.state
        every = s.embed_every if state == "deciding" else (
            s.reverify_known_every if state == "known" else s.reverify_unknown_every)
        return tick - t.last_embed_tick >= every

    def process(self, frame: np.ndarray, frame_index: int, video_time_s: float) -> FrameResult:
        """Detect, track, embed the tracks that are due, vote, and record check-ins for one BGR frame."""
        t0 = time.perf_counter()
        s = self.settings
        tick = self.tick
        self.tick += 1
        detections = self.pipeline.detect(frame)
        tracks = self.tracker.update(detections, tick, video_time_s)
        live = self.liveness.active() if self.liveness is not None else None
        if live is not None:
            self._observe_keypoints(tracks, frame, video_time_s, texture=live.mode == "strict")
        due = [t for t in tracks
               if t.detection is not None and t.size_px >= s.min_face_px and self._due(t, tick)]
        # Largest faces first: the person at the kiosk, not the crowd behind them.
        due.sort(key=lambda t: -t.size_px)
        due = due[: s.max_embed_per_frame]
        greetings: list[Greeting] = []
        unknowns: list[UnknownFace] = []
        names_now: dict[int, str | None] = {}
        if due:
            faces = self.pipeline.embed_detections(frame, [t.detection for t in due])
            for tracked, face in zip(due, faces, strict=True):
                t = tracked
                prev = t.last_embedding
                if prev is not None and float(np.dot(prev, face.embedding)) < s.split_below:
                    t = self.tracker.split(t, tick, video_time_s)
                t.last_embedding = face.embedding
                # The track's last `votes` embeddings are matched as one: a steadier likeness than a
                # single frame, so a face near the threshold is decided sooner and a stranger's one
                # lucky frame counts for less.
                match = self.matcher.match(t.fused_embedding(face.embedding, s.votes))
                t.last_embed_tick = tick
                t.last_embed_time = video_time_s
                t.embeds += 1
                if live is not None:
                    self._observe_score(t, frame, video_time_s)
                decision = t.vote.add(match)
                # With liveness on, check-ins wait for a live verdict (_judge_liveness, below).
                if live is None and decision.state == "known" and decision.person_id != t.greeted_person:
                    name = self._name_now(decision.person_id, decision.name, names_now)
                    if name is None:  # removed from the gallery since it matched: nobody to greet
                        t.vote.forget(decision.person_id)
                        continue
                    t.greeted_person = decision.person_id
                    greetings.append(self._greet(t, decision.person_id, name, decision.similarity,
                                                 frame_index, video_time_s))
        # A track decided before the gallery changed (the change feed): a person no longer there is
        # forgotten, never drawn or greeted by name again; a renamed one is drawn by the new name.
        for t in self.tracker.tracks:
            d = t.vote.decision
            if d.state == "known" and d.person_id is not None and self._name_now(d.person_id, d.name,
                                                                                 names_now) is None:
                t.vote.forget(d.person_id)
        # Every frame, not only when a track is embedded: the face may come close or turn to the kiosk
        # (and stay) long after its track was decided unknown.
        rule = s.stranger
        for t in self.tracker.tracks:
            t.facing_since = rule.streak(t.facing_since, t.detection, frame.shape, video_time_s)
            if (t.vote.decision.state == "unknown" and not t.unknown_reported
                    and rule.met(t.facing_since, video_time_s) and not self._spoofed(t)):
                t.unknown_reported = True
                unknowns.append(UnknownFace(t.id, frame_index, video_time_s))
                if self.recorder is not None:
                    self.recorder.alert("unknown")  # only writes when an output listens for "unknown"
        spoofs: list[SpoofFace] = []
        if live is not None:
            self._judge_liveness(live, frame, frame_index, video_time_s, greetings, spoofs, names_now)
        views = tuple(self._view(t, names_now) for t in self.tracker.tracks)
        return FrameResult(frame_index, video_time_s, views, tuple(greetings), tuple(unknowns),
                           (time.perf_counter() - t0) * 1000.0, len(due), tuple(spoofs))

    # -- liveness (kiosk.attendance.liveness) ---------------------------------------------------------
    def _observe_keypoints(self, tracks: list[Track], frame: np.ndarray, video_time_s: float,
                           texture: bool) -> None:
        """Every frame: the keypoints of each face large enough to be recognised (the motion cue), and in strict
        mode its aligned texture crop while its verdict is pending (a 128x128 warp; the texture is compared
        with an earlier crop at most every 0.1 s, a few milliseconds on this worker, never on the UI thread)."""
        from kiosk.vision.planarity import texture_crop, usable

        gate = self.liveness
        assert gate is not None
        for t in tracks:
            det = t.detection
            if det is not None and t.size_px >= self.settings.min_face_px:
                ev = gate.evidence(t.id, video_time_s)
                ev.add_detection(det)
                if texture and ev.verdict.state == "pending" and usable(det.kps, det.width):
                    ev.add_texture(video_time_s, texture_crop(frame, det.kps))
        gate.forget_except({t.id for t in tracks})

    def _observe_score(self, t: Track, frame: np.ndarray, video_time_s: float) -> None:
        """An embedded face: the networks' P(real) too (only here, not on every frame)."""
        gate = self.liveness
        assert gate is not None and t.detection is not None
        ev = gate.evidence(t.id, video_time_s)
        if ev.verdict.state == "pending":
            ev.add_score(gate.score(frame, t.detection.box))

    def _spoofed(self, t: Track) -> bool:
        ev = self.liveness.tracks.get(t.id) if self.liveness is not None else None
        return ev is not None and ev.verdict.state == "spoof"

    def _judge_liveness(self, live: LivenessSettings, frame: np.ndarray, frame_index: int, video_time_s: float,
                        greetings: list[Greeting], spoofs: list[SpoofFace],
                        names_now: dict[int, str | None]) -> None:
        """Greet a recognised track once it is judged live; report one judged an attack.

        An attack is reported (red banner, audit, snapshot) when it claimed someone's identity, or when
        it stands at the kiosk like a stranger would (StrangerRule): not for every face in the background.
        """
        from kiosk.vision.liveness import snapshot

        gate = self.liveness
        assert gate is not None
        nets = gate.nets
        for t in self.tracker.tracks:
            ev = gate.tracks.get(t.id)
            if ev is None:
                continue
            verdict = ev.judge(live, video_time_s, nets)
            d = t.vote.decision
            if verdict.state == "live" and d.state == "known" and d.person_id != t.greeted_person:
                name = self._name_now(d.person_id, d.name, names_now)  # None: no longer in the gallery
                if name is not None:
                    t.greeted_person = d.person_id
                    greetings.append(self._greet(t, d.person_id, name, d.similarity, frame_index, video_time_s))
            elif verdict.state == "spoof" and not ev.reported and (
                    d.state == "known" or self.settings.stranger.met(t.facing_since, video_time_s)):
                ev.reported = True
                box = t.box
                sf = SpoofFace(t.id, frame_index, video_time_s, max(0.0, video_time_s - t.first_time), verdict,
                               box, d.person_id if d.state == "known" else None,
                               d.name if d.state == "known" else None, snapshot(frame, box))
                log.warning("track %d: presentation attack (%s; networks %s, parallax %.3f, texture %.3f)%s", t.id,
                            verdict.reason, "-" if verdict.score is None else f"{verdict.score:.2f}",
                            verdict.parallax, verdict.texture, f", claimed {sf.name}" if sf.name else "")
                if self.on_spoof is not None:
                    try:
                        self.on_spoof(sf)
                    except Exception:  # the audit must not stop the kiosk
                        log.exception("could not record the presentation attack on track %d", t.id)
                if self.recorder is not None:
                    self.recorder.alert("spoof")  # only writes when an output listens for "spoof"
                spoofs.append(sf)

    def _greet(self, t: Track, person_id: int | None, name: str | None, similarity: float,
               frame_index: int, video_time_s: float) -> Greeting:
        assert person_id is not None
        now = self.clock()
        if self.recorder is not None:
            out = self.recorder.record(person_id, similarity, now)
            kind, at, prev, error = out.kind, out.ts, out.previous_ts, out.error
            if kind is None and error is None and prev is not None:
                at = prev  # not counted again: show when they did check in
        else:
            kind, at, prev, error = None, now, None, None
        g = Greeting(t.id, person_id, name or f"#{person_id}", float(similarity), kind, at, prev,
                     frame_index, video_time_s, max(0.0, video_time_s - t.first_time), error)
        log.info("track %d: %s (%.3f) -> %s", t.id, g.name, g.similarity, kind or "not counted")
        return g

    def _view(self, t: Track, names_now: dict[int, str | None]) -> TrackView:
        d = t.vote.decision
        if d.state == "deciding" and t.size_px < self.settings.min_face_px:
            state: TrackState = "far"
        elif self._spoofed(t):
            state = "spoof"
        else:
            state = d.state
        name = names_now.get(d.person_id, d.name) if d.person_id is not None else d.name
        return TrackView(t.id, t.box, state, d.person_id, name, d.similarity, t.detection is None)
