"""The Store: every read and write of people, templates, attendance, audit log and settings.

Every method that changes people or templates also logs the change to the change feed in the same
transaction (:meth:`Store._log_changes`, see :mod:`kiosk.store.feed`), so each running kiosk sees it,
wherever it was made (command line, admin panel, another kiosk).

Face templates and crops are encrypted at rest (:mod:`kiosk.store.crypto`): this module seals them on
every write and opens them on every read (``_seal_*`` / ``_open_*``), so the rest of the kiosk sees plain
vectors and JPEGs and never the key.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Literal, Protocol

import numpy as np
from sqlalchemy import Engine, delete, func, insert, inspect, or_, select, text, update
from sqlalchemy.exc import IntegrityError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from kiosk import paths
from kiosk.errors import StoreError
from kiosk.store.crypto import KEY_FILE_NAME, DataCipher, DataKeyError, DecryptError, KeyLocations
from kiosk.store.db import BUSY_TIMEOUT_MS, create_db_engine, sqlite_path, write_locked
from kiosk.store.feed import CHANNEL, Change, ChangeBatch, ChangeWatcher, open_watcher
from kiosk.store.migrations import encrypt_plain_backups, ensure_schema
from kiosk.store.outbox import Outbox, OutboxRoute, add_messages, event_payload, new_event_id
from kiosk.store.schema import (
    AdminAccount,
    AttendanceEvent,
    AuditLog,
    ChangeCounter,
    ChangeLog,
    FaceTemplate,
    Person,
    Setting,
    utcnow,
)

log = logging.getLogger(__name__)

# Settings: a value sealed with the data key (proves a key is the right one before anything is written) and
# its key id (named in the error when a wrong key is given); the encrypted backup of an unfinished upgrade.
KEY_CHECK = "data_key_check"
KEY_ID = "data_key_id"
PENDING_BACKUP = "upgrade_backup"
_KEY_CHECK_PLAIN = b"kiosk data key check"
_KEY_CHECK_AD = b"settings.data_key_check"
# Rows per transaction of the upgrade's encryption pass: small, so a kill loses at most one batch of work
# and other kiosks are not locked out for long.
ENCRYPT_BATCH = 200

# The change log keeps at least this many steps; every PRUNE_EVERY-th step deletes older rows (a kiosk
# further behind than that re-reads its whole gallery instead).
CHANGE_LOG_KEEP = 10_000
PRUNE_EVERY = 1_000
# Ids per IN (...) list: SQLite allows at most 32766 bound values in one statement.
_IN_CHUNK = 5000


@dataclass(frozen=True, slots=True)
class PersonInfo:
    """A person as the rest of the kiosk sees them."""

    id: int
    name: str
    external_id: str | None
    group: str | None
    active: bool
    created_at: datetime
    updated_at: datetime
    templates: int
    consent_by: str | None = None
    consent_at: datetime | None = None

    def to_json(self) -> dict[str, object]:
        """JSON form (ISO 8601 times)."""
        return {
            "id": self.id, "name": self.name, "external_id": self.external_id, "group": self.group,
            "active": self.active, "templates": self.templates, "created_at": self.created_at.isoformat(),
            "updated_at": self.updated_at.isoformat(), "consent_by": self.consent_by,
            "consent_at": self.consent_at.isoformat() if self.consent_at else None,
        }


@dataclass(frozen=True, slots=True)
class EventInfo:
    """An attendance event."""

    id: int
    person_id: int | None
    name: str
    external_id: str | None
    group: str | None
    kiosk_id: str
    kind: str
    ts: datetime
    similarity: float | None
    # Corrections: voided events count for nothing but stay visible to admins; original_name is whom the
    # kiosk had named before a reassignment; corrected_by is the account that voided or reassigned it.
    voided: bool = False
    void_reason: str | None = None
    original_person_id: int | None = None
    original_name: str | None = None
    corrected_by: str | None = None

    def to_json(self) -> dict[str, object]:
        """JSON form (ISO 8601 time)."""
        return {"id": self.id, "person_id": self.person_id, "name": self.name, "external_id": self.external_id,
                "group": self.group, "kiosk_id": self.kiosk_id, "kind": self.kind, "ts": self.ts.isoformat(),
                "similarity": self.similarity, "voided": self.voided, "void_reason": self.void_reason,
                "original_person_id": self.original_person_id, "original_name": self.original_name,
                "corrected_by": self.corrected_by}


@dataclass(frozen=True, slots=True)
class AccountInfo:
    """An admin account as stored (``pin_hash`` is read only by kiosk.admin.accounts to check a PIN)."""

    name: str
    role: str
    pin_hash: str
    must_change_pin: bool
    failures: int
    locked_until: float
    created_at: datetime
    last_login_at: datetime | None


@dataclass(frozen=True, slots=True)
class RecordResult:
    """What one attendance write did (:meth:`Store.decide_and_record`, :meth:`Store.record_event`).

    status: "recorded" (event ``event_id`` of ``kind`` written), "not_counted" (the rule said this pass
    does not count) or "refused" (the person is deactivated or no longer enrolled: nothing written,
    ``reason`` says why). previous: the person's last event before this one (None: first ever).
    """

    status: Literal["recorded", "not_counted", "refused"]
    kind: str | None = None
    event_id: int | None = None
    previous: EventInfo | None = None
    reason: str | None = None

    @property
    def recorded(self) -> bool:
        """True when an event was written."""
        return self.status == "recorded"

    @property
    def refused(self) -> bool:
        """True when the person may not be recorded (deactivated or deleted)."""
        return self.status == "refused"


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """An admin action."""

    id: int
    ts: datetime
    actor: str
    action: str
    detail: str


class TemplateQuality(Protocol):
    """The quality figures stored with a template (kiosk.vision's FaceQuality has them).

    A protocol, so that storage does not depend on the vision layer: any object with these four
    numbers will do.
    """

    @property
    def size_px(self) -> float:
        """Face size in frame pixels."""

    @property
    def sharpness(self) -> float:
        """Variance of the Laplacian of the aligned crop."""

    @property
    def yaw_deg(self) -> float:
        """Left/right head turn in degrees."""

    @property
    def brightness(self) -> float:
        """Mean grey level of the aligned crop, 0..255."""


@dataclass(frozen=True, slots=True)
class GalleryPeople:
    """The gallery's view of some people, read together: who of them is active (with their names) and those
    people's templates of one embedder (ids ascending, raw float32 embeddings). A person asked about but
    absent from ``names`` was deleted or deactivated and belongs in no gallery."""

    names: dict[int, str]
    keys: np.ndarray
    persons: np.ndarray
    vectors: np.ndarray


@dataclass(frozen=True, slots=True)
class TemplateIn:
    """A template to store: embedding, the model that made it, quality, source and aligned crop (JPEG)."""

    embedding: np.ndarray
    model_id: str
    quality: TemplateQuality | None
    source: str
    crop_jpeg: bytes | None


def _person_info(p: Person, templates: int) -> PersonInfo:
    return PersonInfo(p.id, p.name, p.external_id, p.group, p.active, p.created_at, p.updated_at, templates,
                      p.consent_by, p.consent_at)


def _event_info(e: AttendanceEvent) -> EventInfo:
    return EventInfo(e.id, e.person_id, e.person_name, e.external_id, e.group, e.kiosk_id, e.kind, e.ts,
                     e.similarity, e.voided_at is not None, e.void_reason, e.original_person_id,
                     e.original_person_name, e.corrected_by)


def _account_info(a: AdminAccount) -> AccountInfo:
    return AccountInfo(a.name, a.role, a.pin_hash, bool(a.must_change_pin), int(a.failures or 0),
                       float(a.locked_until or 0.0), a.created_at, a.last_login_at)


def default_key_file() -> Path:
    """The data key file: ``data.key`` beside the config file (the config folder, not the database)."""
    return paths.config_path().parent / KEY_FILE_NAME


# Associated data of the sealed columns: a ciphertext opens only in its own column of its own person's rows
# (not the template id: it is not known before the insert, and a re-embedded template keeps its crop).
def _emb_ad(person_id: int) -> bytes:
    return f"face_templates.embedding|person={int(person_id)}".encode()


def _crop_ad(person_id: int) -> bytes:
    return f"face_templates.crop|person={int(person_id)}".encode()


# PostgreSQL advisory lock namespace of attendance decisions ("kios" in ASCII); the second key is the
# person id. The two-key form never collides with the schema lock's one-key form.
ATTENDANCE_LOCK_NS = 0x6B696F73


class Store:
    """People, templates, attendance, audit log and settings in one SQL database."""

    def __init__(self, engine: Engine, url: str, cipher: DataCipher) -> None:
        self.engine = engine
        self.url = url
        self.sqlite_path: Path | None = sqlite_path(url)
        self._session = sessionmaker(engine, expire_on_commit=False)
        # Same pool, for decide-then-write transactions (kiosk.store.db.write_locked): BEGIN IMMEDIATE on
        # SQLite, READ COMMITTED on PostgreSQL.
        self._locked_session = sessionmaker(write_locked(engine), expire_on_commit=False)
        self.schema_version = 0
        self.cipher = cipher

    @classmethod
    def open(cls, url: str, key_file: Path | None = None, keep_backup: bool = False,
             encrypt_batch: int = ENCRYPT_BATCH) -> Store:
        """Open (and create or upgrade) the database at ``url``.

        The data key comes from ``KIOSK_DATA_KEY``, the systemd credential or ``key_file`` (default:
        :func:`default_key_file`); it is created there when the database has no encrypted data yet. A
        missing or wrong key for a database that has some is a DataKeyError, raised before anything is
        written. An upgrade's backup is encrypted and removed once the upgrade (encryption pass included)
        is complete, unless ``keep_backup``.
        """
        engine = create_db_engine(url)
        locations = KeyLocations(Path(key_file) if key_file else default_key_file())
        where = str(sqlite_path(url) or make_safe_url(engine))
        try:
            cipher, created = _unlock(engine, locations, where)
            store = cls(engine, url, cipher)
            store.schema_version, backup = ensure_schema(engine, store.sqlite_path, cipher)
            if backup is not None:
                store.set_setting(PENDING_BACKUP, str(backup))
                log.warning("database schema backed up (encrypted) to %s before upgrading", backup)
            store._claim_key(locations, created)
            store.encrypt_pending(encrypt_batch)
            if store.sqlite_path is not None:
                for sealed in encrypt_plain_backups(store.sqlite_path, cipher):
                    log.warning("an earlier upgrade's plain backup is now encrypted with the data key: %s", sealed)
            store._finish_upgrade(keep_backup)
        except OperationalError as exc:
            engine.dispose()
            raise StoreError(describe_error(engine, sqlite_path(url), exc)) from None
        except BaseException:
            engine.dispose()
            raise
        return store

    # ------------------------------------------------------------------ encryption at rest
    def _claim_key(self, locations: KeyLocations, created: bool) -> None:
        """Record the key check in the database (first start), or verify it (another kiosk raced us)."""
        sealed = self.cipher.seal(_KEY_CHECK_PLAIN, _KEY_CHECK_AD)
        try:
            # Read-then-write: under the write lock, so kiosks starting together on one SQLite file wait
            # for each other instead of failing with "locked" (a deferred transaction cannot upgrade).
            with self._tx(write_lock=True) as s:
                if s.get(Setting, KEY_CHECK) is not None:
                    return
                s.add(Setting(key=KEY_CHECK, value=sealed.hex()))
                s.add(Setting(key=KEY_ID, value=self.cipher.key_id))
            log.info("face data encrypted with the data key from %s (key id %s)", self.cipher.source,
                     self.cipher.key_id)
        except IntegrityError:
            # Another kiosk on this database recorded its key between our check and insert.
            if created:
                locations.remove_created(self.cipher)
            with self.engine.connect() as conn:
                _verify(conn, self.cipher, str(self.sqlite_path or make_safe_url(self.engine)), locations)

    def encrypt_pending(self, batch: int = ENCRYPT_BATCH) -> int:
        """Encrypt template rows still stored plain (a database from before v4), ``batch`` rows per
        transaction: a pass cut short (power cut, kill) continues at the next open. Returns how many."""
        total = 0
        while True:
            n = self._encrypt_batch(batch)
            if not n:
                break
            total += n
            log.info("encrypting face data at rest: %d template(s) done", total)
        if total:
            log.warning("encrypted %d face template(s) and their crops at rest", total)
            self.checkpoint()
        return total

    def _encrypt_batch(self, batch: int) -> int:
        with self._tx() as s:
            rows = s.execute(select(FaceTemplate.id, FaceTemplate.person_id, FaceTemplate.embedding, FaceTemplate.crop)
                             .where(FaceTemplate.enc == 0).order_by(FaceTemplate.id).limit(batch)).all()
            if rows:
                s.execute(update(FaceTemplate), [
                    {"id": i, "embedding": self.cipher.seal(bytes(e), _emb_ad(p)),
                     "crop": None if c is None else self.cipher.seal(bytes(c), _crop_ad(p)), "enc": 1}
                    for i, p, e, c in rows])
            return len(rows)

    def _finish_upgrade(self, keep_backup: bool) -> None:
        """Remove the upgrade's backup once the upgrade and its encryption pass are complete."""
        pending = self.get_setting(PENDING_BACKUP)
        if pending is None:
            return
        if keep_backup:
            log.warning("upgrade backup kept (encrypted with the data key): %s", pending)
        else:
            Path(pending).unlink(missing_ok=True)
            log.info("upgrade complete; backup %s removed", pending)
        with self._tx() as s:
            s.execute(delete(Setting).where(Setting.key == PENDING_BACKUP))

    def checkpoint(self) -> None:
        """SQLite: copy the WAL into the database and truncate it to zero bytes, so that pages of deleted
        rows (a purged person's templates and crops) do not linger in the WAL file. A no-op elsewhere."""
        if self.sqlite_path is None:
            return
        raw = self.engine.raw_connection()
        try:
            cur = raw.cursor()
            busy, _, _ = cur.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
            cur.close()
        finally:
            raw.close()
        if busy:
            # Another process is reading: the WAL is truncated at its next checkpoint instead.
            log.info("WAL checkpoint incomplete (another connection is reading %s)", self.sqlite_path)

    def _seal_template(self, person_id: int, t: TemplateIn) -> FaceTemplate:
        emb = np.ascontiguousarray(t.embedding, dtype=np.float32).ravel()
        q = t.quality
        return FaceTemplate(
            person_id=person_id, embedding=self.cipher.seal(emb.tobytes(), _emb_ad(person_id)), model_id=t.model_id,
            dim=int(emb.size), size_px=q.size_px if q else None, sharpness=q.sharpness if q else None,
            yaw_deg=q.yaw_deg if q else None, brightness=q.brightness if q else None, source=t.source[:500],
            crop=None if t.crop_jpeg is None else self.cipher.seal(t.crop_jpeg, _crop_ad(person_id)), enc=1,
        )

    def _open_embedding(self, person_id: int, blob: bytes, enc: int) -> np.ndarray:
        plain = self.cipher.open(bytes(blob), _emb_ad(person_id)) if enc else bytes(blob)
        return np.frombuffer(plain, dtype=np.float32)

    def _open_crop(self, person_id: int, blob: bytes | None, enc: int) -> bytes | None:
        if blob is None:
            return None
        if not enc:
            return bytes(blob)
        try:
            return self.cipher.open(bytes(blob), _crop_ad(person_id))
        except DecryptError:
            # The key was checked at open, so this one value is damaged. It is handed on as the damaged bytes
            # it is: no image decoder reads them, which the callers already handle as an unreadable crop
            # (reembed lists it, the admin's photo list skips it) instead of the whole kiosk stopping.
            log.warning("a face crop of person %d does not decrypt (damaged); treated as unreadable", person_id)
            return bytes(blob)

    def close(self) -> None:
        """Release connections."""
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ plumbing
    def _describe(self, exc: SQLAlchemyError) -> str:
        return describe_error(self.engine, self.sqlite_path, exc)

    @contextlib.contextmanager
    def _tx(self, write_lock: bool = False) -> Iterator[Session]:
        """A transaction: committed on success, rolled back on error, DB errors as StoreError.

        ``write_lock``: for read-then-write rules that must not interleave with another writer. On SQLite
        the transaction takes the database's write lock when it begins (BEGIN IMMEDIATE); on PostgreSQL it
        is READ COMMITTED, so statements after an advisory lock see what the lock's last holder committed.
        """
        try:
            with (self._locked_session if write_lock else self._session).begin() as s:
                yield s
        except IntegrityError:
            raise
        except OperationalError as exc:
            raise StoreError(self._describe(exc)) from None

    def _log_changes(self, s: Session, changes: dict[int, str]) -> int | None:
        """Record in the change feed that these people changed (person id -> kind); returns the new step.

        Call it as the *last* statement of the transaction that made the change: the counter row it updates
        is locked until the commit, which makes concurrent changes (PostgreSQL) commit in step order
        without any of them waiting on the counter while holding other locks.
        """
        if not changes:
            return None
        seq = int(s.execute(update(ChangeCounter).where(ChangeCounter.id == 1)
                            .values(seq=ChangeCounter.seq + 1).returning(ChangeCounter.seq)).scalar_one())
        now = utcnow()
        s.execute(insert(ChangeLog), [{"seq": seq, "person_id": int(p), "kind": k, "at": now}
                                      for p, k in sorted(changes.items())])
        if seq % PRUNE_EVERY == 0 and seq > CHANGE_LOG_KEEP:
            cut = seq - CHANGE_LOG_KEEP
            s.execute(delete(ChangeLog).where(ChangeLog.seq < cut))
            s.execute(update(ChangeCounter).where(ChangeCounter.id == 1).values(pruned_below=cut))
        if self.engine.dialect.name == "postgresql":
            # Delivered to every listening kiosk when (and only if) this transaction commits.
            s.execute(text("SELECT pg_notify(:channel, :seq)"), {"channel": CHANNEL, "seq": str(seq)})
        return seq

    # ------------------------------------------------------------------ people
    def add_person(self, name: str, external_id: str | None = None, group: str | None = None,
                   consent_by: str | None = None) -> int:
        """Add a person without templates; returns the id."""
        pid, _ = self.enroll_person(name, [], external_id, group, consent_by)
        return pid

    def enroll_person(self, name: str, templates: Sequence[TemplateIn], external_id: str | None = None,
                      group: str | None = None, consent_by: str | None = None,
                      actor: str = "admin") -> tuple[int, list[int]]:
        """A person and their templates in one transaction (all or nothing), with consent and audit."""
        name = name.strip()
        if not name:
            raise StoreError("a person needs a name")
        external_id = (external_id or "").strip() or None
        try:
            with self._tx() as s:
                person = Person(name=name, external_id=external_id, group=(group or "").strip() or None,
                                active=True, consent_by=consent_by, consent_at=utcnow() if consent_by else None)
                s.add(person)
                s.flush()
                rows = [self._seal_template(person.id, t) for t in templates]
                s.add_all(rows)
                s.flush()
                s.add(AuditLog(actor=actor, action="enroll",
                               detail=f"person {person.id} '{name}' with {len(rows)} template(s)"
                                      + (f", consent recorded by {consent_by}" if consent_by else "")))
                self._log_changes(s, {person.id: "enroll"})
                return person.id, [r.id for r in rows]
        except IntegrityError:
            raise StoreError(f"external id '{external_id}' already belongs to another person") from None

    def add_template(self, person_id: int, embedding: np.ndarray, model_id: str,
                     quality: TemplateQuality | None = None, source: str = "", crop_jpeg: bytes | None = None) -> int:
        """Add one template to an existing person; returns the template id."""
        return self.add_templates(person_id, [TemplateIn(embedding, model_id, quality, source, crop_jpeg)])[0]

    def add_templates(self, person_id: int, templates: Sequence[TemplateIn]) -> list[int]:
        """Add templates to an existing person in one transaction."""
        with self._tx() as s:
            if s.get(Person, person_id) is None:
                raise StoreError(f"no person with id {person_id}")
            rows = [self._seal_template(person_id, t) for t in templates]
            s.add_all(rows)
            s.flush()
            if rows:
                self._log_changes(s, {person_id: "templates"})
            return [r.id for r in rows]

    def _template_counts(self, s: Session, ids: Sequence[int] | None = None) -> dict[int, int]:
        q = select(FaceTemplate.person_id, func.count(FaceTemplate.id)).group_by(FaceTemplate.person_id)
        if ids is not None:
            q = q.where(FaceTemplate.person_id.in_(ids))
        return {pid: n for pid, n in s.execute(q)}

    def get_person(self, person_id: int) -> PersonInfo | None:
        """One person, or None."""
        with self._tx() as s:
            p = s.get(Person, person_id)
            return None if p is None else _person_info(p, self._template_counts(s, [person_id]).get(person_id, 0))

    def find_person(self, external_id: str) -> PersonInfo | None:
        """The person with this external id, or None."""
        with self._tx() as s:
            p = s.scalars(select(Person).where(Person.external_id == external_id)).first()
            return None if p is None else _person_info(p, self._template_counts(s, [p.id]).get(p.id, 0))

    def list_people(self, active_only: bool = False, search: str | None = None) -> list[PersonInfo]:
        """People sorted by name; ``search`` matches name, external id or group (case-insensitive)."""
        with self._tx() as s:
            q = select(Person).order_by(func.lower(Person.name), Person.id)
            if active_only:
                q = q.where(Person.active.is_(True))
            if search:
                like = f"%{search.strip().lower()}%"
                q = q.where(or_(func.lower(Person.name).like(like), func.lower(Person.external_id).like(like),
                                func.lower(Person.group).like(like)))
            people = list(s.scalars(q))
            counts = self._template_counts(s)
            return [_person_info(p, counts.get(p.id, 0)) for p in people]

    def count_people(self, active_only: bool = True) -> int:
        """How many people (active ones by default)."""
        with self._tx() as s:
            q = select(func.count(Person.id))
            if active_only:
                q = q.where(Person.active.is_(True))
            return int(s.scalar(q) or 0)

    def update_person(self, person_id: int, name: str | None = None, external_id: str | None = None,
                      group: str | None = None, active: bool | None = None, actor: str = "admin") -> PersonInfo:
        """Change a person's fields (None leaves a field as it is; "" clears external id / group)."""
        try:
            with self._tx() as s:
                p = s.get(Person, person_id)
                if p is None:
                    raise StoreError(f"no person with id {person_id}")
                changes = []
                if name is not None and name.strip() and name.strip() != p.name:
                    changes.append(f"name '{p.name}' -> '{name.strip()}'")
                    p.name = name.strip()
                if external_id is not None and (external_id.strip() or None) != p.external_id:
                    changes.append(f"external id {p.external_id!r} -> {external_id.strip() or None!r}")
                    p.external_id = external_id.strip() or None
                if group is not None and (group.strip() or None) != p.group:
                    changes.append(f"group {p.group!r} -> {group.strip() or None!r}")
                    p.group = group.strip() or None
                kind = "rename" if any(c.startswith("name ") for c in changes) else "edit"
                if active is not None and active != p.active:
                    changes.append("activated" if active else "deactivated")
                    kind = "reactivate" if active else "deactivate"
                    p.active = active
                if changes:
                    p.updated_at = utcnow()
                    s.add(AuditLog(actor=actor, action="edit", detail=f"person {person_id}: " + "; ".join(changes)))
                    s.flush()
                    self._log_changes(s, {person_id: kind})
                s.flush()
                return _person_info(p, self._template_counts(s, [person_id]).get(person_id, 0))
        except IntegrityError:
            raise StoreError(f"external id '{external_id}' already belongs to another person") from None

    def delete_person(self, person_id: int, actor: str = "admin") -> bool:
        """Delete a person and purge their biometric data (templates and crops); keeps attendance rows
        (with the name copied in) for payroll. Returns False when there was no such person."""
        with self._tx() as s:
            p = s.get(Person, person_id)
            if p is None:
                return False
            n = s.execute(delete(FaceTemplate).where(FaceTemplate.person_id == person_id)).rowcount
            s.execute(update(AttendanceEvent).where(AttendanceEvent.person_id == person_id)
                      .values(person_id=None))
            s.delete(p)
            s.add(AuditLog(actor=actor, action="delete",
                           detail=f"person {person_id} '{p.name}': {n} template(s) and crops purged"))
            s.flush()
            self._log_changes(s, {person_id: "delete"})
        # secure_delete zeroes the freed pages in the database file, but the WAL still holds copies of the
        # pages as they were: checkpoint and truncate it now rather than at some later automatic checkpoint.
        self.checkpoint()
        return True

    def delete_templates(self, template_ids: Sequence[int]) -> int:
        """Delete templates by id; returns how many."""
        with self._tx() as s:
            gone = s.execute(delete(FaceTemplate).where(FaceTemplate.id.in_(list(template_ids)))
                             .returning(FaceTemplate.person_id)).scalars().all()
            self._log_changes(s, dict.fromkeys(gone, "templates"))
        if gone:
            self.checkpoint()  # as in delete_person: no old copy of the removed faces in the WAL
        return len(gone)

    def template_crops(self, person_id: int) -> list[bytes]:
        """The stored aligned crops (JPEG) of a person, oldest first."""
        with self._tx() as s:
            q = (select(FaceTemplate.crop, FaceTemplate.enc)
                 .where(FaceTemplate.person_id == person_id, FaceTemplate.crop.is_not(None)).order_by(FaceTemplate.id))
            crops = [self._open_crop(person_id, c, enc) for c, enc in s.execute(q)]
            return [c for c in crops if c]

    def template_sources(self, person_id: int) -> set[str]:
        """Where a person's templates came from (photo paths, camera)."""
        with self._tx() as s:
            return set(s.scalars(select(FaceTemplate.source).where(FaceTemplate.person_id == person_id)))

    def people_by_name(self, name: str) -> list[PersonInfo]:
        """People with exactly this name."""
        return [p for p in self.list_people() if p.name == name]

    def other_model_templates(self, model_id: str) -> list[tuple[int, int, str]]:
        """(template id, person id, model id) of every template another embedder made, by person, then id.

        Only ids: a moving job reads the crops batch by batch (:meth:`template_crops_by_id`).
        """
        with self._tx() as s:
            q = (select(FaceTemplate.id, FaceTemplate.person_id, FaceTemplate.model_id)
                 .where(FaceTemplate.model_id != model_id).order_by(FaceTemplate.person_id, FaceTemplate.id))
            return [(int(i), int(p), str(m)) for i, p, m in s.execute(q)]

    def template_crops_by_id(self, template_ids: Sequence[int]) -> dict[int, bytes | None]:
        """The stored aligned crops (JPEG, or None) of these templates; ids no longer stored are absent."""
        ids = [int(i) for i in template_ids]
        out: dict[int, bytes | None] = {}
        with self._tx() as s:
            for start in range(0, len(ids), 5000):
                q = (select(FaceTemplate.id, FaceTemplate.person_id, FaceTemplate.crop, FaceTemplate.enc)
                     .where(FaceTemplate.id.in_(ids[start:start + 5000])))
                out.update({int(i): self._open_crop(p, c, enc) for i, p, c, enc in s.execute(q)})
        return out

    def replace_templates(self, model_id: str, replacements: Sequence[tuple[int, np.ndarray]]) -> dict[int, int]:
        """Replace templates by their re-embedding for ``model_id``, all in one transaction.

        For each (old template id, new embedding) a new row is inserted (same person, crop, quality,
        source and enrollment time) and the old row deleted. Either all of it is committed or none,
        so every template exists exactly once, for one model, at any moment. New rows get fresh ids:
        a model's template-id set then only ever grows by new ids or shrinks, which keeps the
        gallery's fingerprint (count, max id, sum of ids) unique (an in-place model change could
        recreate an old id set). An old row that is gone (its person was deleted, or another kiosk
        on this database moved it first) is skipped. Returns {old id: new id}.
        """
        if not replacements:
            return {}
        embeddings = {int(old): np.ascontiguousarray(e, dtype=np.float32).ravel() for old, e in replacements}
        with self._tx() as s:
            # DELETE first, with RETURNING: it takes the write lock at once (SQLite) or waits for a
            # concurrent mover's commit (PostgreSQL), and says exactly which rows this transaction
            # retired, so a template is never moved twice.
            gone = s.execute(
                delete(FaceTemplate)
                .where(FaceTemplate.id.in_(list(embeddings)), FaceTemplate.model_id != model_id)
                .returning(FaceTemplate.id, FaceTemplate.person_id, FaceTemplate.size_px, FaceTemplate.sharpness,
                           FaceTemplate.yaw_deg, FaceTemplate.brightness, FaceTemplate.source, FaceTemplate.crop,
                           FaceTemplate.created_at, FaceTemplate.enc)
            ).all()
            pairs: list[tuple[int, FaceTemplate]] = []
            for old_id, pid, size_px, sharpness, yaw, brightness, source, crop, created, enc in sorted(gone):
                emb = embeddings[int(old_id)]
                # The sealed crop moves as it is (bound to the person, not the row); a plain one is sealed.
                if crop is not None and not enc:
                    crop = self.cipher.seal(bytes(crop), _crop_ad(pid))
                pairs.append((int(old_id), FaceTemplate(
                    person_id=pid, embedding=self.cipher.seal(emb.tobytes(), _emb_ad(pid)), model_id=model_id,
                    dim=int(emb.size), size_px=size_px, sharpness=sharpness, yaw_deg=yaw, brightness=brightness,
                    source=source, crop=crop, created_at=created, enc=1)))
            s.add_all([row for _, row in pairs])
            s.flush()
            self._log_changes(s, {row.person_id: "reembed" for _, row in pairs})
            return {old: row.id for old, row in pairs}

    def template_models(self) -> dict[str, int]:
        """How many templates each embedder made."""
        with self._tx() as s:
            q = select(FaceTemplate.model_id, func.count(FaceTemplate.id)).group_by(FaceTemplate.model_id)
            return {m: n for m, n in s.execute(q)}

    def people_with_templates(self, person_ids: Sequence[int], model_id: str) -> set[int]:
        """Those of ``person_ids`` who have at least one template made by ``model_id``."""
        ids = sorted({int(p) for p in person_ids})
        if not ids:
            return set()
        with self._tx() as s:
            q = (select(FaceTemplate.person_id).distinct()
                 .where(FaceTemplate.model_id == model_id, FaceTemplate.person_id.in_(ids)))
            return {int(p) for p in s.scalars(q)}

    # ------------------------------------------------------------------ gallery source
    def _gallery_filter(self, model_id: str):  # type: ignore[no-untyped-def]
        return (select().select_from(FaceTemplate).join(Person, Person.id == FaceTemplate.person_id)
                .where(Person.active.is_(True), FaceTemplate.model_id == model_id))

    def gallery_fingerprint(self, model_id: str) -> str:
        """Changes whenever the gallery's template set changes: count, max id and sum of ids."""
        with self._tx() as s:
            q = self._gallery_filter(model_id).add_columns(
                func.count(FaceTemplate.id), func.max(FaceTemplate.id), func.sum(FaceTemplate.id))
            n, mx, sm = s.execute(q).one()
            return f"{model_id}:{int(n or 0)}:{int(mx or 0)}:{int(sm or 0)}"

    def gallery_keys(self, model_id: str) -> tuple[np.ndarray, np.ndarray]:
        """(template ids, person ids) of the gallery, by template id."""
        with self._tx() as s:
            q = self._gallery_filter(model_id).add_columns(FaceTemplate.id, FaceTemplate.person_id) \
                .order_by(FaceTemplate.id)
            rows = s.execute(q).all()
        if not rows:
            return np.zeros(0, np.int64), np.zeros(0, np.int64)
        arr = np.asarray(rows, dtype=np.int64)
        return arr[:, 0].copy(), arr[:, 1].copy()

    def gallery_vectors(self, model_id: str, template_ids: np.ndarray) -> np.ndarray:
        """Embeddings of ``template_ids`` in that order (float32, n x dim)."""
        ids = [int(i) for i in template_ids]
        found: dict[int, np.ndarray] = {}
        with self._tx() as s:
            for start in range(0, len(ids), 5000):
                chunk = ids[start:start + 5000]
                q = (select(FaceTemplate.id, FaceTemplate.person_id, FaceTemplate.embedding, FaceTemplate.enc)
                     .where(FaceTemplate.id.in_(chunk)))
                found.update({i: self._open_embedding(p, e, enc) for i, p, e, enc in s.execute(q)})
        missing = [i for i in ids if i not in found]
        if missing:
            raise StoreError(f"templates {missing[:5]} vanished while the gallery was loading")
        if not ids:
            return np.zeros((0, 0), np.float32)
        return np.vstack([found[i] for i in ids])

    def person_names(self, person_ids: list[int]) -> dict[int, str]:
        """Names of the given people."""
        ids = [int(p) for p in person_ids]
        out: dict[int, str] = {}
        with self._tx() as s:
            for start in range(0, len(ids), _IN_CHUNK):
                q = select(Person.id, Person.name).where(Person.id.in_(ids[start:start + _IN_CHUNK]))
                out.update({i: n for i, n in s.execute(q)})
        return out

    def gallery_names(self, model_id: str) -> dict[int, str]:
        """Names of every active person with a template of ``model_id`` (the gallery's people)."""
        with self._tx() as s:
            q = (select(Person.id, Person.name).where(Person.active.is_(True))
                 .where(select(FaceTemplate.id).where(FaceTemplate.person_id == Person.id,
                                                      FaceTemplate.model_id == model_id).exists()))
            return {int(i): n for i, n in s.execute(q)}

    def gallery_people(self, model_id: str, person_ids: Sequence[int]) -> GalleryPeople:
        """These people's gallery state now: active ones with names, and their templates of ``model_id``."""
        ids = sorted({int(p) for p in person_ids})
        names: dict[int, str] = {}
        rows: list[tuple[int, int, np.ndarray]] = []
        with self._tx() as s:
            for start in range(0, len(ids), _IN_CHUNK):
                q = select(Person.id, Person.name).where(Person.id.in_(ids[start:start + _IN_CHUNK]),
                                                         Person.active.is_(True))
                names.update({int(i): n for i, n in s.execute(q)})
            active = sorted(names)
            for start in range(0, len(active), _IN_CHUNK):
                q = (select(FaceTemplate.id, FaceTemplate.person_id, FaceTemplate.embedding, FaceTemplate.enc)
                     .where(FaceTemplate.person_id.in_(active[start:start + _IN_CHUNK]),
                            FaceTemplate.model_id == model_id))
                rows.extend((int(i), int(p), self._open_embedding(p, e, enc)) for i, p, e, enc in s.execute(q))
        rows.sort(key=lambda r: r[0])
        if not rows:
            return GalleryPeople(names, np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros((0, 0), np.float32))
        return GalleryPeople(names, np.array([r[0] for r in rows], np.int64), np.array([r[1] for r in rows], np.int64),
                             np.vstack([r[2] for r in rows]))

    # ------------------------------------------------------------------ change feed
    def change_seq(self) -> int:
        """The change feed's current step (0 before the first change): cheap, one row."""
        with self._tx() as s:
            return int(s.scalar(select(ChangeCounter.seq).where(ChangeCounter.id == 1)) or 0)

    def changes_since(self, seq: int, limit: int = 10_000) -> ChangeBatch:
        """The change-log rows after step ``seq``, oldest first (at most ``limit`` rows, whole steps)."""
        with self._tx() as s:
            pruned = int(s.scalar(select(ChangeCounter.pruned_below).where(ChangeCounter.id == 1)) or 0)
            q = (select(ChangeLog.seq, ChangeLog.person_id, ChangeLog.kind, ChangeLog.at).where(ChangeLog.seq > seq)
                 .order_by(ChangeLog.seq, ChangeLog.person_id).limit(limit + 1))
            rows = [Change(int(q_), int(p), str(k), at) for q_, p, k, at in s.execute(q)]
        complete = seq + 1 >= pruned
        more = len(rows) > limit
        if more:
            # Whole steps only: a step cut in two would be marked read with half its people unread.
            last = rows[limit].seq
            whole = [r for r in rows if r.seq < last]
            if not whole:  # one step larger than the limit: the reader compares everything instead
                return ChangeBatch(seq, last, (), complete=False, more=True)
            rows = whole
        top = rows[-1].seq if rows else seq
        return ChangeBatch(seq, top, tuple(rows), complete=complete, more=more)

    def watch_changes(self, poll_s: float | None = None) -> ChangeWatcher:
        """A watcher that wakes when the change feed may have moved (see :mod:`kiosk.store.feed`)."""
        return open_watcher(self) if poll_s is None else open_watcher(self, poll_s)

    # ------------------------------------------------------------------ attendance
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
            with self._tx(write_lock=True) as s:
                if self.engine.dialect.name == "postgresql":
                    # Wait no longer than SQLite's busy timeout: the recognizer's worker thread is waiting,
                    # and another kiosk's stuck transaction must become a message, not a hang.
                    s.execute(text(f"SET LOCAL lock_timeout = {BUSY_TIMEOUT_MS}"))
                    s.execute(text("SELECT pg_advisory_xact_lock(:ns, :person)"),
                              {"ns": ATTENDANCE_LOCK_NS, "person": person_id})
                p = s.get(Person, person_id)
                if p is None:
                    return gone
                last = self._last_event(s, person_id)
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

    def record_event(self, person_id: int, kiosk_id: str, kind: str, ts: datetime,
                     similarity: float | None) -> RecordResult:
        """Record an attendance event of ``kind`` whatever the last one was (imports, tests, corrections).

        Under the same lock as :meth:`decide_and_record`; a deactivated or deleted person is refused.
        """
        return self.decide_and_record(person_id, kiosk_id, lambda _last: kind, ts, similarity)

    # ------------------------------------------------------------------ outbox
    @property
    def outbox(self) -> Outbox:
        """The messages output targets still have to receive (written by :meth:`decide_and_record`)."""
        return Outbox(self._tx)

    @staticmethod
    def _last_event(s: Session, person_id: int) -> EventInfo | None:
        # A voided event never happened as far as the policy is concerned.
        q = (select(AttendanceEvent).where(AttendanceEvent.person_id == person_id,
                                           AttendanceEvent.voided_at.is_(None))
             .order_by(AttendanceEvent.ts.desc(), AttendanceEvent.id.desc()).limit(1))
        e = s.scalars(q).first()
        return None if e is None else _event_info(e)

    def last_event(self, person_id: int) -> EventInfo | None:
        """The person's latest attendance event, from any kiosk sharing this database."""
        with self._tx() as s:
            return self._last_event(s, person_id)

    def events_between(self, start: datetime, end: datetime, group: str | None = None,
                       person_id: int | None = None, include_voided: bool = False) -> list[EventInfo]:
        """Events with start <= ts < end, oldest first; voided ones only with ``include_voided`` (admin views)."""
        with self._tx() as s:
            q = select(AttendanceEvent).where(AttendanceEvent.ts >= start, AttendanceEvent.ts < end)
            if not include_voided:
                q = q.where(AttendanceEvent.voided_at.is_(None))
            if group:
                q = q.where(AttendanceEvent.group == group)
            if person_id is not None:
                q = q.where(AttendanceEvent.person_id == person_id)
            return [_event_info(e) for e in s.scalars(q.order_by(AttendanceEvent.ts, AttendanceEvent.id))]

    def get_event(self, event_id: int) -> EventInfo | None:
        """One attendance event (voided or not), or None."""
        with self._tx() as s:
            e = s.get(AttendanceEvent, event_id)
            return None if e is None else _event_info(e)

    def void_event(self, event_id: int, reason: str, actor: str) -> EventInfo:
        """Mark an event void (kept, shown to admins, counted nowhere) and audit it with the account."""
        reason = reason.strip()
        if not reason:
            raise StoreError("a reason is required to void an event")
        with self._tx() as s:
            e = s.get(AttendanceEvent, event_id)
            if e is None:
                raise StoreError(f"no attendance event with id {event_id}")
            if e.voided_at is not None:
                raise StoreError(f"event {event_id} is already void")
            e.voided_at = utcnow()
            e.void_reason = reason[:1000]
            e.corrected_by = actor
            s.add(AuditLog(actor=actor, action="event_voided",
                           detail=f"event {event_id} ({e.person_name}, {e.ts.isoformat()}) voided: {reason}"))
            s.flush()
            return _event_info(e)

    def reassign_event(self, event_id: int, person_id: int, actor: str) -> EventInfo:
        """Move an event to the right person (name, number and group copied from them); the first person the
        kiosk named is kept in ``original_*``. Audited with the account."""
        with self._tx() as s:
            e = s.get(AttendanceEvent, event_id)
            if e is None:
                raise StoreError(f"no attendance event with id {event_id}")
            if e.voided_at is not None:
                raise StoreError(f"event {event_id} is void; it cannot be reassigned")
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
            return _event_info(e)

    def purge_events_before(self, cutoff: datetime, actor: str = "retention") -> int:
        """Delete attendance older than ``cutoff`` (retention); returns how many."""
        with self._tx() as s:
            n = s.execute(delete(AttendanceEvent).where(AttendanceEvent.ts < cutoff)).rowcount
            if n:
                s.add(AuditLog(actor=actor, action="retention", detail=f"{n} event(s) before {cutoff.isoformat()}"))
            return n

    # ------------------------------------------------------------------ audit and settings
    def audit(self, actor: str, action: str, detail: str = "") -> None:
        """Write an audit log entry."""
        with self._tx() as s:
            s.add(AuditLog(actor=actor, action=action, detail=detail))

    def audit_log(self, limit: int = 200) -> list[AuditEntry]:
        """Latest audit entries first."""
        with self._tx() as s:
            q = select(AuditLog).order_by(AuditLog.ts.desc(), AuditLog.id.desc()).limit(limit)
            return [AuditEntry(a.id, a.ts, a.actor, a.action, a.detail) for a in s.scalars(q)]

    # ------------------------------------------------------------------ admin accounts
    def list_accounts(self) -> list[AccountInfo]:
        """Every admin account, by name."""
        with self._tx() as s:
            return [_account_info(a) for a in s.scalars(select(AdminAccount).order_by(AdminAccount.name))]

    def get_account(self, name: str) -> AccountInfo | None:
        """One account, or None."""
        with self._tx() as s:
            a = s.get(AdminAccount, name)
            return None if a is None else _account_info(a)

    def count_accounts(self) -> int:
        """How many admin accounts exist (0: a fresh kiosk, setup code needed)."""
        with self._tx() as s:
            return int(s.scalar(select(func.count()).select_from(AdminAccount)) or 0)

    def add_account(self, name: str, role: str, pin_hash: str, actor: str, must_change_pin: bool = False) -> None:
        """Create an account (StoreError when the name is taken); audited."""
        try:
            with self._tx() as s:
                if s.get(AdminAccount, name) is not None:
                    raise StoreError(f"an account named {name!r} already exists")
                s.add(AdminAccount(name=name, role=role, pin_hash=pin_hash, must_change_pin=must_change_pin,
                                   failures=0, locked_until=0.0))
                s.add(AuditLog(actor=actor, action="account_added", detail=f"account {name} ({role})"))
        except IntegrityError:
            raise StoreError(f"an account named {name!r} already exists") from None

    def update_account(self, name: str, **values: object) -> None:
        """Set columns of one account (pin_hash, role, must_change_pin, failures, locked_until, last_login_at)."""
        with self._tx() as s:
            n = s.execute(update(AdminAccount).where(AdminAccount.name == name).values(**values)).rowcount
            if not n:
                raise StoreError(f"no account named {name!r}")

    def record_account_failure(self, name: str, lock_for: Callable[[int], float], now: float) -> tuple[int, float]:
        """Count one wrong PIN in one transaction (row locked on PostgreSQL, so two kiosks cannot both count
        from the same value); ``lock_for(failures)`` gives the delay. Returns (failures, locked_until)."""
        with self._tx() as s:
            a = s.scalars(select(AdminAccount).where(AdminAccount.name == name).with_for_update()).first()
            if a is None:
                raise StoreError(f"no account named {name!r}")
            a.failures = int(a.failures or 0) + 1
            delay = lock_for(a.failures)
            a.locked_until = now + delay if delay > 0 else 0.0
            return a.failures, a.locked_until

    def remove_account(self, name: str, actor: str) -> bool:
        """Delete an account; False when there was none. Audited."""
        with self._tx() as s:
            n = s.execute(delete(AdminAccount).where(AdminAccount.name == name)).rowcount
            if n:
                s.add(AuditLog(actor=actor, action="account_removed", detail=f"account {name}"))
            return bool(n)

    def get_setting(self, key: str) -> str | None:
        """A shared setting, or None."""
        with self._tx() as s:
            row = s.get(Setting, key)
            return None if row is None else row.value

    def set_setting(self, key: str, value: str) -> None:
        """Set a shared setting."""
        with self._tx() as s:
            row = s.get(Setting, key)
            if row is None:
                s.add(Setting(key=key, value=value))
            else:
                row.value = value


def make_safe_url(engine: Engine) -> str:
    """The engine's URL without its password (for messages)."""
    return engine.url.render_as_string(hide_password=True)


def _verify(conn: object, cipher: DataCipher, where: str, locations: KeyLocations) -> None:
    """DataKeyError unless ``cipher`` opens the key check stored in the database."""
    check = conn.execute(text("SELECT value FROM settings WHERE key = :k"), {"k": KEY_CHECK}).first()  # type: ignore[attr-defined]
    if check is None:
        return
    stored_id = conn.execute(text("SELECT value FROM settings WHERE key = :k"), {"k": KEY_ID}).first()  # type: ignore[attr-defined]
    try:
        if cipher.open(bytes.fromhex(check[0]), _KEY_CHECK_AD) == _KEY_CHECK_PLAIN:
            return
    except (DecryptError, ValueError):
        pass
    raise DataKeyError(
        f"the data key from {cipher.source} (key id {cipher.key_id}) is not the key the face data in {where} is "
        f"encrypted with (key id {stored_id[0] if stored_id else '?'}); nothing was changed. Use the key of the "
        f"kiosk that first opened this database (KIOSK_DATA_KEY, the systemd credential or "
        f"{locations.key_file}; see docs/deployment.md)")


def _unlock(engine: Engine, locations: KeyLocations, where: str) -> tuple[DataCipher, bool]:
    """The data key for this database, before anything is written: the one found (checked against the
    database's key check), or a new one when the database has no encrypted data yet. Returns (cipher,
    created)."""
    with engine.connect() as conn:
        has_check = False
        if inspect(conn).has_table("settings"):
            q = text("SELECT 1 FROM settings WHERE key = :k")
            has_check = conn.execute(q, {"k": KEY_CHECK}).first() is not None
        cipher = locations.find()
        if cipher is None:
            if has_check:
                raise DataKeyError(
                    f"the face data in {where} is encrypted, but no data key was found: looked in "
                    f"{locations.describe()}. Nothing was changed. Put the key of the kiosk that first opened "
                    f"this database in one of those places (see docs/deployment.md, 'Data key')")
            cipher = locations.create()
            log.warning("created a new data key in %s (key id %s): back it up, the face data cannot be read "
                        "without it", cipher.source, cipher.key_id)
            return cipher, True
        if has_check:
            _verify(conn, cipher, where, locations)
        return cipher, False


def describe_error(engine: Engine, path: Path | None, exc: SQLAlchemyError) -> str:
    """A database error in words a site admin can act on."""
    where = str(path) if path else make_safe_url(engine)
    msg = str(getattr(exc, "orig", exc))
    if "locked" in msg or "busy" in msg or "lock timeout" in msg:
        return (f"the database {where} is locked by another program (another kiosk or admin session?) "
                f"and stayed locked for 5 s; nothing was changed, try again")
    if "readonly" in msg or "read-only" in msg:
        return f"the database {where} is read-only; check the folder's permissions"
    if "unable to open" in msg:
        return f"cannot open the database {where}; check that the folder exists and is writable"
    return f"database error on {where}: {msg.strip().splitlines()[0] if msg.strip() else exc}"
