"""Recognition for the window: the Qt-free BackgroundRecognizer with its results as Qt signals."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from PySide6.QtCore import QObject, Signal

from kiosk.attendance.background import BackgroundRecognizer
from kiosk.attendance.recognizer import FrameRecognizer
from kiosk.camera.loop import Frame

# With a change feed the count follows every change; the periodic recount is only a safety net.
RECOUNT_WITH_FEED_S = 300.0


class ChangeNotifier(Protocol):
    """Calls listeners (on its own thread) after the gallery applied changes (kiosk.gallery.FeedFollower)."""

    def add_listener(self, listener: Callable[[object], None]) -> None: ...

    def remove_listener(self, listener: Callable[[object], None]) -> None: ...


class RecognitionRunner(QObject):
    """One inference in flight, the newest frame wins; results arrive on the UI thread as signals.

    people_counter: called on the worker thread at start, every 30 s and after ``refresh_people`` (the
    status line's "people enrolled", and the window's setup hint while it is 0); None leaves the count out.
    changes: the gallery's change feed; with it the count is taken again on the feed's thread after every
    change the gallery applied (enrolled, deleted, deactivated anywhere), and the periodic recount on the
    recognition thread drops to every 5 minutes.
    """

    result_ready = Signal(object)  # FrameResult
    error = Signal(str)
    people_changed = Signal(int)

    def __init__(self, recognizer: FrameRecognizer, people_counter: Callable[[], int] | None = None,
                 parent: QObject | None = None, changes: ChangeNotifier | None = None) -> None:
        super().__init__(parent)
        self._people_counter = people_counter
        self._changes = changes if people_counter is not None else None
        # Signals emitted from the worker thread are queued to the receivers' (UI) thread by Qt.
        self.worker = BackgroundRecognizer(
            recognizer, self.result_ready.emit, self.error.emit,
            on_idle=self._count_people if people_counter is not None else None,
            idle_every_s=RECOUNT_WITH_FEED_S if self._changes is not None else 30.0,
        )
        if self._changes is not None:
            self._changes.add_listener(self._on_changes)

    def _count_people(self) -> None:
        self.people_changed.emit(int(self._people_counter()))  # type: ignore[misc]

    def _on_changes(self, _applied: object) -> None:
        # On the change feed's thread; Qt queues the signal to the window.
        self._count_people()

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
        """Stop the worker thread after its current frame (and stop following the change feed)."""
        if self._changes is not None:
            self._changes.remove_listener(self._on_changes)
        self.worker.stop()

    @property
    def pending(self) -> int:
        """Frames waiting for recognition (0 or 1)."""
        return self.worker.slot.pending

    @property
    def max_pending(self) -> int:
        """The most frames that ever waited at once (1 by construction)."""
        return self.worker.max_pending
