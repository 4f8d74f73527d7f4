"""Persistence of people, face templates, attendance and the audit log (SQLAlchemy 2, Qt-free)."""

from __future__ import annotations

from kiosk.store.store import AuditEntry, EventInfo, PersonInfo, RecordResult, Store, TemplateIn, TemplateQuality

__all__ = ["AuditEntry", "EventInfo", "PersonInfo", "RecordResult", "Store", "TemplateIn", "TemplateQuality"]
