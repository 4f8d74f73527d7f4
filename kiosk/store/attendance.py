"""Attendance events: decided and recorded under a per-person lock, read, corrected and purged.

Name, external id and group are copied from the person into each event, so attendance outlives the
person's deletion (payroll). Corrections never delete: a voided event stays, marked, and a reassigned
one remembers whom the kiosk had named.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import delete, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kiosk.errors import StoreError
from kiosk.store.db import BUSY_TIMEOUT_MS
from kiosk.store.outbox import OutboxRoute, add_messages, event_payload, new_event_id
from kiosk.store.records import EventInfo, RecordResult
from kiosk.store.schema import AttendanceEvent, AuditLog, Person, utcnow

if TYPE_CHECKING:
    from kiosk.store.database import Database

# PostgreSQL advisory lock namespace of attendance decisions ("kios" in ASCII); the second key is the
# person id. The two-key form never collides with the schema lock's one-key form.
ATTENDANCE_LOCK_NS = 0x6B696F73


def event_info(e: AttendanceEvent) -> EventInfo:
    """The record of an event row."""
    return EventInfo(e.id, e.person_id, e.person_name, e.external_id, e.group, e.kiosk_id, e.kind, e.ts,
                     e.similarity, e.voided_at is not None, e.void_reason, e.original_person_id,
                     e.original_person_name, e.corrected_by)


def _last_event(s: Session, person_id: int) -> EventInfo | None:
    # A voided event never happened as far as the policy is concerned.
    q = (select(AttendanceEvent).where(AttendanceEvent.person_id == person_id,
                                       AttendanceEvent.voided_at.is_(None))
         .order_by(AttendanceEvent.ts.desc(), AttendanceEvent.id.desc()).limit(1))
    e = s.scalars(q).first()
    return None if e is None else event_info(e)


class AttendanceRepository:
    """Recording, reading, correcting and purging attendance (``store.attendance``)."""

    def __init__(self, db: Database) -> None:
        self._db = db

    # ------------------------------------------------------------------ recording
    def decide_and_record(self, person_id: int, kiosk_id: str, decide: Callable[[EventInfo | None], str | None],
                          ts: datetime, similarity: float | None,
                          outbox: Sequence[OutboxRoute] = ()) -> RecordResult:
        """Read the person's last event, ask ``decide`` which kind (if any) to record, and record it: all in
        one transaction that no other kiosk's decision for this person can interleave with.

        Two kiosks (or two tracks of one person) deciding at the same instant would otherwise both read
        "no event yet" and both record. PostgreSQL: a transaction-scoped advisory lock on the person
        (``pg_advisory_xact_lock``), so a second decision for the same person waits for the first one's
        commit and then reads its event; other people are not held up, and a pass that records nothing
        writes nothing (a row lock would be a write to flush at every commit). SQLite: the transaction
        begins with BEGIN IMMEDIATE, the file's one write lock. Either waits at most 5 s, then fails as a
        StoreError ("locked") having written nothing.

        A deactivated or deleted person is refused (nothing written). ``decide`` runs under the lock: keep
        it a pure function of the last event (``AttendancePolicy.decide``). Name, external id and group are
        copied from the person into the event.

        ``outbox``: the output targets of this kiosk; a pending message for each one that wants the event
        is written in the same transaction (:mod:`kiosk.store.outbox`), with one event id for all.
        """
        if ts.tzinfo is None:
            raise ValueError("attendance timestamps must be timezone-aware")
        gone = RecordResult("refused", reason=f"person {person_id} is no longer enrolled (deleted); "
                                              "no attendance recorded")
        try:
            with self._db.tx(write_lock=True) as s:
                if self._db.is_postgres:
                    # Wait no longer than SQLite's busy timeout: the recognizer's worker thread is waiting,
                    # and another kiosk's stuck transaction must become a message, not a hang.
                    s.execute(text(f"SET LOCAL lock_timeout = {BUSY_TIMEOUT_MS}"))
                    s.execute(text("SELECT pg_advisory_xact_lock(:ns, :person)"),
                              {"ns": ATTENDANCE_LOCK_NS, "person": person_id})
                p = s.get(Person, person_id)
                if p is None:
                    return gone
                last = _last_event(s, person_id)
                if not p.active:
                    return RecordResult("refused", previous=last,
                                        reason=f"person {person_id} ({p.name}) is deactivated; "
                                               "no attendance recorded")
                kind = decide(last)
                if kind is None:
                    return RecordResult("not_counted", previous=last)
                e = AttendanceEvent(person_id=person_id, person_name=p.name, external_id=p.external_id,
                                    group=p.group, kiosk_id=kiosk_id, kind=kind, ts=ts,
                                    similarity=None if similarity is None else float(similarity))
                s.add(e)
                s.flush()
                if outbox:
                    add_messages(s, outbox, event_payload(new_event_id(), kind, person_id, p.external_id, p.name,
                                                          p.group, kiosk_id, ts, similarity), e.id)
                return RecordResult("recorded", kind, e.id, last)
        except IntegrityError:
            # PostgreSQL: the person was deleted after we read them and before our event's foreign key
            # was checked (the delete committed first). The transaction rolled back: nothing written.
            return gone

    def record(self, person_id: int, kiosk_id: str, kind: str, ts: datetime,
               similarity: float | None) -> RecordResult:
        """Record an attendance event of ``kind`` whatever the last one was (imports, tests, corrections).

        Under the same lock as :meth:`decide_and_record`; a deactivated or deleted person is refused.
        """
        return self.decide_and_record(person_id, kiosk_id, lambda _last: kind, ts, similarity)

    # ------------------------------------------------------------------ reads
    def last(self, person_id: int) -> EventInfo | None:
        """The person's latest attendance event (not voided), from any kiosk sharing this database."""
        with self._db.tx() as s:
            return _last_event(s, person_id)

    def between(self, start: datetime, end: datetime, group: str | None = None,
                person_id: int | None = None, include_voided: bool = False) -> list[EventInfo]:
        """Events with start <= ts < end, oldest first; voided ones only with ``include_voided`` (admin views)."""
        with self._db.tx() as s:
            q = select(AttendanceEvent).where(AttendanceEvent.ts >= start, AttendanceEvent.ts < end)
            if not include_voided:
                q = q.where(AttendanceEvent.voided_at.is_(None))
            if group:
                q = q.where(AttendanceEvent.group == group)
            if person_id is not None:
                q = q.where(AttendanceEvent.person_id == person_id)
            return [event_info(e) for e in s.scalars(q.order_by(AttendanceEvent.ts, AttendanceEvent.id))]

    def get(self, event_id: int) -> EventInfo | None:
        """One attendance event (voided or not), or None."""
        with self._db.tx() as s:
            e = s.get(AttendanceEvent, event_id)
            return None if e is None else event_info(e)

    # ------------------------------------------------------------------ corrections and retention
    def void(self, event_id: int, reason: str, actor: str) -> EventInfo:
        """Mark an event void (kept, shown to admins, counted nowhere) and audit it with the account."""
        reason = reason.strip()
        if not reason:
            raise StoreError("a reason is required to void an event")
        with self._db.tx() as s:
            e = _live_event(s, event_id, "is already void")
            e.voided_at = utcnow()
            e.void_reason = reason[:1000]
            e.corrected_by = actor
            s.add(AuditLog(actor=actor, action="event_voided",
                           detail=f"event {event_id} ({e.person_name}, {e.ts.isoformat()}) voided: {reason}"))
            s.flush()
            return event_info(e)

    def reassign(self, event_id: int, person_id: int, actor: str) -> EventInfo:
        """Move an event to the right person (name, number and group copied from them); the first person the
        kiosk named is kept in ``original_*``. Audited with the account."""
        with self._db.tx() as s:
            e = _live_event(s, event_id, "is void; it cannot be reassigned")
            p = s.get(Person, person_id)
            if p is None:
                raise StoreError(f"no person with id {person_id}")
            if e.person_id == person_id:
                raise StoreError(f"event {event_id} already belongs to {p.name}")
            before = e.person_name
            if e.original_person_name is None:  # a second reassignment keeps the kiosk's own answer
                e.original_person_id = e.person_id
                e.original_person_name = e.person_name
            e.person_id, e.person_name, e.external_id, e.group = p.id, p.name, p.external_id, p.group
            e.corrected_by = actor
            s.add(AuditLog(actor=actor, action="event_reassigned",
                           detail=f"event {event_id} ({e.ts.isoformat()}) moved from {before} to {p.name} "
                                  f"(id {p.id})"))
            s.flush()
            return event_info(e)

    def purge_before(self, cutoff: datetime, actor: str = "retention") -> int:
        """Delete attendance older than ``cutoff`` (retention); returns how many."""
        with self._db.tx() as s:
            n = s.execute(delete(AttendanceEvent).where(AttendanceEvent.ts < cutoff)).rowcount
            if n:
                s.add(AuditLog(actor=actor, action="retention", detail=f"{n} event(s) before {cutoff.isoformat()}"))
            return n


def _live_event(s: Session, event_id: int, if_void: str) -> AttendanceEvent:
    """The event to correct, or a StoreError: there is none, or it is void (``if_void`` says what then)."""
    e = s.get(AttendanceEvent, event_id)
    if e is None:
        raise StoreError(f"no attendance event with id {event_id}")
    if e.voided_at is not None:
        raise StoreError(f"event {event_id} {if_void}")
    return e
