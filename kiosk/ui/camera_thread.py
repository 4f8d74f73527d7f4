"""The camera on its own QThread: a thin Qt wrapper around the Qt-free CameraLoop."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Literal

import cv2
import numpy as np
from PySide6.QtCore import QObject, QThread, Signal

from kiosk.camera.loop import CameraLoop, CameraStatus, Frame
from kiosk.camera.mailbox import NewestMailbox
from kiosk.camera.sources import FrameSource


class CameraThread(QThread):
    """Reads ``source`` off the UI thread.

    Every frame goes straight to ``frame_sink`` (the recognition mailbox) on this thread; the UI gets a
    ``frame_ready`` nudge and takes the newest frame with ``take_frame`` — at most one nudge is in
    flight, so a busy UI thread never accumulates a queue of stale frames.
    """

    frame_ready = Signal()
    status_changed = Signal(object)  # CameraStatus
    stream_ended = Signal()

    def __init__(self, source: FrameSource, *, pace: bool = True, at_end: Literal["stop", "loop"] = "loop",
                 frame_sink: Callable[[Frame], None] | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.source = source
        self.pace = pace
        self.at_end = at_end
        self.frame_sink = frame_sink
        self._stop = threading.Event()
        # The display's mailbox: a nudge goes out only when it was empty, so at most one is in flight.
        self._display: NewestMailbox[tuple[Frame, np.ndarray]] = NewestMailbox()
        self.frames_read = 0
        self.last_status: CameraStatus | None = None

    def run(self) -> None:
        """The thread body: the camera loop until ``stop``."""
        loop = CameraLoop(self.source, self._on_frame, self._on_status, pace=self.pace, at_end=self.at_end)
        if loop.run(self._stop) == "ended":
            self.stream_ended.emit()

    def _on_frame(self, frame: Frame) -> None:
        self.frames_read += 1
        if self.frame_sink is not None:
            self.frame_sink(frame)
        # The display copy is made here, off the UI thread (see VideoView.set_frame).
        bgrx = cv2.cvtColor(frame.image, cv2.COLOR_BGR2BGRA)
        if self._display.put((frame, bgrx)):
            self.frame_ready.emit()

    def _on_status(self, status: CameraStatus) -> None:
        self.last_status = status
        self.status_changed.emit(status)

    def take_frame(self) -> tuple[Frame, np.ndarray] | None:
        """The newest frame not yet shown and its BGRX display copy (UI thread), or None."""
        return self._display.poll()

    def stop(self, timeout_ms: int = 5000) -> None:
        """Ask the loop to end and wait for the thread."""
        self._stop.set()
        self.wait(timeout_ms)
