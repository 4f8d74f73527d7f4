"""Which data key opens this database: found (and checked) or created before anything is written, then
claimed in the database at first start.

The database keeps a value sealed with its data key (the *key check*) and the key's id. A kiosk that
brings another key is refused with both key ids named, before it writes anything; a fresh database gets
a fresh key, recorded under the write lock so kiosks starting together on one file agree on one key.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, inspect, text
from sqlalchemy.exc import IntegrityError

from kiosk import paths
from kiosk.store.crypto import KEY_FILE_NAME, DataCipher, DataKeyError, DecryptError, KeyLocations
from kiosk.store.db import make_safe_url
from kiosk.store.schema import Setting

if TYPE_CHECKING:
    from kiosk.store.database import Database

log = logging.getLogger(__name__)

# Settings: a value sealed with the data key (proves a key is the right one before anything is written) and
# its key id (named in the error when a wrong key is given).
KEY_CHECK = "data_key_check"
KEY_ID = "data_key_id"
_KEY_CHECK_PLAIN = b"kiosk data key check"
_KEY_CHECK_AD = b"settings.data_key_check"


def default_key_file() -> Path:
    """The data key file: ``data.key`` beside the config file (the config folder, not the database)."""
    return paths.config_path().parent / KEY_FILE_NAME


def unlock(engine: Engine, locations: KeyLocations, where: str) -> tuple[DataCipher, bool]:
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
            verify(conn, cipher, where, locations)
        return cipher, False


def verify(conn: object, cipher: DataCipher, where: str, locations: KeyLocations) -> None:
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


def claim(db: Database, locations: KeyLocations, created: bool) -> None:
    """Record the key check in the database (first start), or verify it (another kiosk raced us)."""
    cipher = db.cipher
    sealed = cipher.seal(_KEY_CHECK_PLAIN, _KEY_CHECK_AD)
    try:
        # Read-then-write: under the write lock, so kiosks starting together on one SQLite file wait
        # for each other instead of failing with "locked" (a deferred transaction cannot upgrade).
        with db.tx(write_lock=True) as s:
            if s.get(Setting, KEY_CHECK) is not None:
                return
            s.add(Setting(key=KEY_CHECK, value=sealed.hex()))
            s.add(Setting(key=KEY_ID, value=cipher.key_id))
        log.info("face data encrypted with the data key from %s (key id %s)", cipher.source, cipher.key_id)
    except IntegrityError:
        # Another kiosk on this database recorded its key between our check and insert.
        if created:
            locations.remove_created(cipher)
        with db.engine.connect() as conn:
            verify(conn, cipher, str(db.sqlite_path or make_safe_url(db.engine)), locations)
