"""TEST-ONLY in-memory stand-in for kiosk.store.Store (people, templates, events; no SQL).

It exists so the Qt-free attendance code can be tested before the real store lands on this branch,
and it keeps "restart" tests honest: a new AttendanceRecorder on the same MemoryStore is a restarted
kiosk on the same database. Tests that go end to end use the real Store (tests/test_kiosk_*.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import numpy as np


@dataclass(frozen=True, slots=True)
class MemEvent:
    """Same fields as kiosk.store.EventInfo."""

    id: int
    person_id: int
    kiosk_id: str
    kind: str
    ts: datetime
    similarity: float


@dataclass(frozen=True, slots=True)
class MemPerson:
    """The fields of kiosk.store.PersonInfo the kiosk reads."""

    id: int
    name: str
    active: bool = True


class MemoryStore:
    """People, templates and attendance events in dicts, with the real Store's method names."""

    def __init__(self) -> None:
        self.people: dict[int, MemPerson] = {}
        self.templates: dict[int, tuple[int, np.ndarray, str]] = {}
        self.events: list[MemEvent] = []

    def add_person(self, name: str, external_id=None, group=None, consent_by=None) -> int:
        pid = len(self.people) + 1
        self.people[pid] = MemPerson(pid, name)
        return pid

    def add_template(self, person_id: int, embedding: np.ndarray, model_id: str, quality=None,
                     source: str = "", crop_jpeg: bytes | None = None) -> int:
        tid = len(self.templates) + 1
        self.templates[tid] = (person_id, np.asarray(embedding, np.float32), model_id)
        return tid

    def list_people(self, active_only: bool = False, search: str | None = None) -> list[MemPerson]:
        return [p for p in self.people.values() if p.active or not active_only]

    def record_event(self, person_id: int, kiosk_id: str, kind: str, ts: datetime, similarity: float) -> int:
        if ts.tzinfo is None:
            raise ValueError("ts must be zone-aware")
        ev = MemEvent(len(self.events) + 1, person_id, kiosk_id, kind, ts, similarity)
        self.events.append(ev)
        return ev.id

    def last_event(self, person_id: int) -> MemEvent | None:
        mine = [e for e in self.events if e.person_id == person_id]
        return max(mine, key=lambda e: (e.ts, e.id)) if mine else None

    def close(self) -> None:
        pass
