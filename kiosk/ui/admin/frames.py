"""Frame providers for the enrollment preview: the kiosk's camera tapped while enrolling, a video file
(tests, demos), and one helper that accepts any of them.

A provider is either a Qt signal carrying frames (a numpy BGR image, or an object with ``.image``
such as the camera loop's Frame), or an object with a ``frame_ready`` signal — with a frame as
argument, or without one plus ``take_frame()`` (the kiosk's CameraThread style, newest frame wins).
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from PySide6.QtCore import QObject, QThread, QTimer, Signal, SignalInstance

from kiosk.camera.mailbox import NewestMailbox

FrameCallback = Callable[[np.ndarray], None]


def as_image(payload: Any) -> np.ndarray | None:
    """The BGR image in a signal's payload (an array, or an object with ``.image``), else None."""
    image = getattr(payload, "image", payload)
    if isinstance(image, np.ndarray) and image.ndim == 3 and image.shape[2] == 3 and image.size:
        return image
    return None


class FrameConnection:
    """Routes a provider's frames to ``callback`` (on the receiver's thread) until ``close()``."""

    def __init__(self, provider: Any, callback: FrameCallback) -> None:
        self._callback = callback
        self._signal: SignalInstance
        self._take: Callable[[], Any] | None = None
        if isinstance(provider, SignalInstance):
            self._signal = provider
        elif hasattr(provider, "frame_ready"):
            self._signal = provider.frame_ready
            self._take = getattr(provider, "take_frame", None)
        else:
            raise TypeError(f"not a frame provider: {provider!r} (need a signal or an object with frame_ready)")
        self._signal.connect(self._on_signal)
        self._open = True
        if self._take is not None:
            # A nudge sent before anyone listened leaves the mailbox "posted" for good: take once now.
            QTimer.singleShot(0, self._on_signal)

    def _on_signal(self, *args: Any) -> None:
        if not self._open:
            return
        payload = args[0] if args else (self._take() if self._take is not None else None)
        image = as_image(payload)
        if image is not None:
            self._callback(image)

    def close(self) -> None:
        """Stop delivering frames (idempotent)."""
        if self._open:
            self._open = False
            with contextlib.suppress(RuntimeError, TypeError):  # the provider is already gone
                self._signal.disconnect(self._on_signal)


class CameraTap(QObject):
    """Borrows the kiosk camera's frames while an admin screen needs them.

    ``start()`` puts itself in the camera thread's ``frame_sink`` (the recognition mailbox): with
    ``pause_recognition`` the kiosk stops recognising meanwhile (nobody is checked in while the admin
    enrolls, and the CPU goes to the enrollment); ``stop()`` puts the recognition sink back.
    """

    frame_ready = Signal()

    def __init__(self, camera: Any, pause_recognition: bool = True, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.camera = camera
        self.pause_recognition = pause_recognition
        self._mailbox: NewestMailbox[Any] = NewestMailbox()
        self._saved: Callable[[Any], None] | None = None
        self._active = False

    def start(self) -> None:
        """Begin tapping (idempotent)."""
        if self._active:
            return
        self._mailbox.clear()  # drop a stale frame: the next one is nudged again
        self._saved = self.camera.frame_sink
        saved = self._saved
        if self.pause_recognition or saved is None:
            self.camera.frame_sink = self._sink
        else:
            def both(frame: Any) -> None:
                saved(frame)
                self._sink(frame)

            self.camera.frame_sink = both
        self._active = True

    def stop(self) -> None:
        """Give the camera's frames back to recognition (idempotent)."""
        if self._active:
            self.camera.frame_sink = self._saved
            self._active = False

    def _sink(self, frame: Any) -> None:  # camera thread
        if self._mailbox.put(frame):
            self.frame_ready.emit()

    def take_frame(self) -> Any:
        """The newest frame not taken yet (or None)."""
        return self._mailbox.poll()


class VideoFileFeed(QThread):
    """Plays a video file in real time on its own thread, looping; ``frame_ready`` + ``take_frame()``
    (newest frame wins). For tests and demos of the enrollment screen without a camera."""

    frame_ready = Signal()

    def __init__(self, path: str | Path, loop: bool = True, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.path = str(path)
        self.loop = loop
        self._stop = threading.Event()
        self._mailbox: NewestMailbox[np.ndarray] = NewestMailbox()
        self.frames_read = 0
        if not Path(self.path).is_file():
            raise FileNotFoundError(self.path)

    def run(self) -> None:
        cap = cv2.VideoCapture(self.path)
        fps = cap.get(cv2.CAP_PROP_FPS)
        period = 1.0 / fps if fps and 1.0 <= fps <= 240.0 else 1.0 / 30.0
        next_at = time.monotonic()
        try:
            while not self._stop.is_set():
                ok, frame = cap.read()
                if not ok:
                    if not self.loop:
                        break
                    cap.release()
                    cap = cv2.VideoCapture(self.path)
                    continue
                self.frames_read += 1
                if self._mailbox.put(frame):
                    self.frame_ready.emit()
                next_at += period
                delay = next_at - time.monotonic()
                if delay > 0:
                    self._stop.wait(delay)
                else:
                    next_at = time.monotonic()  # fell behind: do not race to catch up
        finally:
            cap.release()

    def take_frame(self) -> np.ndarray | None:
        """The newest frame not taken yet (or None)."""
        return self._mailbox.poll()

    def stop(self, timeout_ms: int = 5000) -> None:
        """End playback and wait for the thread."""
        self._stop.set()
        self.wait(timeout_ms)
