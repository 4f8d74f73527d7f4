"""The audit log: who did what, when (admin actions, retention, attacks); entries are never changed.

Changes that must be audited together with what they change (enroll, edit, delete, corrections, account
changes) write their entry in their own transaction; :meth:`AuditRepository.record` is for the rest.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import select

from kiosk.store.records import AuditEntry
from kiosk.store.schema import AuditLog

if TYPE_CHECKING:
    from kiosk.store.database import Database


class AuditRepository:
    """Writing and reading the audit log (``store.audit``)."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def record(self, actor: str, action: str, detail: str = "") -> None:
        """Write an audit log entry."""
        with self._db.tx() as s:
            s.add(AuditLog(actor=actor, action=action, detail=detail))

    def latest(self, limit: int = 200) -> list[AuditEntry]:
        """Latest audit entries first."""
        with self._db.tx() as s:
            q = select(AuditLog).order_by(AuditLog.ts.desc(), AuditLog.id.desc()).limit(limit)
            return [AuditEntry(a.id, a.ts, a.actor, a.action, a.detail) for a in s.scalars(q)]
