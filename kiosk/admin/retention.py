"""Retention's rules: where the cutoff falls (whole local days) and the purge of attack snapshots.

Attendance older than N days is deleted (at startup and once a day), and so are the snapshots of
presentation attacks (kiosk.attendance.spoof_log) of those days; the setting and the purge
itself are in :class:`kiosk.admin.privacy.PrivacySettings`.
"""

from __future__ import annotations

import shutil
from datetime import date, datetime, timedelta

from kiosk import paths

RETENTION_KEY = "retention_days"


def retention_cutoff(days: int, now: datetime) -> datetime:
    """Local midnight ``days`` days before ``now``'s day: whole days are kept, so a payroll export of
    the last N days never finds a day cut in half."""
    local = now.astimezone()
    day = local.date() - timedelta(days=days)
    return datetime(day.year, day.month, day.day).astimezone()


def purge_spoof_snapshots(cutoff: datetime) -> int:
    """Delete the attack snapshots of the local days before ``cutoff`` (``spoof/YYYY-MM-DD/``); returns
    how many day folders went. Snapshots are personal data: they go with the attendance of their days."""
    folder = paths.spoof_dir()
    if not folder.is_dir():
        return 0
    gone = 0
    for day in folder.iterdir():
        try:
            d = date.fromisoformat(day.name)
        except ValueError:
            continue  # not a day folder of ours
        if day.is_dir() and d < cutoff.astimezone().date():
            shutil.rmtree(day, ignore_errors=True)
            gone += 1
    return gone
