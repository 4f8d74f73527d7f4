"""A light IoU tracker: follows faces from frame to frame so each is recognised once per track.

Detections are matched to tracks greedily by box overlap; a track survives ``max_missed`` frames
without a detection (a blink, a turned head, a missed detection) before it ends. A detection that
continues a track but jumps (its box much larger, smaller or further away than a face moves in a frame)
marks the track: the face on it may be another one (a cut, someone stepping in front), so the
recognizer embeds it at once instead of waiting for its next turn.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from kiosk.attendance.vote import IdentityVote
from kiosk.vision.boxes import JUMP_SHIFT, JUMP_STEP, Box, iou_matrix, jumped
from kiosk.vision.types import Detection


@dataclass(slots=True, eq=False)
class Track:
    """One face followed over time, with its identity vote.

    detection is this frame's detection, or None while the face is missing.
    first_tick/first_time: when the track began (frame counter, video seconds).
    """

    id: int
    box: Box
    detection: Detection | None
    first_tick: int
    first_time: float
    last_tick: int
    vote: IdentityVote
    misses: int = 0
    hits: int = 1
    last_embed_tick: int = -(10**9)
    last_embed_time: float = 0.0
    # When the box last jumped (kiosk.vision.boxes.jumped): the face on the track may have changed there.
    jump_tick: int = -(10**9)
    jump_time: float = 0.0
    embeds: int = 0
    greeted_person: int | None = None
    unknown_reported: bool = False
    # Video time since which the face has stood close and faced the kiosk without a break (StrangerRule).
    facing_since: float | None = None
    last_embedding: np.ndarray | None = None
    # The track's latest embeddings (newest last): the recognizer matches their mean.
    recent_embeddings: list[np.ndarray] = field(default_factory=list)

    def fused_embedding(self, embedding: np.ndarray, keep: int) -> np.ndarray:
        """Remember ``embedding`` and return the unit mean of the last ``keep`` embeddings of the track.

        Frames of one face differ by noise (blur, a half-closed eye, landmark jitter) that averaging
        cancels, so the mean is a better likeness of the face than any single frame; the first
        embedding of a track is returned as it is.
        """
        self.recent_embeddings.append(embedding)
        del self.recent_embeddings[:-keep]
        if len(self.recent_embeddings) == 1:
            return embedding
        mean = np.sum(self.recent_embeddings, axis=0)
        return (mean / max(float(np.linalg.norm(mean)), 1e-12)).astype(np.float32)

    @property
    def jumped(self) -> bool:
        """The box jumped since the track's last embedding: its face must be looked at again."""
        return self.jump_tick > self.last_embed_tick

    @property
    def size_px(self) -> float:
        """The shorter side of the box in pixels."""
        return min(self.box[2] - self.box[0], self.box[3] - self.box[1])


class IoUTracker:
    """Greedy IoU tracker.

    iou_threshold: least overlap for a detection to continue a track.
    jump_step / jump_shift: a matched detection whose size changed by more than ``jump_step`` times, or
        whose centre moved more than ``jump_shift`` box sides, per frame since the track was last seen,
        marks a jump (Track.jumped).
    max_missed: frames a track lives on without a detection.
    votes/window/unknown_after: the identity-vote rule each new track gets (see IdentityVote).
    """

    def __init__(self, iou_threshold: float = 0.3, max_missed: int = 5, votes: int = 2,
                 window: int | None = None, unknown_after: int | None = None,
                 jump_step: float = JUMP_STEP, jump_shift: float = JUMP_SHIFT) -> None:
        self.iou_threshold = iou_threshold
        self.jump_step = jump_step
        self.jump_shift = jump_shift
        self.max_missed = max_missed
        self.votes = votes
        self.window = window
        self.unknown_after = unknown_after
        self.tracks: list[Track] = []
        self._next_id = 1

    def update(self, detections: list[Detection], tick: int, video_time: float) -> list[Track]:
        """Match this frame's detections to tracks; returns every live track (matched ones carry a detection)."""
        tracks = self.tracks
        boxes_t = np.array([t.box for t in tracks], np.float32).reshape(-1, 4)
        boxes_d = np.array([d.box for d in detections], np.float32).reshape(-1, 4)
        ious = iou_matrix(boxes_t, boxes_d)
        matched_t: set[int] = set()
        matched_d: set[int] = set()
        if ious.size:
            # Greedy by overlap, best pairs first: faces rarely cross, so this equals the optimal match.
            order = np.argsort(-ious, axis=None)
            for flat in order:
                ti, di = divmod(int(flat), ious.shape[1])
                if ious[ti, di] < self.iou_threshold:
                    break
                if ti in matched_t or di in matched_d:
                    continue
                matched_t.add(ti)
                matched_d.add(di)
                t = tracks[ti]
                box: Box = tuple(float(v) for v in detections[di].box)  # type: ignore[assignment]
                if jumped(t.box, box, max(1, tick - t.last_tick), self.jump_step, self.jump_shift):
                    t.jump_tick = tick
                    t.jump_time = video_time
                t.detection = detections[di]
                t.box = box
                t.last_tick = tick
                t.misses = 0
                t.hits += 1
        alive: list[Track] = []
        for ti, t in enumerate(tracks):
            if ti not in matched_t:
                t.detection = None
                t.misses += 1
                if t.misses > self.max_missed:
                    continue
            alive.append(t)
        for di, d in enumerate(detections):
            if di not in matched_d:
                alive.append(Track(
                    id=self._next_id,
                    box=tuple(float(v) for v in d.box),  # type: ignore[arg-type]
                    detection=d,
                    first_tick=tick,
                    first_time=video_time,
                    last_tick=tick,
                    vote=IdentityVote(self.votes, self.window, self.unknown_after),
                ))
                self._next_id += 1
        self.tracks = alive
        return alive

    def split(self, track: Track, tick: int, video_time: float) -> Track:
        """Replace ``track`` by a new one on the same box (the face on it changed: a cut, a swap).

        The new track gets a fresh vote, so the new face is judged on its own frames. It is dated from
        the jump of its box when there was one since the old track's last embedding (that is where the
        face changed), otherwise from just after that embedding (the change happened somewhere since),
        so latencies measured from its first frame are never understated.
        """
        if track.jumped:
            first_tick, first_time = track.jump_tick, track.jump_time
        else:
            first_tick = min(tick, track.last_embed_tick + 1)
            first_time = min(video_time, track.last_embed_time + 1e-3)
        new = Track(id=self._next_id, box=track.box, detection=track.detection, first_tick=first_tick,
                    first_time=first_time, last_tick=tick,
                    vote=IdentityVote(self.votes, self.window, self.unknown_after))
        self._next_id += 1
        self.tracks = [new if t is track else t for t in self.tracks]
        return new

    def reset(self) -> None:
        """Forget every track (the camera was lost: the next frames are a new scene)."""
        self.tracks = []
