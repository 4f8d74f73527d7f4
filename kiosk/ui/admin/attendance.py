"""Attendance: today's events at a glance, and the CSV export for payroll."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

from PySide6.QtCore import QDate, QStandardPaths, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kiosk.attendance.export import export_csv
from kiosk.errors import KioskError
from kiosk.people import groups
from kiosk.store import EventInfo, Store
from kiosk.ui.admin.common import TOUCH_STYLE, set_role
from kiosk.ui.admin.people import kind_text


def local_day_range(day: date) -> tuple[datetime, datetime]:
    """[local midnight of ``day``, the next local midnight) as aware datetimes."""
    nxt = day + timedelta(days=1)
    return (datetime(day.year, day.month, day.day).astimezone(),
            datetime(nxt.year, nxt.month, nxt.day).astimezone())


class TodayPage(QWidget):
    """Today's attendance (local day): time, name, employee number, group, event, kiosk.

    Refreshes itself every 30 s while shown.
    """

    def __init__(self, store: Store, actor: str = "admin", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("AdminPage")
        self.store = store
        self.actor = actor
        self.events: list[EventInfo] = []
        self.title = set_role(QLabel(self), "title")
        self.table = QTableWidget(0, 6, self)
        self.table.setHorizontalHeaderLabels([self.tr("Time"), self.tr("Name"), self.tr("Employee no."),
                                              self.tr("Group"), self.tr("Event"), self.tr("Kiosk")])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.setAlternatingRowColors(True)
        refresh = QPushButton(self.tr("Refresh"), self)
        refresh.clicked.connect(self.refresh)
        self.export_button = set_role(QPushButton(self.tr("Export CSV…"), self), "primary")
        self.export_button.clicked.connect(self.open_export)
        buttons = QHBoxLayout()
        buttons.addWidget(refresh)
        buttons.addStretch(1)
        buttons.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self._timer = QTimer(self)
        self._timer.setInterval(30_000)
        self._timer.timeout.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        """Reload today's events (newest first)."""
        today = datetime.now().astimezone().date()
        lo, hi = local_day_range(today)
        self.events = list(reversed(self.store.events_between(lo, hi)))
        people = len({e.person_id if e.person_id is not None else e.name for e in self.events})
        self.title.setText(self.tr("Today, {day}: {n} event(s), {p} person(s)").format(
            day=today.isoformat(), n=len(self.events), p=people))
        self.table.setRowCount(len(self.events))
        for r, e in enumerate(self.events):
            cells = (e.ts.astimezone().strftime("%H:%M:%S"), e.name, e.external_id or "", e.group or "",
                     kind_text(e.kind), e.kiosk_id)
            for c, text in enumerate(cells):
                self.table.setItem(r, c, QTableWidgetItem(text))

    def showEvent(self, event) -> None:
        self.refresh()
        self._timer.start()
        super().showEvent(event)

    def hideEvent(self, event) -> None:
        self._timer.stop()
        super().hideEvent(event)

    def open_export(self) -> None:
        """The export dialog."""
        ExportDialog(self.store, actor=self.actor, parent=self).exec()


class ExportDialog(QDialog):
    """CSV export by date range: raw events or a daily summary, optionally one group, to a file."""

    def __init__(self, store: Store, actor: str = "admin", default_dir: Path | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
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
        for g in groups(store):
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
            n = export_csv(self.store, start, end, Path(text).expanduser(), summary=self.summary_radio.isChecked(),
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
