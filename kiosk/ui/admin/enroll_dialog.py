"""Guided enrollment at the kiosk: live preview, hints, automatic varied shots, then the form.

Detection and embedding run on ``EnrollWorker`` (a QThread) fed through a NewestMailbox: the
newest frame wins, so a slow CPU gives fewer hints per second but never a backlog. The preview shows
the frame each analysis was made on together with its boxes (never one frame's boxes over a newer
picture), so the boxes sit on the face even while it moves. Nothing touches the database until Save,
which writes the person and templates in one transaction and adds them to the gallery
(PeopleService.enroll); Cancel leaves nothing behind.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from PySide6.QtCore import QSize, Qt, QThread, Signal
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kiosk.admin.capture import Analysis, CaptureRules, Hint, ShotCollector
from kiosk.camera.mailbox import NewestMailbox
from kiosk.enrollment import Shot
from kiosk.people import PeopleService
from kiosk.ui.admin.common import TOUCH_STYLE, PersonFormMixin, jpeg_pixmap, set_role
from kiosk.ui.admin.frames import FrameConnection
from kiosk.ui.admin.preview import PreviewView

THUMB_PX = 96
_GOOD_HINTS = (Hint.GOOD, Hint.SHOT, Hint.DONE)


@dataclass(frozen=True, slots=True, eq=False)
class PreviewFrame:
    """A frame for the preview with the boxes found on it (none when it was not analysed).

    frame_id: the dialog's number for the frame (1, 2, ... in arrival order); box: the subject's box,
    others: the other faces' boxes, good: the subject is usable (the box is drawn green).
    """

    frame_id: int
    image: np.ndarray
    box: tuple[float, float, float, float] | None = None
    others: tuple[tuple[float, float, float, float], ...] = ()
    good: bool = False


class EnrollWorker(QThread):
    """Analyses the newest submitted frame with a ShotCollector, off the UI thread.

    ``analysed(Analysis | None, tuple[Shot, ...], PreviewFrame | None)`` comes after each frame and
    after ``reset``/``remove``, so the UI never reads the collector directly: the hint and the shots
    (Analysis None: the frame was not analysed, as once all shots are taken or when the analysis
    failed) and the frame to show with the boxes found on it (None after a command).
    """

    analysed = Signal(object, object, object)
    failed = Signal(str)

    def __init__(self, collector: ShotCollector, parent: Any = None) -> None:
        super().__init__(parent)
        self.collector = collector
        self._frames: NewestMailbox[tuple[int, np.ndarray]] = NewestMailbox()
        # Commands are never dropped, unlike frames: they queue here and wake the mailbox's take.
        self._commands: deque[tuple[str, int]] = deque()
        self.frames_analysed = 0

    @property
    def frames_dropped(self) -> int:
        """Frames never analysed: replaced by a newer one, or still waiting when the worker stopped."""
        return self._frames.dropped

    def submit(self, frame: np.ndarray, frame_id: int = -1) -> None:
        """Offer a frame (any thread; replaces one not analysed yet); ``frame_id`` comes back with it."""
        self._frames.put((frame_id, frame))

    def reset(self) -> None:
        """Forget all shots (applied on the worker thread)."""
        self._command("reset", -1)

    def remove(self, index: int) -> None:
        """Forget one shot."""
        self._command("remove", index)

    def _command(self, name: str, arg: int) -> None:
        self._commands.append((name, arg))
        self._frames.wake()

    def stop(self, timeout_ms: int = 10_000) -> None:
        """End after the current frame and wait for the thread."""
        self._frames.close()
        self.wait(timeout_ms)

    def run(self) -> None:
        c = self.collector
        while True:
            taken = self._frames.take()  # a frame, or None after a command (wake) or stop (close)
            if self._frames.closed:
                return
            commands: list[tuple[str, int]] = []
            while self._commands:  # deque: append and popleft are thread-safe
                commands.append(self._commands.popleft())
            for name, arg in commands:
                c.reset() if name == "reset" else c.remove(arg)
            if commands:
                hint = Hint.DONE if c.done else Hint.NO_FACE
                self.analysed.emit(Analysis(hint, None, (), None, None, len(c.shots)), tuple(c.shots), None)
            if taken is None:
                continue
            frame_id, frame = taken
            if c.done:  # enough shots: no need to spend the CPU until one is removed; the picture moves on
                self.analysed.emit(None, tuple(c.shots), PreviewFrame(frame_id, frame))
                continue
            try:
                result = c.analyse(frame)
            except Exception as exc:  # a model error must not kill the thread silently
                self.failed.emit(str(exc))
                self.analysed.emit(None, tuple(c.shots), PreviewFrame(frame_id, frame))
                continue
            self.frames_analysed += 1
            shown = PreviewFrame(frame_id, frame, result.box, result.others, result.hint in _GOOD_HINTS)
            self.analysed.emit(result, tuple(c.shots), shown)


class EnrollDialog(PersonFormMixin, QDialog):
    """Enroll a new person with the kiosk camera.

    people: the people service (its enroller finds the faces; it stores the person); frames: a frame
    provider (see kiosk.ui.admin.frames); threshold: the match threshold (same-person check between shots);
    groups: existing groups offered in the group field; actor: who is recorded as consent taker.
    After acceptance ``person_id`` is the new person's id.
    """

    enrolled = Signal(int)

    def __init__(self, people: PeopleService, frames: Any, threshold: float, groups: Sequence[str] = (),
                 actor: str = "admin", rules: CaptureRules | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.people = people
        self.enroller = enroller = people.enroller  # the models load here, on the GUI thread
        self.actor = actor
        self.rules = rules or CaptureRules()
        self.shots: tuple[Shot, ...] = ()
        self.hint = Hint.NO_FACE
        self.person_id: int | None = None
        self.setModal(True)
        self.setStyleSheet(TOUCH_STYLE)
        self.setWindowTitle(self.tr("Enroll a new person"))

        self.preview = PreviewView(self)
        self.hint_label = set_role(QLabel(self), "hint")
        self.hint_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.hint_label.setWordWrap(True)
        self.progress_label = QLabel(self)
        self.progress_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.thumbs: list[QPushButton] = []
        thumbs_row = QHBoxLayout()
        for i in range(self.rules.max_shots):
            b = set_role(QPushButton(self), "thumb")
            b.setFixedSize(THUMB_PX + 12, THUMB_PX + 12)
            b.setIconSize(QSize(THUMB_PX, THUMB_PX))
            b.setToolTip(self.tr("Tap to remove this shot"))
            b.clicked.connect(lambda _=False, k=i: self.remove_shot(k))
            self.thumbs.append(b)
            thumbs_row.addWidget(b)
        self.restart_button = QPushButton(self.tr("Start over"), self)
        self.restart_button.clicked.connect(self.restart)
        thumbs_row.addStretch(1)
        thumbs_row.addWidget(self.restart_button)

        left = QVBoxLayout()
        left.addWidget(self.preview, 1)
        left.addWidget(self.hint_label)
        left.addWidget(self.progress_label)
        left.addLayout(thumbs_row)

        form = self._build_person_form([g for g in groups if g])
        buttons = QHBoxLayout()
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.save_button)
        right = QVBoxLayout()
        right.addWidget(set_role(QLabel(self.tr("New person"), self), "title"))
        right.addLayout(form)
        right.addWidget(self.consent_box)
        right.addWidget(self.error_label)
        right.addStretch(1)
        right.addLayout(buttons)
        layout = QHBoxLayout(self)
        layout.addLayout(left, 3)
        layout.addLayout(right, 2)

        for sig in (self.name_edit.textChanged, self.consent_box.toggled):
            sig.connect(self._refresh_buttons)
            sig.connect(self._show_progress)
        collector = ShotCollector(enroller.pipeline, threshold, self.rules)
        self.worker = EnrollWorker(collector, self)
        self.worker.analysed.connect(self._on_analysed)
        self.worker.failed.connect(self._on_failed)
        self.worker.start()
        self._frames_received = 0
        self._frames = FrameConnection(frames, self._on_frame)
        self._show_hint(Hint.NO_FACE)
        self._show_shots(())
        self._refresh_buttons()

    # -- frames and analysis ------------------------------------------------------------------------
    def _on_frame(self, image: np.ndarray) -> None:
        # Not shown yet: the picture goes on screen with its boxes once the worker has looked at it.
        self._frames_received += 1
        self.worker.submit(image, self._frames_received)

    def _on_analysed(self, analysis: Analysis | None, shots: tuple[Shot, ...], shown: PreviewFrame | None) -> None:
        if self.worker is None:
            return
        if shown is not None:
            self.preview.set_frame(shown.image, shown.frame_id, shown.box, shown.others, shown.good)
        if analysis is not None:
            self._show_hint(analysis.hint)
        if shots != self.shots:
            self._show_shots(shots)
        self._refresh_buttons()

    def _on_failed(self, message: str) -> None:
        self.error_label.setText(self.tr("The face check failed: {error}").format(error=message))

    def hint_text(self, hint: Hint) -> str:
        """What to tell the person for ``hint``."""
        return {
            Hint.NO_FACE: self.tr("Look at the camera"),
            Hint.MULTIPLE: self.tr("Only one person, please"),
            Hint.MOVE_CLOSER: self.tr("Move closer"),
            Hint.FACE_CAMERA: self.tr("Face the camera"),
            Hint.TOO_DARK: self.tr("Too dark"),
            Hint.TOO_BRIGHT: self.tr("Too bright"),
            Hint.HOLD_STILL: self.tr("Hold still"),
            Hint.OTHER_PERSON: self.tr("That looks like someone else. Tap Start over to enroll another person"),
            Hint.GOOD: self.tr("Good. Now turn your head slightly"),
            Hint.SHOT: self.tr("Got it!"),
            Hint.DONE: self.tr("All shots taken"),
        }[hint]

    def _show_hint(self, hint: Hint) -> None:
        self.hint = hint
        self.hint_label.setText(self.hint_text(hint))
        colour = "#2ecc71" if hint in _GOOD_HINTS else "#ffd166"
        self.hint_label.setStyleSheet(f"color: {colour};")

    def _show_shots(self, shots: tuple[Shot, ...]) -> None:
        self.shots = shots
        for i, b in enumerate(self.thumbs):
            pm = jpeg_pixmap(shots[i].crop_jpeg, THUMB_PX) if i < len(shots) else None
            b.setIcon(QIcon(pm) if pm is not None else QIcon())
            b.setEnabled(pm is not None)
        self._show_progress()

    def _show_progress(self) -> None:
        # With enough shots, say what still keeps Save grey rather than "you can save" beside a grey button.
        n, lo, hi = len(self.shots), self.rules.min_shots, self.rules.max_shots
        if n < lo:
            text = self.tr("Shots: {n} of {max} (at least {min} needed)").format(n=n, max=hi, min=lo)
        elif not self.name_edit.text().strip():
            text = self.tr("Shots: {n} of {max}. Type the name, then Save").format(n=n, max=hi)
        elif not self.consent_box.isChecked():
            text = self.tr("Shots: {n} of {max}. Tick the consent box, then Save").format(n=n, max=hi)
        else:
            text = self.tr("Shots: {n} of {max}. You can save now").format(n=n, max=hi)
        self.progress_label.setText(text)

    # -- actions ------------------------------------------------------------------------------------
    def remove_shot(self, index: int) -> None:
        """Drop one shot (a blink, a bad angle); the camera takes another."""
        self.worker.remove(index)

    def restart(self) -> None:
        """Drop every shot and start again (another person, or a bad series)."""
        self.worker.reset()

    def ready_to_save(self) -> bool:
        """Enough shots, a name and consent."""
        return (len(self.shots) >= self.rules.min_shots and bool(self.name_edit.text().strip())
                and self.consent_box.isChecked())

    def _on_saved(self, person_id: int) -> None:
        self.enrolled.emit(person_id)

    def done(self, result: int) -> None:  # accept, reject, Esc and the close button all end here
        self._shutdown()
        super().done(result)

    def closeEvent(self, event) -> None:
        self._shutdown()
        super().closeEvent(event)

    def _shutdown(self) -> None:
        if self._frames is not None:
            self._frames.close()
        if self.worker is not None:
            self.worker.stop()
            self.worker.analysed.disconnect(self._on_analysed)
            self.worker = None  # type: ignore[assignment]
