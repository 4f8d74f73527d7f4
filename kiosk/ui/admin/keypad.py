"""The admin PIN dialog: an on-screen numeric keypad (no physical keyboard needed), masked dots.

Two modes: ``enter`` checks the PIN (wrong tries counted, lockout shown with a countdown) and
``set`` asks for a new PIN twice (first run, or "Change PIN").
"""

from __future__ import annotations

from typing import Literal

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QDialog, QGridLayout, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from kiosk.admin.pin import MAX_DIGITS, MIN_DIGITS, AdminAuth, PinError, validate_pin
from kiosk.ui.admin.common import TOUCH_STYLE, set_role


class Keypad(QWidget):
    """Digits 0-9, delete and OK as large touch buttons; ``digit``/``erase``/``ok`` signals."""

    digit = Signal(str)
    erase = Signal()
    ok = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        grid = QGridLayout(self)
        grid.setSpacing(12)
        self.buttons: dict[str, QPushButton] = {}
        keys = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "⌫", "0", "OK"]
        for i, key in enumerate(keys):
            label = self.tr("OK") if key == "OK" else key
            b = set_role(QPushButton(label, self), "key")
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the dialog keeps the keyboard focus
            if key == "OK":
                set_role(b, "key")
                b.setObjectName("ok")
                b.clicked.connect(self.ok)
            elif key == "⌫":
                b.setAccessibleName(self.tr("Delete"))
                b.clicked.connect(self.erase)
            else:
                b.clicked.connect(lambda _=False, k=key: self.digit.emit(k))
            self.buttons[key] = b
            grid.addWidget(b, i // 3, i % 3)


class PinDialog(QDialog):
    """Asks for the admin PIN on a keypad.

    mode "enter": OK checks the PIN with ``auth``; the dialog accepts on the right PIN and shows the
    tries left or the lockout countdown otherwise. mode "set": the PIN is typed twice and stored.
    """

    def __init__(self, auth: AdminAuth, mode: Literal["enter", "set"] = "enter", parent: QWidget | None = None,
                 actor: str = "admin") -> None:
        super().__init__(parent)
        self.auth = auth
        self.mode = mode
        self.actor = actor
        self._pin = ""
        self._first: str | None = None  # set mode: the PIN typed the first time
        self.setModal(True)
        self.setStyleSheet(TOUCH_STYLE)
        self.setWindowTitle(self.tr("Admin"))
        self.title = set_role(QLabel(self), "title")
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.dots = QLabel(self)
        self.dots.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.dots.setStyleSheet("font-size: 40px; letter-spacing: 12px; min-height: 56px;")
        self.message = set_role(QLabel(self), "error")
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setWordWrap(True)
        self.keypad = Keypad(self)
        self.keypad.digit.connect(self.press)
        self.keypad.erase.connect(self.erase)
        self.keypad.ok.connect(self.submit)
        cancel = QPushButton(self.tr("Cancel"), self)
        cancel.clicked.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        bottom.addWidget(cancel)
        layout = QVBoxLayout(self)
        layout.setSpacing(14)
        layout.addWidget(self.title)
        layout.addWidget(self.dots)
        layout.addWidget(self.message)
        layout.addWidget(self.keypad)
        layout.addLayout(bottom)
        self._countdown = QTimer(self)
        self._countdown.setInterval(1000)
        self._countdown.timeout.connect(self._refresh_lock)
        self._refresh_title()
        self._refresh_dots()
        if mode == "enter":
            self._refresh_lock()

    # -- input --------------------------------------------------------------------------------------
    def press(self, digit: str) -> None:
        """Type one digit (ignored past the maximum length or while locked)."""
        if len(self._pin) < MAX_DIGITS and self.keypad.isEnabled():
            self._pin += digit
            self._refresh_dots()

    def erase(self) -> None:
        """Delete the last digit."""
        self._pin = self._pin[:-1]
        self._refresh_dots()

    def enter(self, pin: str) -> None:
        """Type a whole PIN and press OK (what a person does on the keypad; used by tests too)."""
        self._pin = ""
        for d in pin:
            self.press(d)
        self.submit()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # A USB keyboard works too, but nothing needs one.
        text = event.text()
        if text.isdigit() and text.isascii():
            self.press(text)
        elif event.key() == Qt.Key.Key_Backspace:
            self.erase()
        elif event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.submit()
        else:
            super().keyPressEvent(event)

    def submit(self) -> None:
        """OK: check (enter mode) or take the PIN (set mode)."""
        if not self.keypad.isEnabled():
            return
        pin, self._pin = self._pin, ""
        self._refresh_dots()
        if self.mode == "set":
            self._submit_new(pin)
            return
        if not pin:
            return
        result = self.auth.check(pin, actor=self.actor)
        if result.ok:
            self.message.setText("")
            self.accept()
        elif result.locked:
            self._refresh_lock()
        else:
            self.message.setText(self.tr("Wrong PIN. Tries left: {n}").format(n=result.tries_left))

    def _submit_new(self, pin: str) -> None:
        if self._first is None:
            try:
                validate_pin(pin)
            except PinError:
                self.message.setText(self.tr("The PIN must have {min} to {max} digits.")
                                     .format(min=MIN_DIGITS, max=MAX_DIGITS))
                return
            self._first = pin
            self.message.setText("")
        elif pin != self._first:
            self._first = None
            self.message.setText(self.tr("The two PINs differ. Please start again."))
        else:
            self.auth.set_pin(pin, pin, actor=self.actor)
            self.accept()
        self._refresh_title()

    # -- display ------------------------------------------------------------------------------------
    def _refresh_title(self) -> None:
        if self.mode == "enter":
            self.title.setText(self.tr("Enter the admin PIN"))
        elif self._first is None:
            self.title.setText(self.tr("Choose an admin PIN ({min}–{max} digits)")
                               .format(min=MIN_DIGITS, max=MAX_DIGITS))
        else:
            self.title.setText(self.tr("Enter the same PIN again"))

    def _refresh_dots(self) -> None:
        self.dots.setText("●" * len(self._pin) if self._pin else "–" * MIN_DIGITS)

    def _refresh_lock(self) -> None:
        remaining = self.auth.lock_remaining()
        locked = remaining > 0
        self.keypad.setEnabled(not locked)
        if locked:
            self._pin = ""
            self._refresh_dots()
            secs = int(remaining + 0.999)
            self.message.setText(self.tr("Too many wrong PINs. Admin is locked for {m}:{s:02d}.")
                                 .format(m=secs // 60, s=secs % 60))
            if not self._countdown.isActive():
                self._countdown.start()
        else:
            if self._countdown.isActive():
                self._countdown.stop()
                self.message.setText("")

    @property
    def locked(self) -> bool:
        """True while the keypad is disabled by the lockout."""
        return not self.keypad.isEnabled()
