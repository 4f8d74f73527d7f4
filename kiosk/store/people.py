"""People rows: enroll (with templates), read, edit, (de)activate and delete with the purge of their faces.

Every change is one transaction that also writes its audit entry and its change-feed entry
(:func:`kiosk.store.changes.log_changes`), so every running kiosk follows it. The kiosk makes these
changes through :class:`kiosk.people.PeopleService`, which also updates its own gallery at once; only
benchmarks and tests call the changing methods directly.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kiosk.errors import StoreError
from kiosk.store.changes import log_changes
from kiosk.store.records import PersonInfo, TemplateIn
from kiosk.store.schema import AttendanceEvent, AuditLog, FaceTemplate, Person, utcnow
from kiosk.store.sealing import FaceSealer

if TYPE_CHECKING:
    from kiosk.store.database import Database


def person_info(p: Person, templates: int) -> PersonInfo:
    """The record of a person row with ``templates`` templates."""
    return PersonInfo(p.id, p.name, p.external_id, p.group, p.active, p.created_at, p.updated_at, templates,
                      p.consent_by, p.consent_at)


def template_counts(s: Session, ids: Sequence[int] | None = None) -> dict[int, int]:
    """Templates per person (of ``ids``, or of everyone); people without templates are absent."""
    q = select(FaceTemplate.person_id, func.count(FaceTemplate.id)).group_by(FaceTemplate.person_id)
    if ids is not None:
        q = q.where(FaceTemplate.person_id.in_(ids))
    return {pid: n for pid, n in s.execute(q)}


def _taken(external_id: str | None) -> StoreError:
    return StoreError(f"external id '{external_id}' already belongs to another person")


class PeopleRepository:
    """Reads and changes of people (``store.people``)."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self._sealer = FaceSealer(db.cipher)

    # ------------------------------------------------------------------ changes
    def add(self, name: str, external_id: str | None = None, group: str | None = None,
            consent_by: str | None = None) -> int:
        """Add a person without templates; returns the id."""
        pid, _ = self.enroll(name, [], external_id, group, consent_by)
        return pid

    def enroll(self, name: str, templates: Sequence[TemplateIn], external_id: str | None = None,
               group: str | None = None, consent_by: str | None = None,
               actor: str = "admin") -> tuple[int, list[int]]:
        """A person and their templates in one transaction (all or nothing), with consent and audit."""
        name = name.strip()
        if not name:
            raise StoreError("a person needs a name")
        external_id = (external_id or "").strip() or None
        try:
            with self._db.tx() as s:
                person = Person(name=name, external_id=external_id, group=(group or "").strip() or None,
                                active=True, consent_by=consent_by, consent_at=utcnow() if consent_by else None)
                s.add(person)
                s.flush()
                rows = [self._sealer.template_row(person.id, t) for t in templates]
                s.add_all(rows)
                s.flush()
                s.add(AuditLog(actor=actor, action="enroll",
                               detail=f"person {person.id} '{name}' with {len(rows)} template(s)"
                                      + (f", consent recorded by {consent_by}" if consent_by else "")))
                log_changes(s, {person.id: "enroll"})
                return person.id, [r.id for r in rows]
        except IntegrityError:
            raise _taken(external_id) from None

    def update(self, person_id: int, name: str | None = None, external_id: str | None = None,
               group: str | None = None, active: bool | None = None, actor: str = "admin") -> PersonInfo:
        """Change a person's fields (None leaves a field as it is; "" clears external id / group)."""
        try:
            with self._db.tx() as s:
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
                    log_changes(s, {person_id: kind})
                s.flush()
                return person_info(p, template_counts(s, [person_id]).get(person_id, 0))
        except IntegrityError:
            raise _taken(external_id) from None

    def delete(self, person_id: int, actor: str = "admin") -> bool:
        """Delete a person and purge their biometric data (templates and crops); keeps attendance rows
        (with the name copied in) for payroll. Returns False when there was no such person."""
        with self._db.tx() as s:
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
            log_changes(s, {person_id: "delete"})
        # secure_delete zeroes the freed pages in the database file, but the WAL still holds copies of the
        # pages as they were: checkpoint and truncate it now rather than at some later automatic checkpoint.
        self._db.checkpoint()
        return True

    # ------------------------------------------------------------------ reads
    def get(self, person_id: int) -> PersonInfo | None:
        """One person, or None."""
        with self._db.tx() as s:
            p = s.get(Person, person_id)
            return None if p is None else person_info(p, template_counts(s, [person_id]).get(person_id, 0))

    def find(self, external_id: str) -> PersonInfo | None:
        """The person with this external id, or None."""
        with self._db.tx() as s:
            p = s.scalars(select(Person).where(Person.external_id == external_id)).first()
            return None if p is None else person_info(p, template_counts(s, [p.id]).get(p.id, 0))

    def list(self, active_only: bool = False, search: str | None = None) -> list[PersonInfo]:
        """People sorted by name; ``search`` matches name, external id or group (case-insensitive)."""
        with self._db.tx() as s:
            q = select(Person).order_by(func.lower(Person.name), Person.id)
            if active_only:
                q = q.where(Person.active.is_(True))
            if search:
                like = f"%{search.strip().lower()}%"
                q = q.where(or_(func.lower(Person.name).like(like), func.lower(Person.external_id).like(like),
                                func.lower(Person.group).like(like)))
            people = list(s.scalars(q))
            counts = template_counts(s)
            return [person_info(p, counts.get(p.id, 0)) for p in people]

    def by_name(self, name: str) -> list[PersonInfo]:
        """People with exactly this name."""
        return [p for p in self.list() if p.name == name]

    def count(self, active_only: bool = True) -> int:
        """How many people (active ones by default)."""
        with self._db.tx() as s:
            q = select(func.count(Person.id))
            if active_only:
                q = q.where(Person.active.is_(True))
            return int(s.scalar(q) or 0)
