"""Privacy: how long attendance is kept, the presentation-attack check, the admin accounts (unlock a
locked one), and the audit log of admin actions (each entry names its account)."""

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

from kiosk.admin.accounts import AccountError, Accounts
from kiosk.admin.privacy import AuditEntry, PrivacySettings
from kiosk.ui.admin.common import role_text, set_role


class PrivacyPage(QWidget):
    """Retention period (applied at once and daily), the accounts with Unlock (when ``accounts`` is given), and
    the audit log. Accounts are added and removed on the computer (``kiosk admin add``); each account changes
    its own PIN from the panel's "Change my PIN…". ``privacy``: the settings shown here and the audit log."""

    def __init__(self, privacy: PrivacySettings, actor: str = "admin", parent: QWidget | None = None,
                 accounts: Accounts | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("AdminPage")
        self.privacy = privacy
        self.accounts = accounts
        self.actor = actor
        self.entries: list[AuditEntry] = []
        self.days = QSpinBox(self)
        self.days.setRange(0, 36500)
        self.days.setSuffix(self.tr(" days"))
        self.days.setSpecialValueText(self.tr("keep forever"))
        self.days.setValue(privacy.retention_days())
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
        self.liveness.setCurrentIndex(max(0, self.liveness.findData(privacy.liveness_mode())))
        self.liveness_button = QPushButton(self.tr("Save"), self)
        self.liveness_button.clicked.connect(self.save_liveness)
        self.liveness_message = QLabel(self)
        self.liveness_message.setWordWrap(True)
        spoof = QHBoxLayout()
        spoof.addWidget(QLabel(self.tr("Photo and screen check"), self))
        spoof.addWidget(self.liveness)
        spoof.addWidget(self.liveness_button)
        spoof.addStretch(1)
        self.accounts_label = QLabel(self)
        self.accounts_label.setWordWrap(True)
        self.locked_combo = QComboBox(self)
        self.unlock_button = QPushButton(self.tr("Unlock"), self)
        self.unlock_button.clicked.connect(lambda: self.unlock(self.locked_combo.currentText()))
        unlock_row = QHBoxLayout()
        unlock_row.addWidget(self.locked_combo)
        unlock_row.addWidget(self.unlock_button)
        unlock_row.addStretch(1)
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
        if accounts is not None:
            layout.addWidget(self.accounts_label)
            layout.addLayout(unlock_row)
        else:
            for w in (self.accounts_label, self.locked_combo, self.unlock_button):
                w.hide()
        layout.addLayout(log_head)
        layout.addWidget(self.table, 1)
        self.refresh_audit()
        self.refresh_accounts()

    def refresh_accounts(self) -> None:
        """List the accounts with their role; offer the locked ones for Unlock."""
        if self.accounts is None:
            return
        listed = self.accounts.list()
        locked = [a.name for a in listed if self.accounts.lock_remaining(a.name) > 0]
        self.accounts_label.setText(self.tr("Admin accounts: {accounts}. Locked: {n}.").format(
            accounts=", ".join(f"{a.name} ({role_text(a.role)})" for a in listed), n=len(locked)))
        self.locked_combo.clear()
        self.locked_combo.addItems(locked)
        self.locked_combo.setEnabled(bool(locked))
        self.unlock_button.setEnabled(bool(locked))

    def unlock(self, name: str) -> bool:
        """End an account's lockout from the screen (audited as the logged-in account)."""
        if self.accounts is None or not name:
            return False
        try:
            self.accounts.unlock(name, actor=self.actor)
        except AccountError:
            return False
        self.refresh_accounts()
        self.refresh_audit()
        return True

    def apply(self) -> int:
        """Store the retention period and purge what is older now; returns how many events went."""
        days = self.days.value()
        self.privacy.set_retention_days(days, actor=self.actor)
        n = self.privacy.apply_retention(days)
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
        self.privacy.set_liveness_mode(mode, actor=self.actor)
        self.liveness_message.setText(self.tr("Saved: every kiosk on this database uses it within a few seconds."))
        self.refresh_audit()
        return mode

    def refresh_audit(self) -> None:
        """Reload the latest 500 audit entries."""
        self.entries = self.privacy.audit_log(limit=500)
        self.table.setRowCount(len(self.entries))
        for r, e in enumerate(self.entries):
            ts = e.ts if e.ts.tzinfo else e.ts.replace(tzinfo=UTC)
            for c, text in enumerate((ts.astimezone().strftime("%Y-%m-%d %H:%M:%S"), e.actor, e.action, e.detail)):
                self.table.setItem(r, c, QTableWidgetItem(text))

    def showEvent(self, event) -> None:
        self.refresh_audit()
        self.refresh_accounts()
        super().showEvent(event)
