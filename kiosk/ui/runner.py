"""Recognition for the window: the Qt-free BackgroundRecognizer with its results as Qt signals."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal

from kiosk.attendance.background import BackgroundRecognizer
from kiosk.attendance.recognizer import FrameRecognizer
from kiosk.camera.loop import Frame


class RecognitionRunner(QObject):
    """One inference in flight, the newest frame wins; results arrive on the UI thread as signals.

    people_counter: called on the worker thread at start, every 30 s and after ``refresh_people`` (the
    status line's "people enrolled", and the window's setup hint while it is 0); None leaves the count out.
    """

    result_ready = Signal(object)  # FrameResult
    error = Signal(str)
    people_changed = Signal(int)

    def __init__(self, recognizer: FrameRecognizer, people_counter: Callable[[], int] | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._people_counter = people_counter
        # Signals emitted from the worker thread are queued to the receivers' (UI) thread by Qt.
        self.worker = BackgroundRecognizer(
            recognizer, self.result_ready.emit, self.error.emit,
            on_idle=self._count_people if people_counter is not None else None,
        )

    def _count_people(self) -> None:
        self.people_changed.emit(int(self._people_counter()))

    def submit(self, frame: Frame) -> None:
        """Offer a frame (called on the camera thread; never blocks)."""
        self.worker.submit(frame)

    def refresh_people(self) -> None:
        """Count the people again soon (after admin mode: someone may have been enrolled or deleted)."""
        self.worker.request_idle()

    def reset_tracks(self) -> None:
        """Forget tracks before the next frame (camera reconnected)."""
        self.worker.reset_tracks()

    def start(self) -> None:
        """Start the worker thread."""
        self.worker.start()

    def stop(self) -> None:
        """Stop the worker thread after its current frame."""
        self.worker.stop()

    @property
    def pending(self) -> int:
        """Frames waiting for recognition (0 or 1)."""
        return self.worker.slot.pending

    @property
    def max_pending(self) -> int:
        """The most frames that ever waited at once (1 by construction)."""
        return self.worker.max_pending
