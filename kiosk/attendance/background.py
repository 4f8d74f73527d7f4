"""Recognition off the display thread: one inference in flight, the newest frame wins.

The camera hands every frame to ``submit``; a frame the worker has not started on yet is simply
replaced by the next one (a :class:`~kiosk.camera.mailbox.NewestMailbox`), so recognition always
works on the newest picture and never falls behind a queue of stale frames.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
import time
from collections.abc import Callable

from kiosk.attendance.recognizer import FrameRecognizer, FrameResult
from kiosk.camera.loop import Frame
from kiosk.camera.mailbox import NewestMailbox

log = logging.getLogger(__name__)

NICE_INCREMENT = 5
# After a failed frame the worker waits before the next one, doubling up to the cap: a fault that hits every
# frame (a model that cannot run, a lost database) then costs a few attempts a minute and a few log lines,
# not a busy loop and megabytes of identical tracebacks; the first frame that succeeds resets it.
BACKOFF_FIRST_S = 0.5
BACKOFF_MAX_S = 30.0


class BackgroundRecognizer:
    """Runs a FrameRecognizer on its own thread and reports each FrameResult through ``on_result``.

    on_result runs on the worker thread (the window turns it into a queued Qt signal).
    on_error gets a message when processing a frame fails; the worker retries with the next frame after a
    wait that doubles with each consecutive failure (``BACKOFF_FIRST_S`` .. ``BACKOFF_MAX_S``).
    on_idle runs on the worker thread at start, every ``idle_every_s`` and soon after ``request_idle``.
    """

    def __init__(self, recognizer: FrameRecognizer, on_result: Callable[[FrameResult], None],
                 on_error: Callable[[str], None] | None = None,
                 on_idle: Callable[[], None] | None = None, idle_every_s: float = 30.0,
                 lower_priority: bool = True) -> None:
        self.recognizer = recognizer
        self.on_result = on_result
        self.on_error = on_error or (lambda message: None)
        self.on_idle = on_idle
        self.idle_every_s = idle_every_s
        self.lower_priority = lower_priority
        self.slot: NewestMailbox[Frame] = NewestMailbox()
        self.processed = 0
        self.max_pending = 0
        self._reset = threading.Event()
        self._idle_now = threading.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self.failures = 0  # consecutive failed frames (0: recognition is working)

    def submit(self, frame: Frame) -> None:
        """Offer a frame (any thread, never blocks); replaces a frame not yet started on."""
        self.slot.put(frame)
        # The slot holds one item by construction; this is the proof the tests and benchmark read.
        self.max_pending = max(self.max_pending, self.slot.pending)

    def reset_tracks(self) -> None:
        """Drop all tracks before the next frame (the camera reconnected: a new scene)."""
        self._reset.set()

    def request_idle(self) -> None:
        """Run ``on_idle`` on the worker soon (e.g. people were just enrolled)."""
        self._idle_now.set()
        self.slot.wake()  # do not wait for the next frame or the take timeout

    @property
    def dropped(self) -> int:
        """Frames replaced before recognition got to them."""
        return self.slot.dropped

    def start(self) -> None:
        """Start the worker thread."""
        if self._thread is not None:
            return
        self._thread = threading.Thread(target=self.run, name="kiosk-recognition", daemon=True)
        self._thread.start()

    @staticmethod
    def _yield_to_display() -> None:
        # On Linux a thread has its own nice value: recognition a little below the camera and the UI
        # means a busy CPU delays the next inference, never a paint (best effort; elsewhere a no-op).
        if sys.platform.startswith("linux"):
            try:
                os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), NICE_INCREMENT)
            except (OSError, AttributeError):
                log.debug("could not lower the recognition thread's priority", exc_info=True)

    def run(self) -> None:
        """The worker loop (runs until ``stop``)."""
        if self.lower_priority:
            self._yield_to_display()
        last_idle = time.monotonic()
        if self.on_idle is not None:
            self._call_idle()
        while not self.slot.closed:
            frame = self.slot.take(timeout=0.5)
            if self.on_idle is not None and (self._idle_now.is_set()
                                             or time.monotonic() - last_idle >= self.idle_every_s):
                self._idle_now.clear()
                last_idle = time.monotonic()
                self._call_idle()
            if frame is None:
                continue
            if self._reset.is_set():
                self._reset.clear()
                self.recognizer.reset()
            try:
                result = self.recognizer.process(frame.image, frame.index, frame.video_time_s)
            except Exception as exc:  # one bad frame must not stop the kiosk
                self.failures += 1
                wait = self.backoff_s(self.failures)
                if self.failures & (self.failures - 1) == 0:  # 1st, 2nd, 4th, 8th...: the log stays readable
                    log.exception("recognition failed on frame %d (%d in a row); retrying in %.1f s",
                                  frame.index, self.failures, wait)
                self.on_error(str(exc) or type(exc).__name__)
                self._stopping.wait(wait)
                continue
            if self.failures:
                log.warning("recognition works again after %d failed frame(s)", self.failures)
                self.failures = 0
            self.processed += 1
            self.on_result(result)

    @staticmethod
    def backoff_s(failures: int) -> float:
        """The wait after the ``failures``-th failed frame in a row."""
        return min(BACKOFF_MAX_S, BACKOFF_FIRST_S * 2.0 ** (max(1, failures) - 1))

    def _call_idle(self) -> None:
        try:
            self.on_idle()  # type: ignore[misc]
        except Exception:
            log.exception("periodic recognition task failed")

    def stop(self, timeout: float = 5.0) -> None:
        """Stop the worker after its current frame."""
        self._stopping.set()
        self.slot.close()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None
