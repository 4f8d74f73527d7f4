"""The admin panel: add people (camera, photos, folder), people, today's attendance, privacy, and the
only way to close the kiosk. It shows only what the logged-in account's role allows (kiosk.admin.accounts):
an enroller sees Add people and People, a viewer Attendance (and export), an admin everything."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import (
    QApplication,
    QButtonGroup,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk.admin.accounts import Accounts, allows
from kiosk.enrollment import IMAGE_EXTENSIONS
from kiosk.people import PeopleService
from kiosk.ui.admin.attendance import TodayPage
from kiosk.ui.admin.common import TOUCH_STYLE, role_text, set_role
from kiosk.ui.admin.enroll_dialog import EnrollDialog
from kiosk.ui.admin.keypad import PinDialog
from kiosk.ui.admin.outputs import OutputsPage
from kiosk.ui.admin.people import PeoplePage
from kiosk.ui.admin.photos import ImportFolderDialog, PhotoEnrollDialog
from kiosk.ui.admin.privacy import PrivacyPage

if TYPE_CHECKING:
    from kiosk.admin.privacy import PrivacySettings
    from kiosk.attendance.ledger import AttendanceLedger
    from kiosk.outputs.dead_letters import DeadLetters

# The panel closes itself after this long without a touch, so a forgotten admin session does not stay open.
IDLE_TIMEOUT_MS = 5 * 60 * 1000
_INPUT_EVENTS = (QEvent.Type.MouseButtonPress, QEvent.Type.KeyPress, QEvent.Type.TouchBegin, QEvent.Type.Wheel)


@dataclass(frozen=True, slots=True)
class AdminServices:
    """What the admin screens work through (the composition root's services; never the store itself).

    people: every people read and change; accounts: logins, PINs, unlock; privacy: retention, the
    presentation-attack check and the audit log; attendance: review, corrections and export; dead_letters:
    the outputs' messages that ran out of retries.
    """

    people: PeopleService
    accounts: Accounts
    privacy: PrivacySettings
    attendance: AttendanceLedger
    dead_letters: DeadLetters


class AddPage(QWidget):
    """Three large buttons: camera, photos of one person, a folder of people."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("AdminPage")
        self.camera_button = set_role(QPushButton(self.tr("Enroll with the camera"), self), "primary")
        self.camera_button.setStyleSheet("min-height: 96px; font-size: 24px;")
        self.photos_button = set_role(QPushButton(self.tr("Enroll one person from photos…"), self), "big")
        self.folder_button = set_role(QPushButton(self.tr("Import a folder of people…"), self), "big")
        self.camera_note = QLabel(self)
        self.camera_note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(set_role(QLabel(self.tr("Add people"), self), "title"))
        for b in (self.camera_button, self.photos_button, self.folder_button):
            layout.addWidget(b)
        layout.addWidget(self.camera_note)
        layout.addStretch(1)


class AdminPanel(QDialog):
    """The admin screens behind the PIN.

    services: what the pages read and change (see :class:`AdminServices`); frames: the enrollment camera's
    frame provider (None: no camera, camera enrollment disabled);
    threshold: the match threshold; the panel (and any dialog open in it) closes after ``idle_timeout_ms``
    without a touch or key.
    ``close_kiosk`` is emitted by the "Close kiosk" button. ``actor`` is the logged-in account (named in
    every audit entry), ``role`` its role: pages and buttons it may not use are hidden, and the methods behind
    them refuse as well.
    """

    close_kiosk = Signal()

    def __init__(self, services: AdminServices, frames: Any, threshold: float, actor: str = "admin",
                 role: str = "admin", idle_timeout_ms: int = IDLE_TIMEOUT_MS, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.people = services.people
        self.accounts = services.accounts
        self.role = role
        self.frames = frames
        self.threshold = threshold
        self.actor = actor
        self.dialog: QDialog | None = None  # the sub-dialog open now (enroll, photos, import)
        self.setModal(True)
        self.setStyleSheet(TOUCH_STYLE)
        self.setWindowTitle(self.tr("Admin"))

        self.add_page = AddPage(self)
        self.add_page.camera_button.clicked.connect(self.open_enroll)
        self.add_page.photos_button.clicked.connect(lambda: self.open_photos())
        self.add_page.folder_button.clicked.connect(lambda: self.open_import())
        if frames is None:
            self.add_page.camera_button.setEnabled(False)
            self.add_page.camera_note.setText(self.tr("No camera is connected to this screen."))
        self.people_page = PeoplePage(self.people, actor, self)
        self.today_page = TodayPage(services.attendance, self.people, actor, self, can_export=allows(role, "export"),
                                    can_correct=allows(role, "correct"))
        self.privacy_page = PrivacyPage(services.privacy, actor, self, accounts=self.accounts)
        self.outputs_page = OutputsPage(services.dead_letters, actor, self)
        self.pages = QStackedWidget(self)
        nav = QVBoxLayout()
        nav.addWidget(set_role(QLabel(self.tr("Admin"), self), "title"))
        self.nav_group = QButtonGroup(self)
        self.nav_buttons: dict[str, QPushButton] = {}
        self.nav_permission = {"add": "enroll", "people": "people", "today": "attendance", "privacy": "privacy",
                               "outputs": "privacy"}  # dead letters and sending again: admins only
        self.who = QLabel(self.tr("{name} ({role})").format(name=actor, role=role_text(role)), self)
        nav.addWidget(self.who)
        for key, label, page in (("add", self.tr("Add people"), self.add_page),
                                 ("people", self.tr("People"), self.people_page),
                                 ("today", self.tr("Attendance"), self.today_page),
                                 ("privacy", self.tr("Privacy"), self.privacy_page),
                                 ("outputs", self.tr("Outputs"), self.outputs_page)):
            b = set_role(QPushButton(label, self), "nav")
            b.setVisible(allows(role, self.nav_permission[key]))
            b.setCheckable(True)
            b.clicked.connect(lambda _=False, p=page: self.pages.setCurrentWidget(p))
            self.nav_group.addButton(b)
            self.nav_buttons[key] = b
            self.pages.addWidget(page)
            nav.addWidget(b)
        nav.addStretch(1)
        self.pin_button = QPushButton(self.tr("Change my PIN…"), self)
        self.pin_button.clicked.connect(self.change_pin)
        nav.addWidget(self.pin_button)
        self.back_button = QPushButton(self.tr("Back to the kiosk"), self)
        self.back_button.clicked.connect(self.accept)
        self.close_button = set_role(QPushButton(self.tr("Close kiosk"), self), "danger")
        self.close_button.clicked.connect(self._close_kiosk)
        self.close_button.setVisible(allows(role, "close"))
        nav.addWidget(self.back_button)
        nav.addWidget(self.close_button)
        layout = QHBoxLayout(self)
        layout.addLayout(nav)
        layout.addWidget(self.pages, 1)
        first = next((k for k, perm in self.nav_permission.items() if allows(role, perm)), None)
        if first is not None:
            self.nav_buttons[first].click()
        self.people_page.changed.connect(self.today_page.refresh)

        self._idle = QTimer(self)
        self._idle.setSingleShot(True)
        self._idle.setInterval(idle_timeout_ms)
        self._idle.timeout.connect(self._idle_timeout)
        self._idle.start()
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)

    def may(self, permission: str) -> bool:
        """True when the logged-in account's role allows ``permission``."""
        return allows(self.role, permission)

    def show_page(self, key: str) -> bool:
        """Switch to a page: add, people, today, privacy; False (and no switch) when the role may not see it."""
        if not self.may(self.nav_permission[key]):
            return False
        self.nav_buttons[key].click()
        return True

    def change_pin(self) -> None:
        """A new PIN for the logged-in account (typed twice)."""
        dialog = PinDialog(self.accounts, "change", self, account=self.actor)
        self.dialog = dialog
        dialog.exec()
        self.dialog = None

    # -- sub-dialogs (opened non-modally-blocking with open(), so the event loop keeps running) ----------
    def _open(self, dialog: QDialog) -> QDialog:
        self.dialog = dialog
        dialog.finished.connect(lambda _r: self._dialog_finished(dialog))
        dialog.resize(max(900, self.width() - 80), max(640, self.height() - 80))
        dialog.open()
        return dialog

    def _dialog_finished(self, dialog: QDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None
        self.people_page.refresh()
        dialog.deleteLater()

    def open_enroll(self) -> EnrollDialog | None:
        """The guided camera enrollment."""
        if self.frames is None or not self.may("enroll"):
            return None
        d = EnrollDialog(self.people, self.frames, self.threshold, self.people.groups(), self.actor, parent=self)
        return self._open(d)  # type: ignore[return-value]

    def open_photos(self, images: list[str] | None = None) -> PhotoEnrollDialog | None:
        """Enroll one person from image files (asks for them when not given)."""
        if not self.may("enroll"):
            return None
        if images is None:
            pattern = " ".join(f"*{e}" for e in sorted(IMAGE_EXTENSIONS))
            images, _ = QFileDialog.getOpenFileNames(self, self.tr("Photos of one person"), str(Path.home()),
                                                     self.tr("Images ({patterns})").format(patterns=pattern))
        if not images:
            return None
        d = PhotoEnrollDialog(self.people, images, self.people.groups(), self.actor, parent=self)
        return self._open(d)  # type: ignore[return-value]

    def open_import(self, folder: str | None = None) -> ImportFolderDialog | None:
        """Import a folder with one sub-folder per person (asks for it when not given)."""
        if not self.may("enroll"):
            return None
        if folder is None:
            folder = QFileDialog.getExistingDirectory(self, self.tr("Folder with one sub-folder per person"),
                                                      str(Path.home()))
        if not folder:
            return None
        d = ImportFolderDialog(self.people, folder, self.people.groups(), self.actor, parent=self)
        return self._open(d)  # type: ignore[return-value]

    # -- leaving ------------------------------------------------------------------------------------
    def _close_kiosk(self) -> None:
        if not self.may("close"):
            return
        self.close_kiosk.emit()
        self.accept()

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if event.type() in _INPUT_EVENTS:
            self._idle.start()  # any touch or key anywhere in the admin screens keeps them open
        return False

    def _idle_timeout(self) -> None:
        if self.dialog is not None:
            self.dialog.reject()
        self.reject()

    def done(self, result: int) -> None:
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
        self._idle.stop()
        if self.dialog is not None:
            self.dialog.reject()
        super().done(result)


