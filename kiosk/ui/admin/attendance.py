"""Attendance: today's events at a glance, corrections (void with a reason, reassign to the right person), and
the CSV export for payroll. Voided and reassigned events stay listed here, marked, for admins."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QDate, QStandardPaths, Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kiosk.attendance.ledger import AttendanceLedger, EventInfo
from kiosk.errors import KioskError
from kiosk.people import PeopleService
from kiosk.ui.admin.common import TOUCH_STYLE, set_role
from kiosk.ui.admin.people import kind_text


class TodayPage(QWidget):
    """Today's attendance (local day): time, name, employee number, group, event, kiosk, correction.

    Refreshes itself every 30 s while shown. ``ledger``: the recorded attendance; ``people``: whom an event
    can be moved to, and the groups to export. ``can_export`` / ``can_correct``: what the logged-in account's
    role allows (the buttons are hidden otherwise, and :meth:`void_event` / :meth:`reassign_event` refuse).
    """

    def __init__(self, ledger: AttendanceLedger, people: PeopleService, actor: str = "admin",
                 parent: QWidget | None = None, can_export: bool = True, can_correct: bool = True) -> None:
        super().__init__(parent)
        self.setObjectName("AdminPage")
        self.ledger = ledger
        self.people = people
        self.actor = actor
        self.can_correct = can_correct
        self.events: list[EventInfo] = []
        self.title = set_role(QLabel(self), "title")
        self.table = QTableWidget(0, 7, self)
        self.table.setHorizontalHeaderLabels([self.tr("Time"), self.tr("Name"), self.tr("Employee no."),
                                              self.tr("Group"), self.tr("Event"), self.tr("Kiosk"),
                                              self.tr("Correction")])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection if can_correct
                                    else QAbstractItemView.SelectionMode.NoSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.setAlternatingRowColors(True)
        refresh = QPushButton(self.tr("Refresh"), self)
        refresh.clicked.connect(self.refresh)
        self.export_button = set_role(QPushButton(self.tr("Export CSV…"), self), "primary")
        self.export_button.clicked.connect(self.open_export)
        self.export_button.setVisible(can_export)
        self.void_button = QPushButton(self.tr("Void…"), self)
        self.void_button.clicked.connect(self.ask_void)
        self.reassign_button = QPushButton(self.tr("Reassign…"), self)
        self.reassign_button.clicked.connect(self.ask_reassign)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(refresh)
        for b in (self.void_button, self.reassign_button):
            b.setVisible(can_correct)
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self._timer = QTimer(self)
        self._timer.setInterval(30_000)
        self._timer.timeout.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        """Reload today's events (newest first; voided ones listed, marked, and left out of the totals)."""
        today = datetime.now().astimezone().date()
        self.events = self.ledger.day(today)
        counted = [e for e in self.events if not e.voided]
        people = len({e.person_id if e.person_id is not None else e.name for e in counted})
        self.title.setText(self.tr("Today, {day}: {n} event(s), {p} person(s)").format(
            day=today.isoformat(), n=len(counted), p=people))
        self.table.setRowCount(len(self.events))
        for r, e in enumerate(self.events):
            cells = (e.ts.astimezone().strftime("%H:%M:%S"), e.name, e.external_id or "", e.group or "",
                     kind_text(e.kind), e.kiosk_id, self.correction_text(e))
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if e.voided:
                    font = item.font()
                    font.setStrikeOut(c < 6)  # the event is struck through; the reason stays readable
                    item.setFont(font)
                    item.setForeground(Qt.GlobalColor.gray)
                self.table.setItem(r, c, item)

    def correction_text(self, e: EventInfo) -> str:
        """What was corrected, by whom (empty for an untouched event)."""
        if e.voided:
            return self.tr("void: {reason} ({who})").format(reason=e.void_reason or "", who=e.corrected_by or "")
        if e.original_name is not None:
            return self.tr("was {name} ({who})").format(name=e.original_name, who=e.corrected_by or "")
        return ""

    def selected_event(self) -> EventInfo | None:
        """The event of the selected row, or None."""
        rows = self.table.selectionModel().selectedRows()
        return self.events[rows[0].row()] if rows and rows[0].row() < len(self.events) else None

    def select_event(self, event_id: int) -> None:
        """Select an event's row (what a tap on it does; used by tests too)."""
        for r, e in enumerate(self.events):
            if e.id == event_id:
                self.table.selectRow(r)

    def void_event(self, event_id: int, reason: str) -> bool:
        """Void one event with a reason, audited as the logged-in account; the message line says what happened."""
        if not self.can_correct:
            return False
        try:
            self.ledger.void(event_id, reason, self.actor)
        except KioskError as exc:
            self._say(str(exc), error=True)
            return False
        self._say(self.tr("Event voided."))
        self.refresh()
        return True

    def reassign_event(self, event_id: int, person_id: int) -> bool:
        """Move one event to the right person, audited as the logged-in account."""
        if not self.can_correct:
            return False
        try:
            e = self.ledger.reassign(event_id, person_id, self.actor)
        except KioskError as exc:
            self._say(str(exc), error=True)
            return False
        self._say(self.tr("Event moved to {name}.").format(name=e.name))
        self.refresh()
        return True

    def ask_void(self) -> None:
        """Void the selected event after asking why."""
        e = self.selected_event()
        if e is None or e.voided:
            self._say(self.tr("Tap an event that is not void first."), error=True)
            return
        reason, ok = QInputDialog.getText(self, self.tr("Void event"),
                                          self.tr("Why is the check-in of {name} at {time} wrong?").format(
                                              name=e.name, time=e.ts.astimezone().strftime("%H:%M")))
        if ok and reason.strip():
            self.void_event(e.id, reason)

    def ask_reassign(self) -> None:
        """Move the selected event to a person picked from the list."""
        e = self.selected_event()
        if e is None or e.voided:
            self._say(self.tr("Tap an event that is not void first."), error=True)
            return
        people = [p for p in self.people.list_people() if p.id != e.person_id]
        if not people:  # an empty picker would only leave the admin wondering
            self._say(self.tr("Nobody else is enrolled: there is no one to move this check-in to."), error=True)
            return
        labels = [f"{p.name} ({p.external_id})" if p.external_id else p.name for p in people]
        label, ok = QInputDialog.getItem(self, self.tr("Reassign event"),
                                         self.tr("Who really checked in at {time}?").format(
                                             time=e.ts.astimezone().strftime("%H:%M")), labels, 0, False)
        if ok and label in labels:
            self.reassign_event(e.id, people[labels.index(label)].id)

    def _say(self, text: str, error: bool = False) -> None:
        self.message.setText(text)
        self.message.setStyleSheet("color: #ff6b6b;" if error else "color: #a3be8c;")

    def showEvent(self, event) -> None:
        self.refresh()
        self._timer.start()
        super().showEvent(event)

    def hideEvent(self, event) -> None:
        self._timer.stop()
        super().hideEvent(event)

    def open_export(self) -> None:
        """The export dialog."""
        ExportDialog(self.ledger, self.people.groups(), actor=self.actor, parent=self).exec()


class ExportDialog(QDialog):
    """CSV export by date range: raw events or a daily summary, optionally one of ``groups``, to a file."""

    def __init__(self, ledger: AttendanceLedger, groups: list[str], actor: str = "admin",
                 default_dir: Path | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ledger = ledger
        self.actor = actor
        self.rows_written: int | None = None
        self.setModal(True)
        self.setStyleSheet(TOUCH_STYLE)
        self.setWindowTitle(self.tr("Export attendance"))
        today = QDate.currentDate()
        self.from_edit = QDateEdit(today.addDays(1 - today.day()), self)  # first day of this month
        self.to_edit = QDateEdit(today, self)
        for d in (self.from_edit, self.to_edit):
            d.setCalendarPopup(True)
            d.setDisplayFormat("yyyy-MM-dd")
        self.raw_radio = QRadioButton(self.tr("Every event"), self)
        self.summary_radio = QRadioButton(self.tr("One line per person per day"), self)
        self.summary_radio.setChecked(True)
        kind = QHBoxLayout()
        kind.addWidget(self.summary_radio)
        kind.addWidget(self.raw_radio)
        self.group_combo = QComboBox(self)
        self.group_combo.addItem(self.tr("All groups"), None)
        for g in groups:
            self.group_combo.addItem(g, g)
        docs = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        folder = default_dir or (Path(docs) if docs and Path(docs).is_dir() else Path.home())
        self.path_edit = QLineEdit(str(folder / f"attendance-{today.toString('yyyy-MM-dd')}.csv"), self)
        browse = QPushButton(self.tr("Choose…"), self)
        browse.clicked.connect(self.browse)
        where = QHBoxLayout()
        where.addWidget(self.path_edit, 1)
        where.addWidget(browse)
        form = QFormLayout()
        form.addRow(self.tr("From"), self.from_edit)
        form.addRow(self.tr("To"), self.to_edit)
        form.addRow(self.tr("Content"), kind)
        form.addRow(self.tr("Group"), self.group_combo)
        form.addRow(self.tr("File"), where)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.export_button = set_role(QPushButton(self.tr("Export"), self), "primary")
        self.export_button.clicked.connect(self.export)
        close = QPushButton(self.tr("Close"), self)
        close.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(close)
        buttons.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.addWidget(set_role(QLabel(self.tr("Export attendance as CSV (opens in Excel)"), self), "title"))
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addLayout(buttons)

    def browse(self) -> None:
        """Pick the output file."""
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Save attendance as"), self.path_edit.text(),
                                              self.tr("CSV files (*.csv)"))
        if path:
            self.path_edit.setText(path if path.lower().endswith(".csv") else path + ".csv")

    def export(self) -> bool:
        """Write the CSV (atomic); the message line says how many rows or what went wrong."""
        start = self.from_edit.date().toPython()
        end = self.to_edit.date().toPython()
        text = self.path_edit.text().strip()
        if not text:
            self._say(self.tr("Choose a file to write."), error=True)
            return False
        try:
            n = self.ledger.export_csv(start, end, Path(text).expanduser(), summary=self.summary_radio.isChecked(),
                                       group=self.group_combo.currentData(), actor=self.actor)
        except KioskError as exc:
            self._say(str(exc), error=True)
            return False
        self.rows_written = n
        self._say(self.tr("Wrote {n} row(s) to {path}").format(n=n, path=text))
        return True

    def _say(self, text: str, error: bool = False) -> None:
        self.message.setText(text)
        self.message.setStyleSheet("color: #ff6b6b;" if error else "color: #a3be8c;")
