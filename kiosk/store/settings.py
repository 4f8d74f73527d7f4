"""Settings shared by every kiosk on the database (retention, the liveness check, the setup code, ...).

Plain text values under string keys; what a key means and who may change it belongs to the service
that uses it (kiosk.admin), which also writes the audit entry.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kiosk.store.schema import Setting

if TYPE_CHECKING:
    from kiosk.store.database import Database


class SettingsRepository:
    """Reading and writing shared settings (``store.settings``)."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def get(self, key: str) -> str | None:
        """A shared setting, or None."""
        with self._db.tx() as s:
            row = s.get(Setting, key)
            return None if row is None else row.value

    def set(self, key: str, value: str) -> None:
        """Set a shared setting."""
        with self._db.tx() as s:
            row = s.get(Setting, key)
            if row is None:
                s.add(Setting(key=key, value=value))
            else:
                row.value = value
