"""Recorded attendance as admins review, correct and export it (the admin screens and ``kiosk attendance``).

Recording is the recorder's (kiosk.attendance.policy); this is what happens afterwards: a day's events
with the voided ones still listed (marked), voiding a wrong check-in with a reason, moving one to the
right person, and the CSV export for payroll. Every correction and export is audited with the account
that made it (the store writes the entry in the same transaction as the correction).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

from kiosk.attendance.export import export_csv
from kiosk.store import EventInfo, Store


def local_day_range(day: date) -> tuple[datetime, datetime]:
    """[local midnight of ``day``, the next local midnight) as aware datetimes."""
    nxt = day + timedelta(days=1)
    return (datetime(day.year, day.month, day.day).astimezone(),
            datetime(nxt.year, nxt.month, nxt.day).astimezone())


class AttendanceLedger:
    """The attendance of every kiosk on ``store``, for review, corrections and export."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def day(self, day: date) -> list[EventInfo]:
        """A local day's events, newest first, voided ones included (an admin sees what was corrected)."""
        lo, hi = local_day_range(day)
        return list(reversed(self.store.attendance.between(lo, hi, include_voided=True)))

    def between(self, start: datetime, end: datetime) -> list[EventInfo]:
        """Events with start <= ts < end, oldest first, voided ones included."""
        return self.store.attendance.between(start, end, include_voided=True)

    def get(self, event_id: int) -> EventInfo | None:
        """One event (voided or not), or None."""
        return self.store.attendance.get(event_id)

    def void(self, event_id: int, reason: str, actor: str) -> EventInfo:
        """Void one event with a reason (kept, marked, counted nowhere); StoreError says why it cannot be."""
        return self.store.attendance.void(event_id, reason, actor)

    def reassign(self, event_id: int, person_id: int, actor: str) -> EventInfo:
        """Move one event to the person who really checked in; StoreError says why it cannot be."""
        return self.store.attendance.reassign(event_id, person_id, actor)

    def export_csv(self, start: date, end: date, out: Path, summary: bool = False, group: str | None = None,
                   actor: str = "admin") -> int:
        """Write the attendance of ``start`` to ``end`` (inclusive local days) as CSV; returns the row count."""
        return export_csv(self.store, start, end, out, summary=summary, group=group, actor=actor)


__all__ = ["AttendanceLedger", "EventInfo", "local_day_range"]
