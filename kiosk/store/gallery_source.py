"""The gallery's reads of people and templates (implements kiosk.gallery.source.PeopleSource).

Only templates of *active* people made by the gallery's embedder belong to a gallery. These reads never
change anything; the gallery calls them outside its locks and hands what they return to its index.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
from sqlalchemy import func, select

from kiosk.errors import StoreError
from kiosk.store.crypto import DataCipher
from kiosk.store.db import IN_CHUNK
from kiosk.store.records import GalleryPeople
from kiosk.store.schema import FaceTemplate, Person
from kiosk.store.sealing import FaceSealer

if TYPE_CHECKING:
    from kiosk.store.database import Database


class GallerySource:
    """What a gallery reads from the database (``store.gallery_source``): the template set's fingerprint,
    keys and vectors, names, and a few people's current state."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self._sealer = FaceSealer(db.cipher)

    @property
    def cipher(self) -> DataCipher:
        """The data key: the gallery seals its index files with it (they hold the same vectors)."""
        return self._db.cipher

    def _gallery_filter(self, model_id: str):  # type: ignore[no-untyped-def]
        return (select().select_from(FaceTemplate).join(Person, Person.id == FaceTemplate.person_id)
                .where(Person.active.is_(True), FaceTemplate.model_id == model_id))

    def gallery_fingerprint(self, model_id: str) -> str:
        """Changes whenever the gallery's template set changes: count, max id and sum of ids."""
        with self._db.tx() as s:
            q = self._gallery_filter(model_id).add_columns(
                func.count(FaceTemplate.id), func.max(FaceTemplate.id), func.sum(FaceTemplate.id))
            n, mx, sm = s.execute(q).one()
            return f"{model_id}:{int(n or 0)}:{int(mx or 0)}:{int(sm or 0)}"

    def gallery_keys(self, model_id: str) -> tuple[np.ndarray, np.ndarray]:
        """(template ids, person ids) of the gallery, by template id."""
        with self._db.tx() as s:
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
        with self._db.tx() as s:
            for start in range(0, len(ids), IN_CHUNK):
                chunk = ids[start:start + IN_CHUNK]
                q = (select(FaceTemplate.id, FaceTemplate.person_id, FaceTemplate.embedding, FaceTemplate.enc)
                     .where(FaceTemplate.id.in_(chunk)))
                found.update({i: self._sealer.open_embedding(p, e, enc) for i, p, e, enc in s.execute(q)})
        missing = [i for i in ids if i not in found]
        if missing:
            raise StoreError(f"templates {missing[:5]} vanished while the gallery was loading")
        if not ids:
            return np.zeros((0, 0), np.float32)
        return np.vstack([found[i] for i in ids])

    def person_names(self, person_ids: list[int]) -> dict[int, str]:
        """Names of the given people (active or not; deleted ones are absent)."""
        ids = [int(p) for p in person_ids]
        out: dict[int, str] = {}
        with self._db.tx() as s:
            for start in range(0, len(ids), IN_CHUNK):
                q = select(Person.id, Person.name).where(Person.id.in_(ids[start:start + IN_CHUNK]))
                out.update({i: n for i, n in s.execute(q)})
        return out

    def gallery_names(self, model_id: str) -> dict[int, str]:
        """Names of every active person with a template of ``model_id`` (the gallery's people)."""
        with self._db.tx() as s:
            q = (select(Person.id, Person.name).where(Person.active.is_(True))
                 .where(select(FaceTemplate.id).where(FaceTemplate.person_id == Person.id,
                                                      FaceTemplate.model_id == model_id).exists()))
            return {int(i): n for i, n in s.execute(q)}

    def gallery_people(self, model_id: str, person_ids: Sequence[int]) -> GalleryPeople:
        """These people's gallery state now: active ones with names, and their templates of ``model_id``."""
        ids = sorted({int(p) for p in person_ids})
        names: dict[int, str] = {}
        rows: list[tuple[int, int, np.ndarray]] = []
        with self._db.tx() as s:
            for start in range(0, len(ids), IN_CHUNK):
                q = select(Person.id, Person.name).where(Person.id.in_(ids[start:start + IN_CHUNK]),
                                                         Person.active.is_(True))
                names.update({int(i): n for i, n in s.execute(q)})
            active = sorted(names)
            for start in range(0, len(active), IN_CHUNK):
                q = (select(FaceTemplate.id, FaceTemplate.person_id, FaceTemplate.embedding, FaceTemplate.enc)
                     .where(FaceTemplate.person_id.in_(active[start:start + IN_CHUNK]),
                            FaceTemplate.model_id == model_id))
                rows.extend((int(i), int(p), self._sealer.open_embedding(p, e, enc)) for i, p, e, enc in s.execute(q))
        rows.sort(key=lambda r: r[0])
        if not rows:
            return GalleryPeople(names, np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros((0, 0), np.float32))
        return GalleryPeople(names, np.array([r[0] for r in rows], np.int64), np.array([r[1] for r in rows], np.int64),
                             np.vstack([r[2] for r in rows]))
