"""People: a searchable list with face thumbnails; edit, deactivate/activate, delete, history."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QCoreApplication, QModelIndex, QPersistentModelIndex, QSize, Qt, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kiosk.errors import KioskError
from kiosk.people import PeopleService, PersonInfo
from kiosk.ui.admin.common import TOUCH_STYLE, ask, jpeg_pixmap, set_role, tell

THUMB_PX = 64
_Index = QModelIndex | QPersistentModelIndex


def local_time(ts: datetime) -> str:
    """A stored (UTC) time as local "YYYY-MM-DD HH:MM"."""
    if ts.tzinfo is None:
        ts = ts.replace(tzinfo=UTC)
    return ts.astimezone().strftime("%Y-%m-%d %H:%M")


class PeopleModel(QAbstractTableModel):
    """People as table rows; thumbnails are decoded only for rows a view asks about, then cached."""

    def __init__(self, service: PeopleService, parent: Any = None) -> None:
        super().__init__(parent)
        self.service = service
        self.people: list[PersonInfo] = []
        self._thumbs: dict[int, QPixmap | None] = {}
        self._headers = [self.tr("Name"), self.tr("Employee no."), self.tr("Group"), self.tr("Status"),
                         self.tr("Face shots")]

    def load(self, search: str = "") -> None:
        """Reload from the database (``search`` matches name, employee number or group)."""
        self.beginResetModel()
        self.people = self.service.list_people(search=search.strip() or None)
        self.endResetModel()

    def forget_thumbnail(self, person_id: int) -> None:
        """Drop a cached thumbnail (the person's templates changed)."""
        self._thumbs.pop(person_id, None)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self.people)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._headers)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self._headers[section]
        return None

    def thumbnail(self, person_id: int) -> QPixmap | None:
        """The first stored face crop of a person, scaled (cached)."""
        if person_id not in self._thumbs:
            crops = self.service.face_crops(person_id)
            self._thumbs[person_id] = jpeg_pixmap(crops[0], THUMB_PX) if crops else None
        return self._thumbs[person_id]

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        p = self.people[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return [p.name, p.external_id or "", p.group or "",
                    self.tr("active") if p.active else self.tr("inactive"), str(p.templates)][col]
        if role == Qt.ItemDataRole.DecorationRole and col == 0:
            return self.thumbnail(p.id)
        if role == Qt.ItemDataRole.UserRole:
            return p.id
        return None


class EditPersonDialog(QDialog):
    """Name, employee number and group of one person."""

    def __init__(self, person: PersonInfo, group_names: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setModal(True)
        self.setStyleSheet(TOUCH_STYLE)
        self.setWindowTitle(self.tr("Edit person"))
        self.name_edit = QLineEdit(person.name, self)
        self.external_edit = QLineEdit(person.external_id or "", self)
        self.group_edit = QComboBox(self)
        self.group_edit.setEditable(True)
        self.group_edit.addItems(["", *group_names])
        self.group_edit.setCurrentText(person.group or "")
        self.error_label = set_role(QLabel(self), "error")
        form = QFormLayout()
        form.addRow(self.tr("Name"), self.name_edit)
        form.addRow(self.tr("Employee no."), self.external_edit)
        form.addRow(self.tr("Group"), self.group_edit)
        save = set_role(QPushButton(self.tr("Save"), self), "primary")
        save.clicked.connect(self._save)
        cancel = QPushButton(self.tr("Cancel"), self)
        cancel.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(cancel)
        buttons.addWidget(save)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addLayout(buttons)

    def _save(self) -> None:
        if not self.name_edit.text().strip():
            self.error_label.setText(self.tr("A person needs a name."))
            return
        self.accept()

    def values(self) -> tuple[str, str, str]:
        """(name, external id, group) as typed ("" clears id and group)."""
        return (self.name_edit.text().strip(), self.external_edit.text().strip(),
                self.group_edit.currentText().strip())


class HistoryDialog(QDialog):
    """One person's attendance, newest first (the last ``days`` days)."""

    def __init__(self, people: PeopleService, person: PersonInfo, days: int = 366,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setModal(True)
        self.setStyleSheet(TOUCH_STYLE)
        self.setWindowTitle(self.tr("Attendance of {name}").format(name=person.name))
        now = datetime.now().astimezone()
        self.events = list(reversed(people.history(person.id, now - timedelta(days=days), now + timedelta(days=1))))
        self.table = QTableWidget(len(self.events), 3, self)
        self.table.setHorizontalHeaderLabels([self.tr("Time"), self.tr("Event"), self.tr("Kiosk")])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        for r, e in enumerate(self.events):
            for c, text in enumerate((local_time(e.ts), kind_text(e.kind), e.kiosk_id)):
                self.table.setItem(r, c, QTableWidgetItem(text))
        title = set_role(QLabel(self.tr("{name}: {n} event(s) in the last {days} days").format(
            name=person.name, n=len(self.events), days=days), self), "title")
        close = QPushButton(self.tr("Close"), self)
        close.clicked.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(self.table, 1)
        layout.addWidget(close, 0, Qt.AlignmentFlag.AlignRight)
        self.resize(760, 560)


def kind_text(kind: str) -> str:
    """An attendance kind in words (unknown kinds as stored)."""
    words = {"checkin": QCoreApplication.translate("Attendance", "check-in"),
             "in": QCoreApplication.translate("Attendance", "in"),
             "out": QCoreApplication.translate("Attendance", "out")}
    return words.get(kind, kind)


class PeoplePage(QWidget):
    """Search, thumbnails, and the actions on the selected person.

    people: the people service, for the list and every change (the gallery and models open only for
    changes, so opening the list loads no model).
    """

    changed = Signal()  # someone was edited, (de)activated or deleted

    def __init__(self, people: PeopleService, actor: str = "admin", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("AdminPage")
        self.people = people
        self.actor = actor
        self.model = PeopleModel(people, self)
        self.search = QLineEdit(self)
        self.search.setPlaceholderText(self.tr("Search name, employee no. or group"))
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self.refresh)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setIconSize(QSize(THUMB_PX, THUMB_PX))
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(THUMB_PX + 12)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.setAlternatingRowColors(True)
        self.table.selectionModel().selectionChanged.connect(self._refresh_buttons)
        self.table.doubleClicked.connect(lambda _i: self.edit_selected())
        self.edit_button = QPushButton(self.tr("Edit…"), self)
        self.edit_button.clicked.connect(self.edit_selected)
        self.active_button = QPushButton(self.tr("Deactivate"), self)
        self.active_button.clicked.connect(self.toggle_active)
        self.history_button = QPushButton(self.tr("Attendance…"), self)
        self.history_button.clicked.connect(self.show_history)
        self.delete_button = set_role(QPushButton(self.tr("Delete…"), self), "danger")
        self.delete_button.clicked.connect(self.delete_selected)
        self.count_label = QLabel(self)
        buttons = QHBoxLayout()
        for b in (self.edit_button, self.active_button, self.history_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(self.delete_button)
        layout = QVBoxLayout(self)
        layout.addWidget(set_role(QLabel(self.tr("People"), self), "title"))
        layout.addWidget(self.search)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.count_label)
        layout.addLayout(buttons)
        self.refresh()

    # -- list ---------------------------------------------------------------------------------------
    def refresh(self) -> None:
        """Reload the list (keeps the search)."""
        self.model.load(self.search.text())
        n = len(self.model.people)
        self.count_label.setText(self.tr("{n} person(s)").format(n=n))
        self._refresh_buttons()

    def selected(self) -> PersonInfo | None:
        """The selected person, or None."""
        rows = self.table.selectionModel().selectedRows()
        return self.model.people[rows[0].row()] if rows else None

    def select_person(self, person_id: int) -> bool:
        """Select a person by id (False when not in the list)."""
        for row, p in enumerate(self.model.people):
            if p.id == person_id:
                self.table.selectRow(row)
                return True
        return False

    def _refresh_buttons(self) -> None:
        p = self.selected()
        for b in (self.edit_button, self.active_button, self.history_button, self.delete_button):
            b.setEnabled(p is not None)
        self.active_button.setText(self.tr("Activate") if p is not None and not p.active else self.tr("Deactivate"))

    # -- actions ------------------------------------------------------------------------------------
    def confirm(self, title: str, text: str, yes: str) -> bool:
        """Ask before a destructive action (a method so tests can answer it)."""
        return ask(self, title, text, yes, self.tr("Cancel"))

    def _fail(self, exc: KioskError) -> None:
        tell(self, self.tr("Could not save"), str(exc), warning=True)

    def edit_selected(self) -> None:
        """Edit name, employee number and group."""
        p = self.selected()
        if p is None:
            return
        dialog = EditPersonDialog(p, self.people.groups(), self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        name, external_id, group = dialog.values()
        try:
            self.people.edit(p.id, name, external_id, group, actor=self.actor)
        except KioskError as exc:
            self._fail(exc)
            return
        self._after_change(p.id)

    def toggle_active(self) -> None:
        """Deactivate (no longer recognised, data kept) or reactivate the selected person."""
        p = self.selected()
        if p is None:
            return
        if p.active and not self.confirm(
                self.tr("Deactivate"),
                self.tr("{name} will no longer be recognised. Their data is kept and you can activate them "
                        "again later.").format(name=p.name), self.tr("Deactivate")):
            return
        self.people.set_active(p.id, not p.active, actor=self.actor)
        self._after_change(p.id)

    def delete_selected(self) -> bool:
        """Delete the selected person and erase their face data (after confirmation)."""
        p = self.selected()
        if p is None:
            return False
        if not self.confirm(self.tr("Delete person"),
                            self.tr("Delete {name}? Their {n} face shot(s) are erased for good. Attendance "
                                    "records keep the name for payroll.").format(name=p.name, n=p.templates),
                            self.tr("Delete")):
            return False
        self.people.delete(p.id, actor=self.actor)
        self.model.forget_thumbnail(p.id)
        self.refresh()
        self.changed.emit()
        return True

    def show_history(self) -> None:
        """One person's attendance."""
        p = self.selected()
        if p is not None:
            HistoryDialog(self.people, p, parent=self).exec()

    def _after_change(self, person_id: int) -> None:
        self.refresh()
        self.select_person(person_id)
        self.changed.emit()
