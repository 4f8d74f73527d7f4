"""Persistence of people, face templates, attendance and the audit log (SQLAlchemy 2, Qt-free)."""

from __future__ import annotations

from kiosk.store.outbox import Outbox, OutboxItem, OutboxRoute
from kiosk.store.store import (
    AccountInfo,
    AuditEntry,
    EventInfo,
    PersonInfo,
    RecordResult,
    Store,
    TemplateIn,
    TemplateQuality,
)

__all__ = ["AccountInfo", "AuditEntry", "EventInfo", "Outbox", "OutboxItem", "OutboxRoute", "PersonInfo",
           "RecordResult", "Store", "TemplateIn", "TemplateQuality"]
