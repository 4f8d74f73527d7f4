"""The Store: one database's repositories, one per table family, over one shared :class:`Database`.

``Store.open(url)`` opens (creates, upgrades, unlocks) the database and hands the same
:class:`~kiosk.store.database.Database` to each repository::

    store.people          people (enroll, edit, (de)activate, delete with the purge)   kiosk.store.people
    store.templates       face templates (add, delete, crops, re-embed)                kiosk.store.templates
    store.gallery_source  the gallery's reads of both                                  kiosk.store.gallery_source
    store.feed            the change feed every people/template change is logged to    kiosk.store.changes
    store.attendance      attendance events (decide and record, corrections, purge)    kiosk.store.attendance
    store.outbox          messages the output targets still have to receive            kiosk.store.outbox
    store.audit           the audit log                                                kiosk.store.audit
    store.settings        settings shared by every kiosk on the database               kiosk.store.settings
    store.accounts        admin accounts                                               kiosk.store.accounts

Each repository call is its own transaction (or a write-locked one where a rule reads then writes), and a
change to people or templates logs itself to the change feed in that same transaction.
"""

from __future__ import annotations

from pathlib import Path

from kiosk.store.accounts import AccountRepository
from kiosk.store.attendance import AttendanceRepository
from kiosk.store.audit import AuditRepository
from kiosk.store.changes import ChangeFeed
from kiosk.store.database import Database
from kiosk.store.gallery_source import GallerySource
from kiosk.store.outbox import Outbox
from kiosk.store.people import PeopleRepository
from kiosk.store.sealing import ENCRYPT_BATCH
from kiosk.store.settings import SettingsRepository
from kiosk.store.templates import TemplateRepository


class Store:
    """People, templates, attendance, audit log, settings and accounts in one SQL database."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.people = PeopleRepository(db)
        self.templates = TemplateRepository(db)
        self.gallery_source = GallerySource(db)
        self.feed = ChangeFeed(db)
        self.attendance = AttendanceRepository(db)
        self.outbox = Outbox(db.tx)
        self.audit = AuditRepository(db)
        self.settings = SettingsRepository(db)
        self.accounts = AccountRepository(db)

    @classmethod
    def open(cls, url: str, key_file: Path | None = None, keep_backup: bool = False,
             encrypt_batch: int = ENCRYPT_BATCH) -> Store:
        """Open (and create or upgrade) the database at ``url`` (see :meth:`Database.open`)."""
        return cls(Database.open(url, key_file, keep_backup, encrypt_batch))

    def close(self) -> None:
        """Release connections."""
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
