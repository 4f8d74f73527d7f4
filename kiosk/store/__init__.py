"""Persistence of people, face templates, attendance and the audit log (SQLAlchemy 2, Qt-free).

:class:`Store` composes one repository per table family over a shared :class:`Database` (see
:mod:`kiosk.store.store`); the records they return are in :mod:`kiosk.store.records`.
"""

from __future__ import annotations

from kiosk.store.database import Database
from kiosk.store.outbox import Outbox, OutboxItem, OutboxRoute
from kiosk.store.records import (
    AccountInfo,
    AuditEntry,
    EventInfo,
    GalleryPeople,
    PersonInfo,
    RecordResult,
    TemplateIn,
    TemplateQuality,
)
from kiosk.store.store import Store

__all__ = ["AccountInfo", "AuditEntry", "Database", "EventInfo", "GalleryPeople", "Outbox", "OutboxItem",
           "OutboxRoute", "PersonInfo", "RecordResult", "Store", "TemplateIn", "TemplateQuality"]
