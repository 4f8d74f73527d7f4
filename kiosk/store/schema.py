"""SQLAlchemy 2 typed ORM models: people, face templates, attendance, audit log, settings, change feed, outbox."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    DDL,
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    TypeDecorator,
    event,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

# Version of the schema this code writes; kiosk.store.migrations upgrades older files to it.
SCHEMA_VERSION = 6


def utcnow() -> datetime:
    """Now, timezone-aware, in UTC."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware timestamps everywhere: stored as UTC, returned tz-aware.

    SQLite has no time zones, so a naive value read back is UTC by construction; PostgreSQL
    uses ``timestamptz``.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("timestamps must be timezone-aware")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if getattr(dialect, "name", "") == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    """Declarative base of the kiosk's tables."""


class Person(Base):
    """An enrolled person."""

    __tablename__ = "people"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    external_id: Mapped[str | None] = mapped_column(String(100), unique=True)
    group: Mapped[str | None] = mapped_column("group_name", String(100), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True, index=True)
    consent_by: Mapped[str | None] = mapped_column(String(200))
    consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    templates: Mapped[list[FaceTemplate]] = relationship(
        back_populates="person", cascade="all, delete-orphan", passive_deletes=True
    )


class FaceTemplate(Base):
    """One face embedding of a person, tagged with the embedder that made it, and its aligned crop."""

    __tablename__ = "face_templates"
    # AUTOINCREMENT: a deleted template's id is never handed out again, so the gallery's
    # fingerprint (count, max id, sum of ids) cannot repeat for a different set of vectors.
    __table_args__ = (Index("ix_templates_model_person", "model_id", "person_id"), Index("ix_templates_enc", "enc"),
                      {"sqlite_autoincrement": True})

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    embedding: Mapped[bytes] = mapped_column(LargeBinary)
    model_id: Mapped[str] = mapped_column(String(100))
    dim: Mapped[int] = mapped_column(Integer)
    size_px: Mapped[float | None] = mapped_column(Float)
    sharpness: Mapped[float | None] = mapped_column(Float)
    yaw_deg: Mapped[float | None] = mapped_column(Float)
    brightness: Mapped[float | None] = mapped_column(Float)
    source: Mapped[str] = mapped_column(String(500), default="")
    # The aligned crop (JPEG): lets `kiosk reembed` move to another embedder without re-enrolling.
    crop: Mapped[bytes | None] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # How embedding and crop are stored: 1 encrypted with the data key (every row written since v4), 0 plain
    # (a row of an older database the upgrade's encryption pass has not reached yet). See kiosk.store.crypto.
    enc: Mapped[int] = mapped_column(Integer, default=1, server_default="0")

    person: Mapped[Person] = relationship(back_populates="templates")


class AttendanceEvent(Base):
    """A check-in (or IN/OUT) at a kiosk.

    The person's name and external id are copied in: payroll still needs last month's rows after
    someone who left is deleted (their face data is purged, the attendance record is not).
    """

    __tablename__ = "attendance_events"
    __table_args__ = (Index("ix_events_person_ts", "person_id", "ts"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    person_name: Mapped[str] = mapped_column(String(200), default="")
    external_id: Mapped[str | None] = mapped_column(String(100))
    group: Mapped[str | None] = mapped_column("group_name", String(100))
    kiosk_id: Mapped[str] = mapped_column(String(100), default="")
    kind: Mapped[str] = mapped_column(String(20), default="checkin")
    ts: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    similarity: Mapped[float | None] = mapped_column(Float)
    # Corrections (v4). A voided event stays in the table (admins still see it, marked) but counts for
    # nothing: exports, the attendance policy and today's totals skip it. A reassigned event carries the
    # right person in person_id/person_name and keeps whom the kiosk had named in original_*.
    voided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    void_reason: Mapped[str | None] = mapped_column(Text)
    original_person_id: Mapped[int | None] = mapped_column(Integer)
    original_person_name: Mapped[str | None] = mapped_column(String(200))
    corrected_by: Mapped[str | None] = mapped_column(String(200))


class AdminAccount(Base):
    """A named admin (v4): role, scrypt PIN hash and the persisted lockout state.

    In the database, not in a local file, so every kiosk on one database shares the accounts and a
    lockout cannot be escaped by walking to the next kiosk or restarting this one.
    """

    __tablename__ = "admin_accounts"

    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    role: Mapped[str] = mapped_column(String(20))
    pin_hash: Mapped[str] = mapped_column(Text)
    must_change_pin: Mapped[bool] = mapped_column(Boolean, default=False)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    # Wall-clock seconds (epoch) until which PIN attempts are refused; 0: not locked.
    locked_until: Mapped[float] = mapped_column(Float, default=0.0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class AuditLog(Base):
    """An admin action (enroll, edit, delete, export, settings)."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ts: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(200), default="admin")
    action: Mapped[str] = mapped_column(String(50))
    detail: Mapped[str] = mapped_column(Text, default="")


class Setting(Base):
    """Key/value settings shared by every kiosk on the database (schema version, retention,
    the setup code's hash, ...)."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class ChangeCounter(Base):
    """The change feed's one-row counter: ``seq`` goes up by one in every transaction that changes people or
    templates (:func:`kiosk.store.changes.log_changes`).

    Every such transaction updates this one row as its last statement, so on PostgreSQL they commit in
    ``seq`` order (the row lock queues them): a kiosk that has seen ``seq`` N has seen every change up to N.
    (A sequence would not do: its numbers are handed out at insert time, not in commit order.)
    ``pruned_below``: change-log rows with a smaller ``seq`` may be gone; a kiosk that far behind re-reads
    everything.
    """

    __tablename__ = "change_counter"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, default=0)
    pruned_below: Mapped[int] = mapped_column(BigInteger, default=0)


# The counter's one row exists from the start (a fresh database; the v2 -> v3 migration inserts it too).
event.listen(ChangeCounter.__table__, "after_create",
             DDL("INSERT INTO change_counter (id, seq, pruned_below) VALUES (1, 0, 0)"))


class ChangeLog(Base):
    """What a change-counter step changed: one row per person (``kind``: enroll, templates, rename, edit,
    deactivate, reactivate, delete, reembed). Running kiosks read the rows after the ``seq`` they last
    applied and refresh those people's templates, name and active flag."""

    __tablename__ = "change_log"

    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    # No foreign key: the row must outlive a deleted person (it says that they were deleted).
    person_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class OutboxMessage(Base):
    """One event to deliver to one output target (webhook, MQTT, relay): the transactional outbox.

    Written in the same transaction as the attendance event it announces
    (``store.attendance.decide_and_record``), so an event is never recorded without its messages nor
    announced without being recorded, whatever happens to the process afterwards. ``event_id`` is the
    same for every target and every attempt: a receiver drops duplicates by it (delivery is at least
    once). ``id`` orders a target's messages. ``state``: pending, delivered or dead (retries ran out;
    ``kiosk events retry`` sends again).
    """

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_due", "kiosk_id", "target", "state", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_id: Mapped[str] = mapped_column(String(36), index=True)
    target: Mapped[str] = mapped_column(String(100))
    kiosk_id: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(20))
    # No foreign key: the message outlives a purged or corrected event (it already left, or must).
    attendance_id: Mapped[int | None] = mapped_column(Integer)
    payload: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(12), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str] = mapped_column(Text, default="")
