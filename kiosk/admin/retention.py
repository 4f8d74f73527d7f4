"""Retention: attendance older than N days is deleted (at startup and once a day), and so are the
snapshots of presentation attacks (kiosk.attendance.spoof_log) of those days."""

from __future__ import annotations

import shutil
from datetime import date, datetime, timedelta

from kiosk import paths
from kiosk.store import Store

RETENTION_KEY = "retention_days"


def retention_days(store: Store, default: int = 0) -> int:
    """The retention period in days: the admin's setting, else ``default`` (the config's); 0 keeps all."""
    raw = store.get_setting(RETENTION_KEY)
    try:
        return max(0, int(raw)) if raw not in (None, "") else max(0, default)
    except ValueError:
        return max(0, default)


def set_retention_days(store: Store, days: int, actor: str = "admin") -> None:
    """Change the retention period (audited); 0 keeps attendance forever."""
    if days < 0:
        raise ValueError("retention must be 0 (keep everything) or a number of days")
    old = retention_days(store)
    store.set_setting(RETENTION_KEY, str(days))
    if old != days:
        store.audit(actor, "retention_changed", f"attendance kept {days} day(s)" if days else "attendance kept forever")


def retention_cutoff(days: int, now: datetime) -> datetime:
    """Local midnight ``days`` days before ``now``'s day: whole days are kept, so a payroll export of
    the last N days never finds a day cut in half."""
    local = now.astimezone()
    day = local.date() - timedelta(days=days)
    return datetime(day.year, day.month, day.day).astimezone()


def apply_retention(store: Store, days: int, now: datetime | None = None) -> int:
    """Delete attendance before ``retention_cutoff(days, now)``; returns how many events went (0 when
    ``days`` is 0: keep everything). The store writes an audit entry when anything was deleted."""
    if days <= 0:
        return 0
    now = now or datetime.now().astimezone()
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    purge_spoof_snapshots(retention_cutoff(days, now))
    return store.purge_events_before(retention_cutoff(days, now), actor="retention")


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
