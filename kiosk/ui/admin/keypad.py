"""The admin login dialog: a list of account names and an on-screen numeric keypad (no physical keyboard
needed), masked dots.

Three modes: ``login`` (pick an account, type its PIN; the account's lockout is shown with a countdown, and an
account that must choose a new PIN does so before the panel opens), ``setup`` (first start, no account yet: the
one-time code printed by ``kiosk admin setup``, then the first admin's name and PIN twice) and ``change`` (a
new PIN for the logged-in account, typed twice).
"""

from __future__ import annotations

from typing import Literal

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QBoxLayout,
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kiosk.admin.accounts import (
    MAX_DIGITS,
    MIN_DIGITS,
    SETUP_CODE_DIGITS,
    AccountError,
    Accounts,
    validate_account_pin,
    validate_name,
)
from kiosk.ui.admin.common import TOUCH_STYLE, fit_to_screen, set_role


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
    """Admin login on a touch screen: account list + keypad (``login``), first-start setup (``setup``) or a new
    PIN (``change``). After ``accept()``, ``account`` and ``role`` name who logged in.
    """

    def __init__(self, accounts: Accounts, mode: Literal["login", "setup", "change"] = "login",
                 parent: QWidget | None = None, account: str | None = None) -> None:
        super().__init__(parent)
        self.accounts = accounts
        self.mode = mode
        self.account: str | None = account
        self.role: str | None = accounts.get(account).role if account else None
        # Stages: pin (login), code -> name -> new -> confirm (setup), new -> confirm (change, or a login whose
        # account must choose a new PIN).
        self.stage = {"login": "pin", "setup": "code", "change": "new"}[mode]
        self._pin = ""
        self._code = ""
        self._first: str | None = None  # the new PIN typed the first time
        self.setModal(True)
        self.setStyleSheet(TOUCH_STYLE)
        self.setWindowTitle(self.tr("Admin"))
        self.title = set_role(QLabel(self), "title")
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.title.setWordWrap(True)
        # Big rows to tap: names, not a drop-down, so a finger finds its account at once.
        self.account_list = QListWidget(self)
        self.account_list.setStyleSheet("QListWidget { font-size: 24px; } QListWidget::item { min-height: 56px; }")
        self.account_list.setMinimumSize(320, 180)
        # Digits typed on a USB keyboard are the PIN: a focused list would take them as a search for a
        # name. Up and Down still choose the account (keyPressEvent).
        self.account_list.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.account_list.currentTextChanged.connect(self._account_chosen)
        self.name_edit = QLineEdit("admin", self)
        self.name_edit.setPlaceholderText(self.tr("Account name"))
        self.next_button = set_role(QPushButton(self.tr("Next"), self), "primary")
        self.next_button.clicked.connect(self.submit)
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
        self.cancel_button = QPushButton(self.tr("Cancel"), self)
        self.cancel_button.clicked.connect(self.reject)
        # With a USB keyboard, Enter means OK and Escape cancels. As the only focusable button on the
        # code step, Cancel took the focus and Enter "clicked" it, throwing away a typed setup code.
        self.cancel_button.setAutoDefault(False)
        self.cancel_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        bottom.addWidget(self.cancel_button)
        # Who and what on one side, the keypad on the other: on a landscape panel (1280×800) the two
        # stacked did not fit, and the account list shrank to one row. A portrait screen stacks them.
        words = QVBoxLayout()
        words.setSpacing(14)
        words.addWidget(self.title)
        words.addWidget(self.account_list, 1)
        words.addWidget(self.name_edit)
        words.addWidget(self.next_button)
        words.addWidget(self.message)
        words.addStretch(0)
        keys = QVBoxLayout()
        keys.setSpacing(14)
        keys.addWidget(self.dots)
        keys.addWidget(self.keypad)
        keys.addLayout(bottom)
        self._layout = QBoxLayout(QBoxLayout.Direction.LeftToRight, self)
        self._layout.setSpacing(28)
        self._layout.addLayout(words, 1)
        self._layout.addLayout(keys)
        self._countdown = QTimer(self)
        self._countdown.setInterval(1000)
        self._countdown.timeout.connect(self._refresh_lock)
        if mode == "login":
            names = accounts.names()
            self.account_list.addItems(names)
            if len(names) == 1:
                self.account_list.setCurrentRow(0)
        self._refresh_stage()
        self._refresh_dots()

    def setVisible(self, visible: bool) -> None:
        # Sized before Qt places it, so that it is centred with its real size.
        if visible and not self.isVisible():
            free = self.screen().availableGeometry()
            portrait = free.height() > free.width()
            self._layout.setDirection(QBoxLayout.Direction.TopToBottom if portrait
                                      else QBoxLayout.Direction.LeftToRight)
            fit_to_screen(self)
        super().setVisible(visible)

    # -- input --------------------------------------------------------------------------------------
    def choose(self, name: str) -> None:
        """Pick an account from the list (what a tap on its name does; used by tests too)."""
        items = self.account_list.findItems(name, Qt.MatchFlag.MatchExactly)
        if items:
            self.account_list.setCurrentItem(items[0])

    def _max_len(self) -> int:
        return SETUP_CODE_DIGITS if self.stage == "code" else MAX_DIGITS

    def press(self, digit: str) -> None:
        """Type one digit (ignored past the maximum length, while locked, or on the name step)."""
        if self.stage != "name" and len(self._pin) < self._max_len() and self.keypad.isEnabled():
            self._pin += digit
            self._refresh_dots()

    def erase(self) -> None:
        """Delete the last digit."""
        self._pin = self._pin[:-1]
        self._refresh_dots()

    def enter(self, pin: str) -> None:
        """Type a whole PIN (or code) and press OK (what a person does on the keypad; used by tests too)."""
        self._pin = ""
        for d in pin:
            self.press(d)
        self.submit()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # A USB keyboard works too, but nothing needs one.
        text = event.text()
        if self.stage != "name" and text.isdigit() and text.isascii():
            self.press(text)
        elif self.stage != "name" and event.key() == Qt.Key.Key_Backspace:
            self.erase()
        elif event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.submit()
        elif self.stage == "pin" and event.key() in (Qt.Key.Key_Up, Qt.Key.Key_Down) and self.account_list.count():
            step = -1 if event.key() == Qt.Key.Key_Up else 1
            row = min(max(self.account_list.currentRow() + step, 0), self.account_list.count() - 1)
            self.account_list.setCurrentRow(row)
        else:
            super().keyPressEvent(event)

    def submit(self) -> None:
        """OK: the step of the current stage."""
        if not self.keypad.isEnabled() and self.stage != "name":
            return
        pin, self._pin = self._pin, ""
        self._refresh_dots()
        if self.stage == "pin":
            self._login(pin)
        elif self.stage == "code":
            self._take_code(pin)
        elif self.stage == "name":
            self._take_name()
        else:
            self._take_new(pin)
        self._refresh_stage()

    def _login(self, pin: str) -> None:
        name = self.account_list.currentItem().text() if self.account_list.currentItem() else ""
        if not name:
            self.message.setText(self.tr("Tap your account name first."))
            return
        if not pin:
            return
        result = self.accounts.login(name, pin)
        if result.ok:
            self.account, self.role = name, result.role
            self.message.setText("")
            if result.must_change_pin:
                self.stage = "new"
                self.message.setText(self.tr("Please choose a new PIN of at least {min} digits.")
                                     .format(min=MIN_DIGITS))
                return
            self.accept()
        elif result.locked:
            self._refresh_lock()
        else:
            self.message.setText(self.tr("Wrong PIN."))

    def _take_code(self, code: str) -> None:
        if not code:
            return
        if self.accounts.check_setup_code(code):
            self._code = code
            self.stage = "name"
            self.message.setText("")
        else:
            self.message.setText(self.tr("Wrong or expired setup code. Run “kiosk admin setup” on this computer "
                                         "for a new one."))

    def _take_name(self) -> None:
        try:
            self.account = validate_name(self.name_edit.text())
        except AccountError:
            self.message.setText(self.tr("Letters, digits, spaces and . @ - _ only, please."))
            return
        self.message.setText("")
        self.stage = "new"

    def _take_new(self, pin: str) -> None:
        if self._first is None:
            try:
                validate_account_pin(pin)
            except AccountError:
                self.message.setText(self.tr("The PIN must have {min} to {max} digits.")
                                     .format(min=MIN_DIGITS, max=MAX_DIGITS))
                return
            self._first = pin
            self.stage = "confirm"
            self.message.setText("")
            return
        first, self._first = self._first, None
        if pin != first:
            self.stage = "new"
            self.message.setText(self.tr("The two PINs differ. Please start again."))
            return
        try:
            if self.mode == "setup":
                self.account = self.accounts.create_first_admin(self._code, self.account or "", pin, pin)
                self.role = "admin"
            else:
                self.accounts.change_pin(self.account or "", pin, pin)
        except AccountError as exc:
            self.stage = "new"
            self.message.setText(str(exc))
            return
        self.accept()

    # -- display ------------------------------------------------------------------------------------
    def _refresh_stage(self) -> None:
        self.account_list.setVisible(self.stage == "pin")
        naming = self.stage == "name"
        self.name_edit.setVisible(naming)
        self.next_button.setVisible(naming)
        self.keypad.setVisible(not naming)
        self.dots.setVisible(not naming)
        if naming and not self.name_edit.hasFocus():
            self.name_edit.setFocus()
            self.name_edit.selectAll()  # typing replaces the suggested name
        if self.stage == "pin":
            self.title.setText(self.tr("Tap your name, then enter your PIN"))
            self._refresh_lock()
        elif self.stage == "code":
            self.title.setText(self.tr("First start: enter the setup code that “kiosk admin setup” shows on "
                                       "this computer"))
        elif naming:
            self.title.setText(self.tr("Name of the first admin account"))
        elif self.stage == "new":
            self.title.setText(self.tr("Choose a PIN for {name} ({min}–{max} digits)")
                               .format(name=self.account or "", min=MIN_DIGITS, max=MAX_DIGITS))
        else:
            self.title.setText(self.tr("Enter the same PIN again"))

    def _refresh_dots(self) -> None:
        # The setup code has a fixed length: its empty places show how many digits are still to type.
        if self.stage == "code":
            self.dots.setText("●" * len(self._pin) + "–" * (SETUP_CODE_DIGITS - len(self._pin)))
        else:
            self.dots.setText("●" * len(self._pin) if self._pin else "–" * MIN_DIGITS)

    def _account_chosen(self, _name: str) -> None:
        if self.stage == "pin":
            self.message.setText("")
            self._refresh_lock()

    def _refresh_lock(self) -> None:
        item = self.account_list.currentItem()
        try:
            remaining = self.accounts.lock_remaining(item.text()) if item is not None and self.stage == "pin" else 0.0
        except AccountError:  # removed meanwhile (from the command line)
            remaining = 0.0
        locked = remaining > 0
        self.keypad.setEnabled(not locked)
        if locked:
            self._pin = ""
            self._refresh_dots()
            secs = int(remaining + 0.999)
            self.message.setText(self.tr("Too many wrong PINs. {name} is locked for {m}:{s:02d}.")
                                 .format(name=item.text(), m=secs // 60, s=secs % 60))
            if not self._countdown.isActive():
                self._countdown.start()
        elif self._countdown.isActive():
            self._countdown.stop()
            self.message.setText("")

    @property
    def locked(self) -> bool:
        """True while the keypad is disabled by the chosen account's lockout."""
        return not self.keypad.isEnabled()
