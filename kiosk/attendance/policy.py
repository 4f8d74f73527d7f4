"""When a recognised person counts as checked in: daily, in/out or cooldown, decided from the database.

The last event comes from the store every time (never from memory), and the store reads it, applies
the rule and writes the event in one locked transaction (``store.attendance.decide_and_record``), so a
restart, a second window, a second track of the same face or a second kiosk on the same database
deciding at the same instant cannot count anyone twice.
"""

from __future__ import annotations

import logging
import socket
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from kiosk.store import OutboxRoute, Store

log = logging.getLogger(__name__)

POLICIES = ("daily", "inout", "cooldown")


class EventLike(Protocol):
    """What a policy reads from the last event (kiosk.store.EventInfo)."""

    kind: str
    ts: datetime


def _aware(ts: datetime) -> datetime:
    # A database that drops the zone (SQLite) hands back naive datetimes: the store writes UTC.
    return ts if ts.tzinfo is not None else ts.replace(tzinfo=UTC)


def local_day(ts: datetime) -> object:
    """The calendar day of ``ts`` in this computer's time zone."""
    return _aware(ts).astimezone().date()


@dataclass(frozen=True, slots=True)
class AttendancePolicy:
    """Which event (if any) a recognition at ``now`` records, given the person's last event.

    daily:    "checkin" once per local calendar day.
    inout:    "in" first each day, then "out", "in", ... each at least ``cooldown_s`` after the last.
    cooldown: "checkin" on every pass at least ``cooldown_s`` after the last.
    """

    name: str = "daily"
    cooldown_s: float = 300.0

    def __post_init__(self) -> None:
        if self.name not in POLICIES:
            raise ValueError(f"unknown attendance policy {self.name!r} (one of {', '.join(POLICIES)})")

    def decide(self, last: EventLike | None, now: datetime) -> str | None:
        """The kind to record ("checkin", "in", "out"), or None when this pass does not count."""
        if last is None:
            return "in" if self.name == "inout" else "checkin"
        last_ts = _aware(last.ts)
        since = _aware(now) - last_ts
        if self.name == "daily":
            return None if local_day(last_ts) == local_day(now) else "checkin"
        if self.name == "cooldown":
            return "checkin" if since >= timedelta(seconds=self.cooldown_s) else None
        # inout: a new day always starts with IN (a forgotten OUT yesterday does not flip today).
        if local_day(last_ts) != local_day(now):
            return "in"
        if since < timedelta(seconds=self.cooldown_s):
            return None
        return "out" if last.kind == "in" else "in"


@dataclass(frozen=True, slots=True)
class Outcome:
    """What recording one recognition did.

    kind: the event written ("checkin", "in", "out"), or None when the policy said it does not count.
    ts: when it was written; previous_ts: the person's last event before (None: first ever).
    error: why it could not be written (database locked or down, person refused), else None.
    refused: the person is deactivated or deleted, so nothing may be recorded (``error`` says which).
    """

    kind: str | None
    ts: datetime
    previous_kind: str | None = None
    previous_ts: datetime | None = None
    event_id: int | None = None
    error: str | None = None
    refused: bool = False

    @property
    def recorded(self) -> bool:
        """True when an event was written."""
        return self.kind is not None and self.error is None


def default_kiosk_id(configured: str = "") -> str:
    """The kiosk's name in events: the config's ``attendance.kiosk_id``, else the host name."""
    return configured.strip() or socket.gethostname() or "kiosk"


def local_now() -> datetime:
    """The current time, zone-aware in this computer's zone."""
    return datetime.now().astimezone()


class AttendanceRecorder:
    """Applies the policy against the store and writes the event.

    store: the database; the recorder writes attendance (``store.attendance``) and the outputs' messages
    (``store.outbox``), and reads a recognised person's name and group (``store.people``).
    """

    def __init__(self, store: Store, policy: AttendancePolicy, kiosk_id: str,
                 clock: Callable[[], datetime] = local_now, outbox: Sequence[OutboxRoute] = (),
                 on_recorded: Callable[[], None] | None = None) -> None:
        """``outbox``: the output targets whose messages are written with each event (same transaction);
        ``on_recorded``: called after an event with messages committed (wakes the delivery worker)."""
        self.store = store
        self.policy = policy
        self.kiosk_id = kiosk_id
        self.clock = clock
        self.outbox = tuple(outbox)
        self.on_recorded = on_recorded

    def _recognised(self, person_id: int, now: datetime, similarity: float) -> None:
        """Outputs listing ``recognised`` (a door that opens on every pass, not only on a check-in) hear of
        each named pass, recorded or not; nothing is read or written unless one does."""
        if not any("recognised" in r.kinds for r in self.outbox):
            return
        from kiosk.store.outbox import event_payload, new_event_id

        try:
            p = self.store.people.get(person_id)
            if p is None:
                return
            n = self.store.outbox.enqueue(self.outbox, event_payload(
                new_event_id(), "recognised", person_id, p.external_id, p.name, p.group, self.kiosk_id, now,
                similarity))
        except Exception:
            log.exception("could not queue the recognised message for the outputs")
            return
        if n and self.on_recorded is not None:
            self.on_recorded()

    def alert(self, kind: str, now: datetime | None = None, similarity: float | None = None) -> int:
        """Tell the outputs that want ``kind`` alerts (``unknown`` stranger at the kiosk, ``spoof`` from the
        liveness check): outbox messages only, no attendance row. Returns how many; never raises."""
        if not any(kind in r.kinds for r in self.outbox):
            return 0  # the common case: nobody listens, so no database write on the recognition thread
        from kiosk.store.outbox import event_payload, new_event_id

        now = now or self.clock()
        try:
            n = self.store.outbox.enqueue(self.outbox, event_payload(
                new_event_id(), kind, None, None, "", None, self.kiosk_id, now, similarity))
        except Exception:
            log.exception("could not queue the %s alert for the outputs", kind)
            return 0
        if n and self.on_recorded is not None:
            self.on_recorded()
        return int(n)

    def record(self, person_id: int, similarity: float, now: datetime | None = None) -> Outcome:
        """Record a recognition of ``person_id`` if the policy counts it; never raises for a database error.

        Deciding and writing are one transaction in the store, locked per person (see
        ``store.attendance.decide_and_record``): of two kiosks deciding at the same instant, one records and
        the other sees that event and records nothing.
        """
        now = now or self.clock()
        policy = self.policy
        try:
            res = self.store.attendance.decide_and_record(
                person_id, self.kiosk_id, lambda last: policy.decide(last, now), now, float(similarity), self.outbox)
        except Exception as exc:  # the database is down or locked: greet, say so, keep running
            log.exception("could not record attendance for person %s", person_id)
            return Outcome(None, now, error=str(exc) or type(exc).__name__)
        last = res.previous
        prev_kind = last.kind if last is not None else None
        prev_ts = _aware(last.ts) if last is not None else None
        if res.refused:  # e.g. deactivated after the gallery was loaded: a clear result, not a crash
            log.warning("attendance refused: %s", res.reason)
            return Outcome(None, now, prev_kind, prev_ts, error=res.reason or "refused", refused=True)
        self._recognised(person_id, now, similarity)
        if not res.recorded:
            return Outcome(None, now, prev_kind, prev_ts)
        if self.outbox and self.on_recorded is not None:
            self.on_recorded()  # committed: the worker may send now (it never runs on this thread)
        return Outcome(res.kind, now, prev_kind, prev_ts, res.event_id)
