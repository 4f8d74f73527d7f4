"""The startup screen shown while face templates move to a new recognition model (kiosk.reembed).

The move runs on a worker thread (``TaskThread``); the UI thread only draws the progress, so the
screen never freezes. At the end the people who could not be moved are listed (they stay enrolled,
with templates the new model cannot use) and the kiosk continues by itself after a countdown.
"""

from __future__ import annotations

import logging
import signal
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QEventLoop, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QLabel, QListWidget, QProgressBar, QPushButton, QVBoxLayout, QWidget

from kiosk import reembed
from kiosk.errors import KioskError
from kiosk.ui.admin.tasks import TaskThread

if TYPE_CHECKING:
    from kiosk.context import AppContext
    from kiosk.reembed import PersonNotMoved, ReembedProgress, ReembedResult

log = logging.getLogger(__name__)

# How long the list of people left behind stays up before the kiosk opens by itself (nobody may be
# there to press Continue after an unattended update).
AUTO_CONTINUE_S = 30


class ReembedScreen(QWidget):
    """Progress of a template move: "Updating face templates ...: n / N", then who was not moved.

    ``work(report, cancelled)`` runs on a worker thread and returns the ReembedResult; ``report``
    takes a ReembedProgress. ``finished`` is emitted once the kiosk may continue (at once when
    everyone was moved, after Continue or the countdown otherwise) or the move failed or was
    cancelled (closing the screen cancels it between batches).
    """

    finished = Signal()

    def __init__(self, work: Callable[[Callable[[ReembedProgress], None], Callable[[], bool]], ReembedResult],
                 total: int, auto_continue_s: int = AUTO_CONTINUE_S, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Face check-in"))
        self.setObjectName("ReembedScreen")
        self.setStyleSheet("#ReembedScreen { background: #0b0d10; } QLabel { color: #e5e9f0; font-size: 22px; }"
                           " QListWidget { font-size: 18px; } QPushButton { font-size: 22px; }")
        self.result: ReembedResult | None = None
        self.error: str | None = None
        self.cancelled = False
        self.closed = False  # closed (or asked to stop) rather than continued: the kiosk must not open
        self.done = 0
        self.total = total
        self._auto_continue_s = auto_continue_s
        self._left = auto_continue_s
        self._finished = False

        self.title = QLabel()
        self.title.setWordWrap(True)
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.hint = QLabel(self.tr("This happens once after a model update; the kiosk opens by itself when it "
                                   "is done."))
        self.hint.setWordWrap(True)
        self.hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.bar = QProgressBar()
        self.bar.setRange(0, max(1, total))
        self.bar.setValue(0)
        self.people = QListWidget()
        self.people.hide()
        self.continue_button = QPushButton()
        self.continue_button.setMinimumHeight(64)
        self.continue_button.clicked.connect(self._continue)
        self.continue_button.hide()
        self._countdown = QTimer(self)
        self._countdown.setInterval(1000)
        self._countdown.timeout.connect(self._tick)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 48, 48, 48)
        layout.setSpacing(18)
        layout.addStretch(1)
        layout.addWidget(self.title)
        layout.addWidget(self.bar)
        layout.addWidget(self.hint)
        layout.addWidget(self.people, 3)
        layout.addWidget(self.continue_button)
        layout.addStretch(1)
        self._show_progress(0, total)

        # The worker reports a ReembedProgress; TaskThread carries (done, total, text) to this thread.
        self.task = TaskThread(lambda report, cancelled: work(lambda p: report(p.done, p.total, ""), cancelled), self)
        self.task.progress.connect(lambda d, t, _s: self._show_progress(d, t))
        self.task.succeeded.connect(self._succeeded)
        self.task.failed.connect(self._failed)

    def start(self) -> None:
        """Start the move on the worker thread."""
        self.task.start()

    # --- progress and result --------------------------------------------------------------------

    def _show_progress(self, done: int, total: int) -> None:
        self.done, self.total = done, total
        self.bar.setRange(0, max(1, total))
        self.bar.setValue(done)
        self.title.setText(self.tr("Updating face templates for the new recognition model: {done} / {total}")
                           .format(done=done, total=total))

    def _reason(self, reason: str) -> str:
        return {reembed.NO_CROP: self.tr("no stored face photo"),
                reembed.UNREADABLE: self.tr("the stored face photo is damaged"),
                reembed.NO_ALIGNMENT: self.tr("no face found in the stored photo"),
                reembed.BAD_EMBEDDING: self.tr("the stored photo gave no usable template")}.get(reason, reason)

    def _person_line(self, p: PersonNotMoved) -> str:
        reasons = ", ".join(self._reason(r) for r in p.reasons)
        if p.recognised:
            return self.tr("{name}: {reasons} — still recognised by their other photos").format(
                name=p.name, reasons=reasons)
        return self.tr("{name}: {reasons} — not recognised until re-enrolled").format(name=p.name, reasons=reasons)

    def _succeeded(self, result: ReembedResult) -> None:
        self.result = result
        if result.cancelled:
            self.cancelled = True
            self._finish()
            return
        self._show_progress(self.total, self.total)
        if not result.people_not_moved:
            self._finish()
            return
        self.title.setText(self.tr("Face templates updated: {moved} moved. These people could not be moved:")
                           .format(moved=result.moved))
        self.hint.setText(self.tr("Their old templates are kept, but the new model cannot use them: re-enroll "
                                  "them in admin mode."))
        for p in result.people_not_moved:
            self.people.addItem(self._person_line(p))
        self.people.show()
        self._countdown_start()

    def _failed(self, message: str) -> None:
        self.error = message
        log.error("moving face templates to the new model failed: %s", message)
        self._finish()

    def _countdown_start(self) -> None:
        self._left = self._auto_continue_s
        self._update_button()
        self.continue_button.show()
        self._countdown.start()

    def _update_button(self) -> None:
        self.continue_button.setText(self.tr("Continue ({seconds} s)").format(seconds=self._left))

    def _tick(self) -> None:
        self._left -= 1
        if self._left <= 0:
            self._continue()
        else:
            self._update_button()

    def _continue(self) -> None:
        self._countdown.stop()
        self._finish()

    def _finish(self) -> None:
        if not self._finished:
            self._finished = True
            self.finished.emit()

    def closeEvent(self, event: QCloseEvent) -> None:
        """Closing the screen (windowed kiosk) stops the move after the current batch; the next start resumes."""
        self.closed = True
        if self.task.isRunning():
            self.task.cancel()
            self.task.wait()
        self._finish()
        super().closeEvent(event)


def move_templates_first(ctx: AppContext, fullscreen: bool) -> bool:
    """Before the kiosk opens: move templates of another embedder behind a progress screen.

    Nothing is shown when there is nothing to move. Returns False when the screen was closed or the
    process asked to stop (the kiosk should not open; the next start resumes the move); a failed
    move raises KioskError (the next start resumes it too).
    """
    total = ctx.templates_to_move()
    if not total:
        return True
    screen = ReembedScreen(lambda report, cancelled: ctx.move_templates(report, cancelled), total)
    loop = QEventLoop()
    screen.finished.connect(loop.quit)
    # Ctrl+C / SIGTERM stop the move cleanly after the current batch (Python sees signals only between
    # Qt events, so a cheap timer lets it look); the next start resumes.
    previous = {sig: signal.signal(sig, lambda *_: screen.close()) for sig in (signal.SIGINT, signal.SIGTERM)}
    poll = QTimer(screen)
    poll.timeout.connect(lambda: None)
    poll.start(250)
    if fullscreen:
        screen.showFullScreen()
    else:
        screen.resize(1280, 800)
        screen.show()
    try:
        screen.start()
        loop.exec()
        screen.task.wait()
    finally:
        poll.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    screen.hide()
    screen.deleteLater()
    if screen.error is not None:
        raise KioskError(f"moving face templates to the new recognition model failed: {screen.error}")
    return not (screen.closed or screen.cancelled)
