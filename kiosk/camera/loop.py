"""The camera loop: read frames, pace files in real time, report status, reconnect with backoff.

Runs on whatever thread calls ``run`` (the window's QThread, or the headless runner's own loop)
and hands every frame and status change to callbacks.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import numpy as np

from kiosk.camera.backoff import Backoff
from kiosk.camera.sources import FrameSource, SourceError

log = logging.getLogger(__name__)

CameraState = Literal["connecting", "live", "lost", "ended", "stopped"]


@dataclass(frozen=True, slots=True, eq=False)
class Frame:
    """One camera frame: BGR pixels, running index, video time and when it was captured.

    index counts every frame the source delivered since the loop started (it keeps rising across
    reconnects and loops); video_time_s is the file's own clock for videos and folders and the time
    since start for live cameras; captured_at is ``time.monotonic()`` at capture.
    """

    image: np.ndarray
    index: int
    video_time_s: float
    captured_at: float


@dataclass(frozen=True, slots=True)
class CameraStatus:
    """The camera's state for the status line: live, connecting, lost (retrying), ended, stopped."""

    state: CameraState
    source: str
    detail: str = ""
    retry_in_s: float = 0.0
    fps: float = 0.0


class CameraLoop:
    """Reads ``source`` until stopped.

    pace: show files/folders at their frame rate (the window) or as fast as possible (tests, benchmarks).
    at_end: "stop" ends the loop at the end of a file; "loop" starts it again (demo screens).
    A failed open or read reports ``lost`` and retries after a backoff delay (0.25 s doubling to 5 s).
    """

    def __init__(
        self,
        source: FrameSource,
        on_frame: Callable[[Frame], None],
        on_status: Callable[[CameraStatus], None] | None = None,
        *,
        pace: bool = True,
        at_end: Literal["stop", "loop"] = "stop",
        backoff: Backoff | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.source = source
        self.on_frame = on_frame
        self.on_status = on_status or (lambda status: None)
        self.pace = pace
        self.at_end = at_end
        self.backoff = backoff or Backoff()
        self.clock = clock
        self.frames = 0
        self._state: CameraState | None = None

    def _status(self, state: CameraState, detail: str = "", retry_in_s: float = 0.0, fps: float = 0.0) -> None:
        if state != self._state or state == "lost":
            self._state = state
            self.on_status(CameraStatus(state, self.source.describe(), detail, retry_in_s, fps))

    def _connect(self, stop: threading.Event) -> bool:
        """Open the source, retrying with backoff until it opens or ``stop`` is set."""
        self._status("connecting")
        while not stop.is_set():
            try:
                self.source.open()
                return True
            except SourceError as exc:
                delay = self.backoff.next()
                log.warning("%s; retrying in %.2f s", exc, delay)
                self._status("lost", str(exc), delay)
                if stop.wait(delay):
                    return False
        return False

    def run(self, stop: threading.Event) -> CameraState:
        """Read frames until ``stop`` is set or a finite source ends (at_end="stop"); returns the end state."""
        src = self.source
        if not self._connect(stop):
            return self._finish("stopped")
        period = 1.0 / src.fps
        started = self.clock()
        pace_origin: tuple[float, int] | None = None  # (clock, frame index) the schedule counts from
        fps_window_start, fps_window_frames, fps = started, 0, 0.0
        while not stop.is_set():
            try:
                image = src.read()
            except SourceError as exc:
                src.close()
                delay = self.backoff.next()
                log.warning("%s; reconnecting in %.2f s", exc, delay)
                self._status("lost", str(exc), delay)
                pace_origin = None
                if stop.wait(delay):
                    break
                if not self._connect(stop):
                    break
                continue
            now = self.clock()
            if image is None:  # end of a file or folder
                if self.at_end == "loop":
                    try:
                        src.rewind()
                    except SourceError as exc:
                        self._status("lost", str(exc), 0.0)
                    pace_origin = None
                    continue
                return self._finish("ended")
            self.backoff.reset()
            index = self.frames
            self.frames += 1
            video_time = (now - started) if src.live else index * period
            if self.pace and not src.live:
                # Sleep until this frame's time on a schedule anchored at the first frame, so frame
                # times do not drift; when far behind (a stall), re-anchor instead of bursting.
                if pace_origin is None or now - (pace_origin[0] + (index - pace_origin[1]) * period) > 1.0:
                    pace_origin = (now, index)
                due = pace_origin[0] + (index - pace_origin[1]) * period
                if due > now and stop.wait(due - now):
                    break
                now = self.clock()
            fps_window_frames += 1
            if now - fps_window_start >= 1.0:
                fps = fps_window_frames / (now - fps_window_start)
                fps_window_start, fps_window_frames = now, 0
                self._state = None  # force a status refresh carrying the new fps
            self._status("live", fps=fps)
            self.on_frame(Frame(image, index, video_time, now))
        return self._finish("stopped")

    def _finish(self, state: CameraState) -> CameraState:
        self.source.close()
        self._status(state)
        return state
