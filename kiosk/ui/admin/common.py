"""Shared bits of the admin screens: the touch-friendly style, image conversion, confirmations."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import cv2
import numpy as np
from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import QCheckBox, QComboBox, QFormLayout, QLabel, QLineEdit, QMessageBox, QPushButton, QWidget

from kiosk.enrollment import Shot
from kiosk.errors import KioskError

# Fingers, not mouse pointers: every control is at least 56 px tall with 20 px text.
TOUCH_STYLE = """
QDialog, QWidget#AdminPage { background: #14171c; color: #e5e9f0; }
QLabel { color: #e5e9f0; font-size: 20px; }
QLabel[role="title"] { font-size: 28px; font-weight: 700; }
QLabel[role="hint"] { font-size: 30px; font-weight: 700; color: #ffd166; }
QLabel[role="error"] { color: #ff6b6b; }
QPushButton { min-height: 56px; min-width: 120px; font-size: 20px; padding: 6px 18px; border-radius: 10px;
              background: #2b3240; color: #e5e9f0; border: 1px solid #3b4352; }
QPushButton:pressed { background: #3b4a60; }
QPushButton:disabled { color: #6b7380; background: #1d2129; }
QPushButton[role="primary"] { background: #2e7d32; border-color: #3f9a44; }
QPushButton[role="primary"]:disabled { background: #1d2a1e; border-color: #2b3a2c; color: #6b7380; }
QPushButton[role="big"] { min-height: 96px; font-size: 24px; }
QPushButton[role="thumb"] { min-width: 108px; max-width: 108px; min-height: 108px; max-height: 108px; padding: 2px; }
QPushButton[role="danger"] { background: #8e2c2c; border-color: #ad3b3b; }
QPushButton[role="nav"] { text-align: left; min-width: 220px; }
QPushButton[role="nav"]:checked { background: #3b4a60; border-color: #6b8cc7; }
QPushButton[role="key"] { min-height: 80px; min-width: 96px; font-size: 32px; font-weight: 600; }
QLineEdit, QSpinBox, QDateEdit, QComboBox { min-height: 52px; font-size: 20px; padding: 2px 10px;
              background: #1d2129; color: #e5e9f0; border: 1px solid #3b4352; border-radius: 8px; }
QSpinBox::up-button, QSpinBox::down-button, QDateEdit::drop-down, QComboBox::drop-down { width: 44px; }
QCheckBox, QRadioButton { font-size: 20px; min-height: 48px; color: #e5e9f0; }
QCheckBox::indicator, QRadioButton::indicator { width: 32px; height: 32px; }
QTableView, QListView { font-size: 18px; background: #1d2129; color: #e5e9f0; alternate-background-color: #222733;
              gridline-color: #2b3240; selection-background-color: #3b4a60; }
QHeaderView::section { font-size: 18px; background: #2b3240; color: #e5e9f0; padding: 6px; border: 0; }
QProgressBar { min-height: 32px; font-size: 18px; }
"""


def role_text(role: str) -> str:
    """An account role in words (unknown roles as stored)."""
    words = {"admin": QCoreApplication.translate("Roles", "admin"),
             "enroller": QCoreApplication.translate("Roles", "enroller"),
             "viewer": QCoreApplication.translate("Roles", "viewer")}
    return words.get(role, role)


def fit_to_screen(dialog: QWidget) -> None:
    """Size a dialog to what its content asks for, up to its screen's free area.

    Qt sizes a top-level window whose text wraps to at most 2/3 of the screen. On a 1280×800 touch
    panel that squeezed the PIN keypad's rows into each other and cut off its last row.
    """
    dialog.ensurePolished()
    free = dialog.screen().availableGeometry()
    hint = dialog.sizeHint().expandedTo(dialog.minimumSizeHint())
    dialog.resize(min(hint.width(), free.width()), min(hint.height(), free.height()))


def set_role(widget: QWidget, role: str) -> QWidget:
    """Give a widget a style role (primary, danger, nav, key, big, thumb, title, hint, error)."""
    widget.setProperty("role", role)
    return widget


def bgr_to_qimage(image: np.ndarray) -> QImage:
    """A QImage that owns a copy of a BGR numpy image (safe after the array changes)."""
    image = np.ascontiguousarray(image)
    h, w = image.shape[:2]
    return QImage(image.data, w, h, image.strides[0], QImage.Format.Format_BGR888).copy()


def jpeg_pixmap(data: bytes, size: int) -> QPixmap | None:
    """A square thumbnail of JPEG bytes (None when they do not decode)."""
    img = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR) if data else None
    if img is None:
        return None
    pm = QPixmap.fromImage(bgr_to_qimage(img))
    return pm.scaled(size, size, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation)


def ask(parent: QWidget | None, title: str, text: str, yes: str, no: str) -> bool:
    """A yes/no question with large, explicitly named buttons; True for yes (No is the default)."""
    box = QMessageBox(QMessageBox.Icon.Question, title, text, QMessageBox.StandardButton.NoButton, parent)
    yes_button = box.addButton(yes, QMessageBox.ButtonRole.YesRole)
    no_button = box.addButton(no, QMessageBox.ButtonRole.NoRole)
    box.setDefaultButton(no_button)
    box.setStyleSheet(TOUCH_STYLE)
    box.exec()
    return box.clickedButton() is yes_button


def tell(parent: QWidget | None, title: str, text: str, warning: bool = False) -> None:
    """An information (or warning) message with one large OK button."""
    icon = QMessageBox.Icon.Warning if warning else QMessageBox.Icon.Information
    box = QMessageBox(icon, title, text, QMessageBox.StandardButton.Ok, parent)
    box.setStyleSheet(TOUCH_STYLE)
    box.exec()


def enroll_from_form(dialog: Any, shots: Sequence[Shot]) -> int | None:
    """The save step both enrollment dialogs share: the duplicate check (asked through
    ``dialog.confirm``), then one transaction plus the gallery update. Returns the new person's id,
    or None when the admin went back or an error was shown in ``dialog.error_label``.

    ``dialog`` provides people (the PeopleService), actor, name_edit, external_edit, group_edit,
    error_label, confirm, tr.
    """
    try:
        dup = dialog.people.find_duplicate(shots)
        if dup is not None:
            question = dialog.tr("This face matches {name} ({similarity:.2f}). Enroll anyway?").format(
                name=dup.name, similarity=dup.similarity)
            if not dialog.confirm(dialog.tr("Already enrolled?"), question):
                return None
        result = dialog.people.enroll(
            dialog.name_edit.text().strip(), list(shots), dialog.external_edit.text().strip() or None,
            dialog.group_edit.currentText().strip() or None, allow_duplicate=True,
            consent_by=dialog.actor, actor=dialog.actor)
    except KioskError as exc:
        dialog.error_label.setText(str(exc))
        return None
    return result.person_id


class PersonFormMixin:
    """Save flow shared by the camera and photo enrollment dialogs (mixed into a QDialog).

    The dialog supplies ``ready_to_save()``, ``shots``, the form widgets read by
    :func:`enroll_from_form` and ``save_button``; ``_on_saved`` lets it react to a new person.
    """

    person_id: int | None

    def _build_person_form(self, groups: Sequence[str]) -> QFormLayout:
        """Name, employee number and group fields, the consent box, the error line, Save and Cancel."""
        tr = self.tr  # type: ignore[attr-defined]
        self.name_edit = QLineEdit(self)  # type: ignore[call-overload]
        self.name_edit.setPlaceholderText(tr("First and last name"))
        self.external_edit = QLineEdit(self)  # type: ignore[call-overload]
        self.external_edit.setPlaceholderText(tr("Employee number (optional)"))
        self.group_edit = QComboBox(self)  # type: ignore[call-overload]
        self.group_edit.setEditable(True)
        self.group_edit.addItems(["", *groups])
        self.consent_box = QCheckBox(tr("The person agreed to be enrolled"), self)  # type: ignore[call-overload]
        self.error_label = set_role(QLabel(self), "error")  # type: ignore[call-overload]
        self.error_label.setWordWrap(True)
        form = QFormLayout()
        form.addRow(tr("Name"), self.name_edit)
        form.addRow(tr("Employee no."), self.external_edit)
        form.addRow(tr("Group"), self.group_edit)
        self.save_button = set_role(QPushButton(tr("Save"), self), "primary")  # type: ignore[call-overload]
        self.save_button.clicked.connect(self.save)
        self.cancel_button = QPushButton(tr("Cancel"), self)  # type: ignore[call-overload]
        self.cancel_button.clicked.connect(self.reject)  # type: ignore[attr-defined]
        return form

    def _refresh_buttons(self) -> None:
        self.save_button.setEnabled(self.ready_to_save())  # type: ignore[attr-defined]

    def confirm(self, title: str, text: str) -> bool:
        """Ask the admin a yes/no question (a method so tests and embedders can answer it)."""
        return ask(self, title, text, self.tr("Enroll anyway"), self.tr("Go back"))  # type: ignore[attr-defined]

    def save(self) -> bool:
        """Duplicate check, then one transaction plus the gallery update; closes the dialog on success."""
        if not self.ready_to_save():  # type: ignore[attr-defined]
            return False
        person_id = enroll_from_form(self, self.shots)  # type: ignore[attr-defined]
        if person_id is None:
            return False
        self.person_id = person_id
        self._on_saved(person_id)
        self.accept()  # type: ignore[attr-defined]
        return True

    def _on_saved(self, person_id: int) -> None:
        """Hook: called with the new person's id before the dialog closes."""
