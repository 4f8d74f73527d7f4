"""Persistence of people, face templates, attendance and the audit log (SQLAlchemy 2, Qt-free)."""

from __future__ import annotations

from kiosk.store.outbox import Outbox, OutboxItem, OutboxRoute
from kiosk.store.store import AuditEntry, EventInfo, PersonInfo, RecordResult, Store, TemplateIn, TemplateQuality

__all__ = ["AuditEntry", "EventInfo", "Outbox", "OutboxItem", "OutboxRoute",
           "PersonInfo", "RecordResult", "Store", "TemplateIn", "TemplateQuality"]
