"""Attendance CSV export: raw events or a per-person daily summary, safe to open in Excel.

UTF-8 with a BOM (so Excel reads Japanese names correctly), RFC 4180 quoting with CRLF, text cells
that start with = + - @ TAB or CR prefixed with an apostrophe (formula injection), ISO 8601 local
times with their UTC offset, and an atomic write: a temporary file renamed into place, so a failure
never leaves a partial file.
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from kiosk.errors import KioskError
from kiosk.store import EventInfo, Store

RAW_COLUMNS = ("timestamp", "person_id", "external_id", "name", "group", "kind", "kiosk_id", "similarity")
SUMMARY_COLUMNS = ("date", "person_id", "external_id", "name", "group", "first_in", "last_out",
                   "duration_minutes", "events")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class ExportError(KioskError):
    """The export could not be written (bad dates, unwritable path)."""


def neutralise(text: str | None) -> str:
    """A text cell that a spreadsheet will not run as a formula."""
    if not text:
        return ""
    return "'" + text if text.startswith(_FORMULA_START) else text


def local_iso(ts: datetime) -> str:
    """ISO 8601 in this machine's local time zone with its offset at that instant (DST-aware)."""
    return ts.astimezone().isoformat(timespec="seconds")


def parse_day(text: str, what: str) -> date:
    """A YYYY-MM-DD date or a clear error naming the option."""
    try:
        return date.fromisoformat(text)
    except (TypeError, ValueError):
        raise ExportError(f"{what} {text!r} is not a date like 2026-01-31") from None


def local_range(start: date, end: date) -> tuple[datetime, datetime]:
    """[local midnight of start, local midnight after end) as aware datetimes."""
    if end < start:
        raise ExportError(f"--to {end} is before --from {start}")
    lo = datetime(start.year, start.month, start.day).astimezone()
    after = end + timedelta(days=1)
    hi = datetime(after.year, after.month, after.day).astimezone()
    return lo, hi


def raw_rows(events: list[EventInfo]) -> list[list[str]]:
    """One row per event."""
    return [[local_iso(e.ts), "" if e.person_id is None else str(e.person_id), neutralise(e.external_id),
             neutralise(e.name), neutralise(e.group), neutralise(e.kind), neutralise(e.kiosk_id),
             "" if e.similarity is None else f"{e.similarity:.4f}"] for e in events]


@dataclass(frozen=True, slots=True)
class _Key:
    day: date
    person: str


def summary_rows(events: list[EventInfo]) -> list[list[str]]:
    """One row per person per local day: first arrival, last departure, time between, event count.

    last_out is the latest OUT event when there is one, else the latest event when there are several
    (a daily check-in policy records no OUTs); a single event has no last_out and no duration.
    """
    days: dict[_Key, list[EventInfo]] = defaultdict(list)
    for e in events:
        who = str(e.person_id) if e.person_id is not None else f"{e.name}|{e.external_id or ''}"
        days[_Key(e.ts.astimezone().date(), who)].append(e)
    rows = []
    for key in sorted(days, key=lambda k: (k.day, days[k][0].name.lower(), k.person)):
        evs = sorted(days[key], key=lambda e: e.ts)
        first = evs[0]
        outs = [e for e in evs if e.kind == "out"]
        last = outs[-1] if outs else (evs[-1] if len(evs) > 1 else None)
        duration = "" if last is None else str(round((last.ts - first.ts).total_seconds() / 60))
        rows.append([key.day.isoformat(), "" if first.person_id is None else str(first.person_id),
                     neutralise(first.external_id), neutralise(first.name), neutralise(first.group),
                     local_iso(first.ts), "" if last is None else local_iso(last.ts), duration, str(len(evs))])
    return rows


def render_csv(header: tuple[str, ...], rows: list[list[str]]) -> bytes:
    """CSV bytes: UTF-8 with BOM, RFC 4180 (minimal quoting, doubled quotes, CRLF)."""
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(header)
    writer.writerows(rows)
    return buf.getvalue().encode("utf-8-sig")


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder and a rename."""
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise ExportError(f"cannot write {path}: the folder {folder} does not exist")
    if path.is_dir():
        raise ExportError(f"cannot write {path}: it is a folder")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise ExportError(f"cannot write {path}: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise ExportError(f"cannot write {path}: {exc.strerror or exc}") from None


def export_csv(store: Store, start: date, end: date, out: Path, summary: bool = False,
               group: str | None = None, actor: str = "admin") -> int:
    """Export attendance from ``start`` to ``end`` (inclusive local days) to ``out``; returns the row count."""
    lo, hi = local_range(start, end)
    events = store.attendance.between(lo, hi, group=group)
    rows = summary_rows(events) if summary else raw_rows(events)
    write_atomic(out, render_csv(SUMMARY_COLUMNS if summary else RAW_COLUMNS, rows))
    store.audit.record(actor, "export", f"{'summary' if summary else 'raw'} {start}..{end}"
                + (f" group {group}" if group else "") + f": {len(rows)} row(s) to {out}")
    return len(rows)
