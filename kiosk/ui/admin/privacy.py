"""Privacy: how long attendance is kept, the presentation-attack check, the admin PIN, and the audit log."""

from __future__ import annotations

from datetime import UTC

from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kiosk.admin.liveness import liveness_setting, set_liveness_mode
from kiosk.admin.pin import AdminAuth
from kiosk.admin.retention import apply_retention, retention_days, set_retention_days
from kiosk.store import AuditEntry, Store
from kiosk.ui.admin.common import set_role
from kiosk.ui.admin.keypad import PinDialog


class PrivacyPage(QWidget):
    """Retention period (applied at once and daily), Change PIN, and the audit log."""

    def __init__(self, store: Store, auth: AdminAuth, default_retention: int = 0, actor: str = "admin",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("AdminPage")
        self.store = store
        self.auth = auth
        self.default_retention = default_retention
        self.actor = actor
        self.entries: list[AuditEntry] = []
        self.days = QSpinBox(self)
        self.days.setRange(0, 36500)
        self.days.setSuffix(self.tr(" days"))
        self.days.setSpecialValueText(self.tr("keep forever"))
        self.days.setValue(retention_days(store, default_retention))
        self.days.setMinimumWidth(260)
        self.apply_button = set_role(QPushButton(self.tr("Save and apply"), self), "primary")
        self.apply_button.clicked.connect(self.apply)
        self.retention_message = QLabel(self)
        self.retention_message.setWordWrap(True)
        keep = QHBoxLayout()
        keep.addWidget(QLabel(self.tr("Keep attendance for"), self))
        keep.addWidget(self.days)
        keep.addWidget(self.apply_button)
        keep.addStretch(1)
        # The presentation-attack check of every kiosk on this database ("" = each kiosk's config file).
        self.liveness = QComboBox(self)
        for mode, text in (("", self.tr("as in the config file")), ("off", self.tr("off")),
                           ("passive", self.tr("passive: anti-spoofing networks")),
                           ("strict", self.tr("strict: networks and head motion"))):
            self.liveness.addItem(text, mode)
        self.liveness.setCurrentIndex(max(0, self.liveness.findData(liveness_setting(store))))
        self.liveness_button = QPushButton(self.tr("Save"), self)
        self.liveness_button.clicked.connect(self.save_liveness)
        self.liveness_message = QLabel(self)
        self.liveness_message.setWordWrap(True)
        spoof = QHBoxLayout()
        spoof.addWidget(QLabel(self.tr("Photo and screen check"), self))
        spoof.addWidget(self.liveness)
        spoof.addWidget(self.liveness_button)
        spoof.addStretch(1)
        self.pin_button = QPushButton(self.tr("Change admin PIN…"), self)
        self.pin_button.clicked.connect(self.change_pin)
        self.table = QTableWidget(0, 4, self)
        self.table.setHorizontalHeaderLabels([self.tr("Time"), self.tr("Who"), self.tr("Action"), self.tr("Details")])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.setAlternatingRowColors(True)
        refresh = QPushButton(self.tr("Refresh"), self)
        refresh.clicked.connect(self.refresh_audit)
        log_head = QHBoxLayout()
        log_head.addWidget(set_role(QLabel(self.tr("Audit log"), self), "title"))
        log_head.addStretch(1)
        log_head.addWidget(refresh)
        layout = QVBoxLayout(self)
        layout.addWidget(set_role(QLabel(self.tr("Privacy"), self), "title"))
        layout.addLayout(keep)
        layout.addWidget(self.retention_message)
        layout.addLayout(spoof)
        layout.addWidget(self.liveness_message)
        pin_row = QHBoxLayout()
        pin_row.addWidget(self.pin_button)
        pin_row.addStretch(1)
        layout.addLayout(pin_row)
        layout.addLayout(log_head)
        layout.addWidget(self.table, 1)
        self.refresh_audit()

    def apply(self) -> int:
        """Store the retention period and purge what is older now; returns how many events went."""
        days = self.days.value()
        set_retention_days(self.store, days, actor=self.actor)
        n = apply_retention(self.store, days)
        if days:
            self.retention_message.setText(
                self.tr("Attendance older than {days} days is deleted every day. Deleted now: {n} event(s).")
                .format(days=days, n=n))
        else:
            self.retention_message.setText(self.tr("Attendance is kept forever."))
        self.refresh_audit()
        return n

    def save_liveness(self) -> str:
        """Store the chosen presentation-attack check (audited); the kiosks follow within seconds."""
        mode = str(self.liveness.currentData() or "")
        set_liveness_mode(self.store, mode, actor=self.actor)
        self.liveness_message.setText(self.tr("Saved: every kiosk on this database uses it within a few seconds."))
        self.refresh_audit()
        return mode

    def change_pin(self) -> None:
        """Set a new admin PIN (typed twice)."""
        PinDialog(self.auth, "set", self, actor=self.actor).exec()
        self.refresh_audit()

    def refresh_audit(self) -> None:
        """Reload the latest 500 audit entries."""
        self.entries = self.store.audit_log(limit=500)
        self.table.setRowCount(len(self.entries))
        for r, e in enumerate(self.entries):
            ts = e.ts if e.ts.tzinfo else e.ts.replace(tzinfo=UTC)
            for c, text in enumerate((ts.astimezone().strftime("%Y-%m-%d %H:%M:%S"), e.actor, e.action, e.detail)):
                self.table.setItem(r, c, QTableWidgetItem(text))

    def showEvent(self, event) -> None:
        self.refresh_audit()
        super().showEvent(event)
