"""Running slow work (photo analysis, folder import) off the UI thread with progress and cancel."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QThread, Signal

from kiosk.errors import KioskError


class TaskThread(QThread):
    """Runs ``work(report, cancelled)`` on its own thread.

    ``report(done, total, text)`` emits ``progress`` (queued to the UI thread); ``cancelled()`` is
    True after ``cancel()``. The result arrives as ``succeeded(result)``, a KioskError or any other
    exception as ``failed(message)``.
    """

    progress = Signal(int, int, str)
    succeeded = Signal(object)
    failed = Signal(str)

    def __init__(self, work: Callable[[Callable[[int, int, str], None], Callable[[], bool]], Any],
                 parent: Any = None) -> None:
        super().__init__(parent)
        self._work = work
        self._cancel = threading.Event()
        self.result: Any = None
        self.error: str | None = None

    def cancel(self) -> None:
        """Ask the work to stop at its next check."""
        self._cancel.set()

    def run(self) -> None:
        try:
            self.result = self._work(lambda d, t, s: self.progress.emit(d, t, s), self._cancel.is_set)
        except KioskError as exc:
            self.error = str(exc)
            self.failed.emit(self.error)
            return
        except Exception as exc:  # shown to the admin rather than lost on a worker thread
            self.error = f"{type(exc).__name__}: {exc}"
            self.failed.emit(self.error)
            return
        self.succeeded.emit(self.result)
