"""Outputs: what the webhook, MQTT and relay targets still have to receive, and the dead letters to send again."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kiosk.outputs.dead_letters import DeadLetters, OutboxItem
from kiosk.ui.admin.common import set_role


class OutputsPage(QWidget):
    """Counts of pending, delivered and dead messages; the dead letters with their last error; "Send again"."""

    def __init__(self, dead_letters: DeadLetters, actor: str = "admin", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("AdminPage")
        self.dead_letters = dead_letters
        self.actor = actor
        self.dead: list[OutboxItem] = []
        self.title = set_role(QLabel(self), "title")
        self.note = QLabel(self)
        self.note.setWordWrap(True)
        self.table = QTableWidget(0, 5, self)
        self.table.setHorizontalHeaderLabels([self.tr("Time"), self.tr("Output"), self.tr("Event"),
                                              self.tr("Name"), self.tr("Last error")])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.horizontalHeader().setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setVisible(False)
        refresh = QPushButton(self.tr("Refresh"), self)
        refresh.clicked.connect(self.refresh)
        self.retry_button = set_role(QPushButton(self.tr("Send again"), self), "primary")
        self.retry_button.clicked.connect(self.retry)
        buttons = QHBoxLayout()
        buttons.addWidget(refresh)
        buttons.addStretch(1)
        buttons.addWidget(self.retry_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.note)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self.refresh()

    def refresh(self) -> None:
        """Re-read the counts and the dead letters."""
        counts = self.dead_letters.counts()
        self.dead = self.dead_letters.list()
        self.title.setText(self.tr("Outputs: {pending} pending, {delivered} delivered, {dead} not delivered").format(
            pending=counts["pending"], delivered=counts["delivered"], dead=counts["dead"]))
        self.note.setText(self.tr("Messages below ran out of retries. Fix the receiver, then send them again.")
                          if self.dead else self.tr("Every message was delivered or is on its way."))
        self.table.setRowCount(len(self.dead))
        for row, m in enumerate(self.dead):
            cells = (m.created_at.astimezone().strftime("%Y-%m-%d %H:%M"), m.target, m.kind,
                     str(m.payload.get("name") or ""), m.last_error)
            for col, text in enumerate(cells):
                self.table.setItem(row, col, QTableWidgetItem(text))
        self.retry_button.setEnabled(bool(self.dead))

    def retry(self) -> int:
        """Dead letters back to pending (the running kiosk's worker sends them within a second)."""
        n = self.dead_letters.send_again(self.actor)
        self.refresh()
        return n
