"""The outbox's rows: what each output target still has to receive, written with the event it announces.

:func:`add_messages` runs inside ``store.attendance.decide_and_record``'s transaction, so an attendance event
and its messages commit (or vanish) together: a kill -9 or power loss after the commit loses nothing, and before it
records nothing. :class:`Outbox` is what the delivery worker (``kiosk.outputs``), ``kiosk events`` and the
doctor read and update; every call is its own short transaction, never held across a network call.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from kiosk.store.schema import OutboxMessage, utcnow

OutboxState = Literal["pending", "delivered", "dead"]
STATES: tuple[str, ...] = ("pending", "delivered", "dead")


@dataclass(frozen=True, slots=True)
class OutboxRoute:
    """A target's filter as the store needs it: which event kinds, and people of which groups (empty: all)."""

    name: str
    kinds: tuple[str, ...] = ("checkin", "in", "out")
    groups: tuple[str, ...] = ()
    # (start, end) minutes after local midnight: only events in that window (end < start wraps midnight)
    hours: tuple[int, int] | None = None

    def wants(self, kind: str, group: str | None, ts: datetime | None = None) -> bool:
        """True when an event of ``kind`` for a person of ``group`` at ``ts`` goes to this target."""
        if kind not in self.kinds or (self.groups and (group or "") not in self.groups):
            return False
        if self.hours is None or ts is None:
            return True
        local = ts.astimezone()
        minute = local.hour * 60 + local.minute
        start, end = self.hours
        return start <= minute < end if start <= end else (minute >= start or minute < end)


@dataclass(frozen=True, slots=True)
class OutboxItem:
    """One message to one target, as stored."""

    id: int
    event_id: str
    target: str
    kiosk_id: str
    kind: str
    payload: dict[str, object]
    state: str
    attempts: int
    next_at: datetime
    created_at: datetime
    delivered_at: datetime | None
    last_error: str

    def to_json(self) -> dict[str, object]:
        """A JSON-ready view (``kiosk events list --json``)."""
        return {"id": self.id, "event_id": self.event_id, "target": self.target, "kiosk_id": self.kiosk_id,
                "kind": self.kind, "state": self.state, "attempts": self.attempts,
                "next_at": self.next_at.isoformat(), "created_at": self.created_at.isoformat(),
                "delivered_at": self.delivered_at.isoformat() if self.delivered_at else None,
                "last_error": self.last_error, "payload": self.payload}


def _item(m: OutboxMessage) -> OutboxItem:
    return OutboxItem(m.id, m.event_id, m.target, m.kiosk_id, m.kind, json.loads(m.payload), m.state, m.attempts,
                      m.next_at, m.created_at, m.delivered_at, m.last_error)


def event_payload(event_id: str, kind: str, person_id: int | None, external_id: str | None, name: str,
                  group: str | None, kiosk_id: str, ts: datetime, similarity: float | None) -> dict[str, object]:
    """The message body every target is built from (the webhook's JSON as is). ``ts`` keeps its offset."""
    return {"event_id": event_id, "kind": kind, "person_id": person_id, "external_id": external_id,
            "name": name, "group": group, "kiosk_id": kiosk_id, "ts": ts.isoformat(),
            "similarity": None if similarity is None else round(float(similarity), 4)}


def add_messages(s: Session, routes: Sequence[OutboxRoute], payload: dict[str, object],
                 attendance_id: int | None = None) -> int:
    """Add one pending message per route that wants this event, in the caller's transaction; returns how many."""
    kind = str(payload["kind"])
    group = payload.get("group")
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    ts = datetime.fromisoformat(str(payload["ts"]))
    now = utcnow()
    n = 0
    for r in routes:
        if r.wants(kind, group if isinstance(group, str) else None, ts):
            s.add(OutboxMessage(event_id=str(payload["event_id"]), target=r.name, kiosk_id=str(payload["kiosk_id"]),
                                kind=kind, attendance_id=attendance_id, payload=body, state="pending", attempts=0,
                                next_at=now, created_at=now, last_error=""))
            n += 1
    return n


def new_event_id() -> str:
    """A fresh event id: the same for every target and every retry of one event."""
    return str(uuid.uuid4())


class Outbox:
    """Reads and state changes of the outbox (each call one short transaction)."""

    def __init__(self, tx: Callable[[], AbstractContextManager[Session]]) -> None:
        self._tx = tx

    def enqueue(self, routes: Sequence[OutboxRoute], payload: dict[str, object]) -> int:
        """Messages for an event that is not an attendance row (``unknown``/``spoof`` alerts, ``test``)."""
        with self._tx() as s:
            return add_messages(s, routes, payload)

    def next_due(self, kiosk_id: str, target: str) -> OutboxItem | None:
        """The target's oldest pending message (due or not: order per target means it goes first)."""
        with self._tx() as s:
            q = (select(OutboxMessage).where(OutboxMessage.kiosk_id == kiosk_id, OutboxMessage.target == target,
                                             OutboxMessage.state == "pending")
                 .order_by(OutboxMessage.id).limit(1))
            m = s.scalars(q).first()
            return None if m is None else _item(m)

    def oldest_pending(self) -> OutboxItem | None:
        """The oldest message not yet delivered, of any kiosk and target (the doctor's "stuck" check)."""
        with self._tx() as s:
            m = s.scalars(select(OutboxMessage).where(OutboxMessage.state == "pending")
                          .order_by(OutboxMessage.id).limit(1)).first()
            return None if m is None else _item(m)

    def mark_delivered(self, message_id: int) -> None:
        """The target acknowledged the message."""
        with self._tx() as s:
            s.execute(update(OutboxMessage).where(OutboxMessage.id == message_id)
                      .values(state="delivered", delivered_at=utcnow(), attempts=OutboxMessage.attempts + 1,
                              last_error=""))

    def mark_failed(self, message_id: int, error: str, retry_in_s: float | None) -> None:
        """A failed attempt: try again in ``retry_in_s`` seconds, or dead-letter it (``None``)."""
        with self._tx() as s:
            values: dict[str, object] = {"attempts": OutboxMessage.attempts + 1, "last_error": error[:2000]}
            if retry_in_s is None:
                values["state"] = "dead"
            else:
                values["next_at"] = utcnow() + timedelta(seconds=retry_in_s)
            s.execute(update(OutboxMessage).where(OutboxMessage.id == message_id).values(**values))

    def list(self, state: str | None = None, kiosk_id: str | None = None, target: str | None = None,
             limit: int = 1000) -> list[OutboxItem]:
        """Messages, newest first."""
        with self._tx() as s:
            q = select(OutboxMessage)
            if state:
                q = q.where(OutboxMessage.state == state)
            if kiosk_id:
                q = q.where(OutboxMessage.kiosk_id == kiosk_id)
            if target:
                q = q.where(OutboxMessage.target == target)
            return [_item(m) for m in s.scalars(q.order_by(OutboxMessage.id.desc()).limit(limit))]

    def counts(self, kiosk_id: str | None = None) -> dict[str, int]:
        """How many messages are in each state (doctor, admin panel)."""
        with self._tx() as s:
            q = select(OutboxMessage.state, func.count()).group_by(OutboxMessage.state)
            if kiosk_id:
                q = q.where(OutboxMessage.kiosk_id == kiosk_id)
            got = {str(k): int(n) for k, n in s.execute(q)}
        return {st: got.get(st, 0) for st in STATES}

    def retry(self, target: str | None = None, kiosk_id: str | None = None) -> int:
        """Dead letters back to pending with a fresh retry budget, due now; returns how many."""
        with self._tx() as s:
            q = update(OutboxMessage).where(OutboxMessage.state == "dead")
            if target:
                q = q.where(OutboxMessage.target == target)
            if kiosk_id:
                q = q.where(OutboxMessage.kiosk_id == kiosk_id)
            return int(s.execute(q.values(state="pending", attempts=0, next_at=utcnow())).rowcount or 0)

    def prune_delivered(self, before: datetime) -> int:
        """Forget delivered messages older than ``before`` (the table would otherwise grow forever)."""
        with self._tx() as s:
            q = delete(OutboxMessage).where(OutboxMessage.state == "delivered", OutboxMessage.delivered_at < before)
            return int(s.execute(q).rowcount or 0)


__all__ = ["STATES", "Outbox", "OutboxItem", "OutboxRoute", "OutboxState", "add_messages", "event_payload",
           "new_event_id"]
