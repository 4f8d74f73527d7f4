"""Face template rows: add to a person, delete, read crops, and move them to a new embedder (re-embed).

Vectors and crops are sealed on write and opened on read (:mod:`kiosk.store.sealing`); every change
logs its people to the change feed in the same transaction (:func:`kiosk.store.changes.log_changes`).
Changes come from :class:`kiosk.people.PeopleService` and the re-embedding job (:mod:`kiosk.reembed`);
the gallery's reads of the same table are :mod:`kiosk.store.gallery_source`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
from sqlalchemy import delete, func, select

from kiosk.errors import StoreError
from kiosk.store.changes import log_changes
from kiosk.store.db import IN_CHUNK
from kiosk.store.records import TemplateIn, TemplateQuality
from kiosk.store.schema import FaceTemplate, Person
from kiosk.store.sealing import FaceSealer

if TYPE_CHECKING:
    from kiosk.store.database import Database

class TemplateRepository:
    """Reads and changes of face templates (``store.templates``)."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self._sealer = FaceSealer(db.cipher)

    # ------------------------------------------------------------------ changes
    def add(self, person_id: int, embedding: np.ndarray, model_id: str, quality: TemplateQuality | None = None,
            source: str = "", crop_jpeg: bytes | None = None) -> int:
        """Add one template to an existing person; returns the template id."""
        return self.add_many(person_id, [TemplateIn(embedding, model_id, quality, source, crop_jpeg)])[0]

    def add_many(self, person_id: int, templates: Sequence[TemplateIn]) -> list[int]:
        """Add templates to an existing person in one transaction."""
        with self._db.tx() as s:
            if s.get(Person, person_id) is None:
                raise StoreError(f"no person with id {person_id}")
            rows = [self._sealer.template_row(person_id, t) for t in templates]
            s.add_all(rows)
            s.flush()
            if rows:
                log_changes(s, {person_id: "templates"})
            return [r.id for r in rows]

    def delete(self, template_ids: Sequence[int]) -> int:
        """Delete templates by id; returns how many."""
        with self._db.tx() as s:
            gone = s.execute(delete(FaceTemplate).where(FaceTemplate.id.in_(list(template_ids)))
                             .returning(FaceTemplate.person_id)).scalars().all()
            log_changes(s, dict.fromkeys(gone, "templates"))
        if gone:
            # As when a person is deleted: no old copy of the removed faces stays in the WAL.
            self._db.checkpoint()
        return len(gone)

    def replace(self, model_id: str, replacements: Sequence[tuple[int, np.ndarray]]) -> dict[int, int]:
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
        with self._db.tx() as s:
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
                    crop = self._sealer.seal_crop(pid, bytes(crop))
                pairs.append((int(old_id), FaceTemplate(
                    person_id=pid, embedding=self._sealer.seal_embedding(pid, emb), model_id=model_id,
                    dim=int(emb.size), size_px=size_px, sharpness=sharpness, yaw_deg=yaw, brightness=brightness,
                    source=source, crop=crop, created_at=created, enc=1)))
            s.add_all([row for _, row in pairs])
            s.flush()
            log_changes(s, {row.person_id: "reembed" for _, row in pairs})
            return {old: row.id for old, row in pairs}

    # ------------------------------------------------------------------ reads
    def crops(self, person_id: int) -> list[bytes]:
        """The stored aligned crops (JPEG) of a person, oldest first."""
        with self._db.tx() as s:
            q = (select(FaceTemplate.crop, FaceTemplate.enc)
                 .where(FaceTemplate.person_id == person_id, FaceTemplate.crop.is_not(None)).order_by(FaceTemplate.id))
            crops = [self._sealer.open_crop(person_id, c, enc) for c, enc in s.execute(q)]
            return [c for c in crops if c]

    def crops_by_id(self, template_ids: Sequence[int]) -> dict[int, bytes | None]:
        """The stored aligned crops (JPEG, or None) of these templates; ids no longer stored are absent."""
        ids = [int(i) for i in template_ids]
        out: dict[int, bytes | None] = {}
        with self._db.tx() as s:
            for start in range(0, len(ids), IN_CHUNK):
                q = (select(FaceTemplate.id, FaceTemplate.person_id, FaceTemplate.crop, FaceTemplate.enc)
                     .where(FaceTemplate.id.in_(ids[start:start + IN_CHUNK])))
                out.update({int(i): self._sealer.open_crop(p, c, enc) for i, p, c, enc in s.execute(q)})
        return out

    def sources(self, person_id: int) -> set[str]:
        """Where a person's templates came from (photo paths, camera)."""
        with self._db.tx() as s:
            return set(s.scalars(select(FaceTemplate.source).where(FaceTemplate.person_id == person_id)))

    def of_other_models(self, model_id: str) -> list[tuple[int, int, str]]:
        """(template id, person id, model id) of every template another embedder made, by person, then id.

        Only ids: a moving job reads the crops batch by batch (:meth:`crops_by_id`).
        """
        with self._db.tx() as s:
            q = (select(FaceTemplate.id, FaceTemplate.person_id, FaceTemplate.model_id)
                 .where(FaceTemplate.model_id != model_id).order_by(FaceTemplate.person_id, FaceTemplate.id))
            return [(int(i), int(p), str(m)) for i, p, m in s.execute(q)]

    def count_by_model(self) -> dict[str, int]:
        """How many templates each embedder made."""
        with self._db.tx() as s:
            q = select(FaceTemplate.model_id, func.count(FaceTemplate.id)).group_by(FaceTemplate.model_id)
            return {m: n for m, n in s.execute(q)}

    def people_with(self, person_ids: Sequence[int], model_id: str) -> set[int]:
        """Those of ``person_ids`` who have at least one template made by ``model_id``."""
        ids = sorted({int(p) for p in person_ids})
        if not ids:
            return set()
        with self._db.tx() as s:
            q = (select(FaceTemplate.person_id).distinct()
                 .where(FaceTemplate.model_id == model_id, FaceTemplate.person_id.in_(ids)))
            return {int(p) for p in s.scalars(q)}
