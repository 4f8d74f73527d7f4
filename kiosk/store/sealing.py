"""Face templates and crops at rest: sealed on every write, opened on every read, with the data key.

The repositories that touch ``face_templates`` go through :class:`FaceSealer`, so the rest of the
kiosk sees plain vectors and JPEGs and never the key. :func:`encrypt_pending` is the upgrade's pass
over rows an older version stored plain (run by :meth:`kiosk.store.database.Database.open`).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import numpy as np
from sqlalchemy import select, update

from kiosk.store.crypto import DataCipher, DecryptError
from kiosk.store.records import TemplateIn
from kiosk.store.schema import FaceTemplate

if TYPE_CHECKING:
    from kiosk.store.database import Database

log = logging.getLogger(__name__)

# Rows per transaction of the upgrade's encryption pass: small, so a kill loses at most one batch of work
# and other kiosks are not locked out for long.
ENCRYPT_BATCH = 200


# Associated data of the sealed columns: a ciphertext opens only in its own column of its own person's rows
# (not the template id: it is not known before the insert, and a re-embedded template keeps its crop).
def embedding_ad(person_id: int) -> bytes:
    """Associated data of a template vector of ``person_id``."""
    return f"face_templates.embedding|person={int(person_id)}".encode()


def crop_ad(person_id: int) -> bytes:
    """Associated data of a face crop of ``person_id``."""
    return f"face_templates.crop|person={int(person_id)}".encode()


class FaceSealer:
    """Seals and opens one person's template vectors and crops with the database's data key."""

    def __init__(self, cipher: DataCipher) -> None:
        self.cipher = cipher

    def seal_embedding(self, person_id: int, embedding: np.ndarray) -> bytes:
        """A vector as stored: float32 bytes, sealed."""
        emb = np.ascontiguousarray(embedding, dtype=np.float32).ravel()
        return self.cipher.seal(emb.tobytes(), embedding_ad(person_id))

    def seal_crop(self, person_id: int, jpeg: bytes) -> bytes:
        """A crop as stored: the JPEG, sealed."""
        return self.cipher.seal(jpeg, crop_ad(person_id))

    def template_row(self, person_id: int, t: TemplateIn) -> FaceTemplate:
        """The sealed row for a new template of ``person_id``."""
        emb = np.ascontiguousarray(t.embedding, dtype=np.float32).ravel()
        q = t.quality
        return FaceTemplate(
            person_id=person_id, embedding=self.seal_embedding(person_id, emb), model_id=t.model_id,
            dim=int(emb.size), size_px=q.size_px if q else None, sharpness=q.sharpness if q else None,
            yaw_deg=q.yaw_deg if q else None, brightness=q.brightness if q else None, source=t.source[:500],
            crop=None if t.crop_jpeg is None else self.seal_crop(person_id, t.crop_jpeg), enc=1,
        )

    def open_embedding(self, person_id: int, blob: bytes, enc: int) -> np.ndarray:
        """A stored vector as float32 (``enc`` 0: a row from before encryption, stored plain)."""
        plain = self.cipher.open(bytes(blob), embedding_ad(person_id)) if enc else bytes(blob)
        return np.frombuffer(plain, dtype=np.float32)

    def open_crop(self, person_id: int, blob: bytes | None, enc: int) -> bytes | None:
        """A stored crop as JPEG bytes (None: none stored)."""
        if blob is None:
            return None
        if not enc:
            return bytes(blob)
        try:
            return self.cipher.open(bytes(blob), crop_ad(person_id))
        except DecryptError:
            # The key was checked at open, so this one value is damaged. It is handed on as the damaged bytes
            # it is: no image decoder reads them, which the callers already handle as an unreadable crop
            # (reembed lists it, the admin's photo list skips it) instead of the whole kiosk stopping.
            log.warning("a face crop of person %d does not decrypt (damaged); treated as unreadable", person_id)
            return bytes(blob)


def encrypt_pending(db: Database, batch: int = ENCRYPT_BATCH) -> int:
    """Encrypt template rows still stored plain (a database from before v4), ``batch`` rows per
    transaction: a pass cut short (power cut, kill) continues at the next open. Returns how many."""
    total = 0
    while True:
        n = encrypt_batch(db, batch)
        if not n:
            break
        total += n
        log.info("encrypting face data at rest: %d template(s) done", total)
    if total:
        log.warning("encrypted %d face template(s) and their crops at rest", total)
        db.checkpoint()
    return total


def encrypt_batch(db: Database, batch: int) -> int:
    """Seal up to ``batch`` plain template rows in one transaction; returns how many."""
    cipher = db.cipher
    with db.tx() as s:
        rows = s.execute(select(FaceTemplate.id, FaceTemplate.person_id, FaceTemplate.embedding, FaceTemplate.crop)
                         .where(FaceTemplate.enc == 0).order_by(FaceTemplate.id).limit(batch)).all()
        if rows:
            s.execute(update(FaceTemplate), [
                {"id": i, "embedding": cipher.seal(bytes(e), embedding_ad(p)),
                 "crop": None if c is None else cipher.seal(bytes(c), crop_ad(p)), "enc": 1}
                for i, p, e, c in rows])
        return len(rows)
