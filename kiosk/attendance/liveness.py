"""Liveness in the running kiosk: the mode in force, per-track evidence and the networks loaded on first need.

The cues and the verdict of one track are kiosk.vision.liveness (read its docstring for the modes);
the recognizer (kiosk.attendance.recognizer.FrameRecognizer) feeds this gate the keypoints of every
frame and the networks' score of every embedded face, and greets a recognised person only once their
track is judged live.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from typing import Protocol

import numpy as np

from kiosk.vision.liveness import MODES, SETTING_KEY, LivenessSettings, TrackEvidence

log = logging.getLogger(__name__)


class Scorer(Protocol):
    """The networks (kiosk.vision.antispoof.AntiSpoofEnsemble)."""

    @property
    def available(self) -> bool: ...

    def score(self, frame: np.ndarray, box: tuple[float, float, float, float]) -> float | None: ...


class ModeSource:
    """The mode in force: ``--liveness`` when given, else the admin's setting, else the config's.

    The admin's setting lives in the database, so a change in admin mode (or on another kiosk of the
    same database) takes effect within ``ttl_s`` without a restart; read on the recognition worker.
    """

    def __init__(self, override: str | None, config_mode: str,
                 read_setting: Callable[[str], str | None] | None = None, ttl_s: float = 5.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.override = override
        self.config_mode = config_mode
        self.read_setting = read_setting
        self.ttl_s = ttl_s
        self.clock = clock
        self._cached: str | None = None
        self._at = -1e18

    def __call__(self) -> str:
        if self.override:
            return self.override
        if self.read_setting is None:
            return self.config_mode
        now = self.clock()
        if self._cached is None or now - self._at >= self.ttl_s:
            self._at = now
            try:
                raw = self.read_setting(SETTING_KEY)
            except Exception:  # a locked database: keep the last mode, try again later
                log.warning("could not read the liveness setting", exc_info=True)
                raw = self._cached
            self._cached = raw if raw in MODES else self.config_mode
        return self._cached or self.config_mode


class LivenessGate:
    """Liveness for the recognizer: per-track evidence, verdicts, and the networks loaded on first need.

    settings: thresholds (its ``mode`` is replaced by ``mode_source()`` on every frame);
    load_scorer: loads the networks (called once, the first time a mode other than off needs them).
    """

    def __init__(self, settings: LivenessSettings, mode_source: Callable[[], str] | None = None,
                 load_scorer: Callable[[], Scorer] | None = None) -> None:
        self.settings = settings
        self.mode_source = mode_source or (lambda: settings.mode)
        self._load_scorer = load_scorer
        self._scorer: Scorer | None = None
        self._lock = threading.Lock()
        self.tracks: dict[int, TrackEvidence] = {}

    @property
    def mode(self) -> str:
        """The mode in force now."""
        return self.mode_source()

    def active(self) -> LivenessSettings | None:
        """The settings with the mode in force, or None when liveness is off."""
        mode = self.mode
        if mode == "off":
            return None
        return self.settings if self.settings.mode == mode else replace(self.settings, mode=mode)

    @property
    def scorer(self) -> Scorer | None:
        """The networks (loaded now if needed; None when there is no loader)."""
        with self._lock:
            if self._scorer is None and self._load_scorer is not None:
                self._scorer = self._load_scorer()
            return self._scorer

    @property
    def nets(self) -> bool:
        """At least one network is loaded."""
        sc = self.scorer
        return sc is not None and sc.available

    def evidence(self, track_id: int, first_time: float) -> TrackEvidence:
        """The evidence of a track (created at its first frame seen here)."""
        ev = self.tracks.get(track_id)
        if ev is None:
            ev = self.tracks[track_id] = TrackEvidence(first_time)
        return ev

    def score(self, frame: np.ndarray, box: tuple[float, float, float, float]) -> float | None:
        """The networks' P(real) of one face (None when none is loaded)."""
        sc = self.scorer
        return sc.score(frame, box) if sc is not None else None

    def forget_except(self, alive: set[int]) -> None:
        """Drop the evidence of tracks that ended."""
        for tid in [t for t in self.tracks if t not in alive]:
            del self.tracks[tid]

    def reset(self) -> None:
        """Forget every track."""
        self.tracks.clear()
