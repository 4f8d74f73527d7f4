"""The store's answers and inputs: plain frozen records, so nothing outside kiosk.store sees an ORM row.

Every repository returns these (people, attendance events, accounts, audit entries, the gallery's view of
some people) and takes :class:`TemplateIn` for templates to store.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal, Protocol

import numpy as np


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
    """What one attendance write did (``store.attendance.decide_and_record`` or ``.record``).

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
