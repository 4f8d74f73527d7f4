"""Encryption at rest of biometric data: the data key, AES-GCM values and encrypted files.

Face templates (float32 vectors) and aligned face crops (JPEG) are personal data: a copied database
file, a backup or the gallery's index files must not give them away. Each such value is sealed with
AES-256-GCM under one random *data key* that never enters the database:

* value format: ``b"\\x01" + nonce (12 random bytes) + ciphertext + tag (16 bytes)``; the version byte
  leaves room for another scheme (key rotation) without guessing;
* associated data binds a value to where it belongs (table, column and person), so a ciphertext copied
  into another row or column does not decrypt;
* the key is looked for, in order, in ``KIOSK_DATA_KEY`` (base64), the systemd credential
  ``$CREDENTIALS_DIRECTORY/kiosk-data-key`` and the key file (``data.key`` beside the config file,
  owner-only permissions), and created there on first start when no encrypted data exists yet.

Files (schema-upgrade backups) are sealed in 1 MiB chunks, each with its own nonce and its index and
a last-chunk flag in the associated data, so a truncated or reordered file is refused too.

Large values (the gallery's index files, 50-200 MB) are the same one-nonce format, but sealed and opened
in pieces (:meth:`DataCipher.seal_to`, :meth:`DataCipher.open_into`) so that neither side makes whole
copies: at 100k people a copy of the graph costs as much as decrypting it.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
import os
import struct
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from kiosk.errors import StoreError

if TYPE_CHECKING:  # collections.abc.Buffer from Python 3.12 on: bytes, bytearray, memoryview, numpy, mmap
    from typing_extensions import Buffer

ENV_VAR = "KIOSK_DATA_KEY"
CREDENTIAL = "kiosk-data-key"
KEY_FILE_NAME = "data.key"

_VERSION = b"\x01"
_NONCE = 12
_TAG = 16
# Overhead of one sealed value: version byte, nonce and tag.
OVERHEAD = 1 + _NONCE + _TAG

_FILE_MAGIC = b"KIOSK-ENCRYPTED-FILE-1\n"
_FILE_CHUNK = 1 << 20
# Bytes per update call when sealing or opening a large value in pieces: large enough that the calls cost
# nothing, small enough to stay in the CPU cache (1-16 MiB measured alike at ~3 GB/s).
_PIECE = 4 << 20


class DataKeyError(StoreError):
    """The data key is missing, malformed or does not fit this database's encrypted data."""


class DecryptError(DataKeyError):
    """A sealed value or file did not decrypt (wrong key, damaged, or moved to another place)."""


def key_id(key: bytes) -> str:
    """A short public fingerprint of a key (logs and error messages; says nothing about the key)."""
    return hashlib.sha256(b"kiosk data key id\x00" + key).hexdigest()[:12]


@dataclass(frozen=True, slots=True)
class DataCipher:
    """AES-256-GCM with the data key; ``source`` says where the key came from (for messages)."""

    key: bytes
    source: str

    @property
    def key_id(self) -> str:
        """Public fingerprint of the key."""
        return key_id(self.key)

    def seal(self, plain: bytes, ad: bytes) -> bytes:
        """Encrypt ``plain`` bound to ``ad`` with a fresh random nonce."""
        nonce = os.urandom(_NONCE)
        return _VERSION + nonce + AESGCM(self.key).encrypt(nonce, plain, ad)

    def open(self, sealed: bytes, ad: bytes) -> bytes:
        """Decrypt a value made by :meth:`seal` with the same ``ad``; DecryptError otherwise."""
        if len(sealed) < OVERHEAD or sealed[:1] != _VERSION:
            raise DecryptError("not an encrypted value of a known format")
        try:
            return AESGCM(self.key).decrypt(sealed[1:1 + _NONCE], sealed[1 + _NONCE:], ad)
        except InvalidTag:
            raise DecryptError(self._wrong_key()) from None

    def _wrong_key(self) -> str:
        return (f"a value did not decrypt with the data key from {self.source} "
                f"(key id {self.key_id}): wrong key or damaged data")

    def seal_to(self, plain: Buffer, ad: bytes, write: Callable[[Buffer], object]) -> int:
        """Write what :meth:`seal` would return for ``plain`` through ``write``, piece by piece (no copy of
        ``plain`` and no sealed copy of it in memory); returns the number of bytes written.

        ``write`` must be done with each piece when it returns (a file's ``write``): the buffer is reused.
        """
        nonce = os.urandom(_NONCE)
        enc = Cipher(algorithms.AES(self.key), modes.GCM(nonce)).encryptor()
        enc.authenticate_additional_data(ad)
        with memoryview(plain) as raw, raw.cast("B") as src:
            piece = memoryview(bytearray(min(_PIECE, len(src))))
            write(_VERSION + nonce)
            for pos in range(0, len(src), _PIECE):
                n = enc.update_into(src[pos : pos + _PIECE], piece)
                write(piece[:n])
            size = len(src)
        enc.finalize()
        write(enc.tag)
        return size + OVERHEAD

    def open_into(self, sealed: Buffer, out: Buffer, ad: bytes) -> None:
        """Decrypt a value made by :meth:`seal` (any buffer: bytes, a memory map of a file) straight into
        ``out``, which must hold exactly ``len(sealed) - OVERHEAD`` bytes; DecryptError otherwise.

        The whole value is authenticated before this returns; after a DecryptError ``out`` holds bytes that
        must not be used.
        """
        # Every view is released on the way out, also on an error: a view still alive in a traceback would
        # keep a memory-mapped file from closing.
        with memoryview(sealed) as raw, raw.cast("B") as src, memoryview(out) as o, o.cast("B") as dst:
            if len(src) < OVERHEAD or src[:1] != _VERSION:
                raise DecryptError("not an encrypted value of a known format")
            size = len(src) - OVERHEAD
            if len(dst) != size:
                raise ValueError(f"the output buffer has {len(dst)} bytes, the value {size}")
            nonce, tag = bytes(src[1 : 1 + _NONCE]), bytes(src[len(src) - _TAG :])
            dec = Cipher(algorithms.AES(self.key), modes.GCM(nonce, tag)).decryptor()
            dec.authenticate_additional_data(ad)
            with src[1 + _NONCE : 1 + _NONCE + size] as body:
                for pos in range(0, size, _PIECE):
                    dec.update_into(body[pos : pos + _PIECE], dst[pos:])
        try:
            dec.finalize()
        except InvalidTag:
            raise DecryptError(self._wrong_key()) from None

    # ------------------------------------------------------------------ files
    def seal_file(self, src: Path, dst: Path) -> None:
        """Write ``src`` encrypted to ``dst`` (chunked; fsynced). ``src`` is left as it is."""
        tmp = dst.with_name(dst.name + ".tmp")
        with src.open("rb") as fin, tmp.open("wb") as fout:
            fout.write(_FILE_MAGIC)
            index = 0
            chunk = fin.read(_FILE_CHUNK)
            while True:
                nxt = fin.read(_FILE_CHUNK)
                last = not nxt
                sealed = self.seal(chunk, _chunk_ad(index, last))
                fout.write(struct.pack(">I", len(sealed)) + sealed)
                if last:
                    break
                chunk, index = nxt, index + 1
            fout.flush()
            os.fsync(fout.fileno())
        os.replace(tmp, dst)

    def open_file(self, src: Path, dst: Path) -> None:
        """Decrypt a file made by :meth:`seal_file` to ``dst``; DecryptError when it does not decrypt."""
        with src.open("rb") as fin, dst.open("wb") as fout:
            if fin.read(len(_FILE_MAGIC)) != _FILE_MAGIC:
                raise DecryptError(f"{src} is not a kiosk encrypted file")
            index = 0
            while True:
                head = fin.read(4)
                if len(head) != 4:
                    raise DecryptError(f"{src} is truncated")
                sealed = fin.read(struct.unpack(">I", head)[0])
                try:
                    fout.write(self.open(sealed, _chunk_ad(index, False)))
                except DecryptError:
                    fout.write(self.open(sealed, _chunk_ad(index, True)))
                    break
                index += 1


def _chunk_ad(index: int, last: bool) -> bytes:
    return b"kiosk file chunk\x00" + struct.pack(">QB", index, int(last))


def decode_key(text: str, where: str) -> bytes:
    """The 32-byte key in base64 ``text``; DataKeyError naming ``where`` otherwise."""
    try:
        raw = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise DataKeyError(f"the data key in {where} is not base64") from None
    if len(raw) != 32:
        raise DataKeyError(f"the data key in {where} has {len(raw)} bytes, expected 32 (AES-256)")
    return raw


def encode_key(key: bytes) -> str:
    """The text form of a key (key file, ``KIOSK_DATA_KEY``)."""
    return base64.b64encode(key).decode("ascii")


@dataclass(frozen=True, slots=True)
class KeyLocations:
    """Where the data key is looked for, in order: environment, systemd credential, key file."""

    key_file: Path

    @property
    def credential(self) -> Path | None:
        """The systemd credential file, when the service has a credentials directory."""
        creds = os.environ.get("CREDENTIALS_DIRECTORY")
        return Path(creds) / CREDENTIAL if creds else None

    def describe(self) -> str:
        """Every place looked in, for an error message."""
        cred = self.credential
        return (f"the environment variable {ENV_VAR} (not set), "
                + (f"the systemd credential {cred}" if cred else f"the systemd credential {CREDENTIAL} "
                   "(no $CREDENTIALS_DIRECTORY)")
                + f" and the key file {self.key_file}")

    def find(self) -> DataCipher | None:
        """The key from the first place that has one, or None. A malformed key is an error, not skipped:
        falling through to another key would look like a wrong key and hide the real mistake."""
        env = os.environ.get(ENV_VAR)
        if env:
            return DataCipher(decode_key(env, ENV_VAR), ENV_VAR)
        cred = self.credential
        if cred is not None and cred.is_file():
            return DataCipher(decode_key(cred.read_text("ascii"), str(cred)), str(cred))
        if self.key_file.is_file():
            try:
                text = self.key_file.read_text("ascii")
            except (OSError, UnicodeDecodeError) as exc:
                raise DataKeyError(f"cannot read the data key file {self.key_file}: {exc}") from None
            return DataCipher(decode_key(text, str(self.key_file)), str(self.key_file))
        return None

    def create(self) -> DataCipher:
        """A new random key written to the key file (owner-only, never overwriting one)."""
        key = os.urandom(32)
        self.key_file.parent.mkdir(parents=True, exist_ok=True)
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
        try:
            fd = os.open(self.key_file, flags, 0o600)
        except FileExistsError:  # another process made it first: use theirs
            found = self.find()
            if found is None:
                raise
            return found
        try:
            os.write(fd, (encode_key(key) + "\n").encode("ascii"))
            os.fsync(fd)
        finally:
            os.close(fd)
        with contextlib.suppress(OSError):  # the umask or an old file system may have widened it
            os.chmod(self.key_file, 0o600)
        return DataCipher(key, str(self.key_file))

    def remove_created(self, cipher: DataCipher) -> None:
        """Undo :meth:`create` when the key turned out not to be needed (another kiosk's key won)."""
        if cipher.source == str(self.key_file):
            with contextlib.suppress(OSError):
                self.key_file.unlink()
