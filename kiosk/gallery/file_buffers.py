"""The gallery's files read into one buffer each, checked on the way in: copied (plain) or decrypted (sealed).

At 100k people x 3 templates the graph is 121 MB and the sidecar 58 MB. Opening sealed ones the simple
way (``read_bytes`` → ``AESGCM.decrypt`` → ``BytesIO`` → ``np.load``) made three fresh copies of each,
whose page faults cost more than the AES-GCM itself (startup 0.44 s plain, 0.75 s sealed). Here a file
is memory-mapped and passed once, piece by piece, into one numpy buffer: a plain file is copied and
CRC-checked, a sealed one decrypted and authenticated. Both kinds then take the same way: the sidecar's
arrays are views of its buffer (:func:`npz_arrays`), and usearch loads the graph from its buffer. So
sealing costs AES-GCM where plain files cost copy + CRC-32, and nothing else differs. (Decrypting pieces
on several threads does not help: the cryptography package keeps the GIL while it works, and two threads
took longer than one.)

Nothing here writes plaintext anywhere but those buffers in memory. The files are only ever replaced by
a rename, never rewritten in place, so a map cannot shrink under its reader (which would be a SIGBUS).
"""

from __future__ import annotations

import io
import mmap
import os
import struct
import zipfile
import zlib
from pathlib import Path

import numpy as np

from kiosk.store.crypto import OVERHEAD, DataCipher, DecryptError

# Bytes copied and checked per step: in the CPU cache between the copy and the CRC.
_PIECE = 4 << 20
_LOCAL_HEADER = b"PK\x03\x04"
_LOCAL_HEADER_SIZE = 30


class NotStoredError(ValueError):
    """The npz holds something :func:`npz_arrays` does not view in place (it falls back to np.load)."""


def _map(f: io.BufferedReader) -> mmap.mmap:
    if os.name == "nt":
        return mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
    # MAP_POPULATE (Linux): the file's cached pages are mapped in one go, not one fault per 4 KiB page
    # (121 MB decrypted from a populated map: 55 ms; read() into a reused 4 MiB buffer: 85-105 ms).
    return mmap.mmap(f.fileno(), 0, flags=mmap.MAP_SHARED | getattr(mmap, "MAP_POPULATE", 0),
                     prot=mmap.PROT_READ)


def _buffer(size: int) -> np.ndarray:
    # numpy gives a large array transparent huge pages where the system allows them (madvise), so filling
    # a fresh one faults 512 times fewer pages than a bytes object of the same size (121 MB: ~20 vs ~120 ms).
    return np.empty(size, np.uint8)


def _opened(f: io.BufferedReader, path: Path, size: int | None) -> int:
    actual = os.fstat(f.fileno()).st_size
    if size is not None and actual != size:
        raise ValueError(f"{path} has {actual} bytes, expected {size}")
    return actual


def read_plain(path: Path, size: int | None = None, crc: bool = True) -> tuple[np.ndarray, int | None]:
    """The bytes of the file at ``path`` as a uint8 array, and their CRC-32 (None when not ``crc``).

    ``size``: the file size the caller expects (ValueError when it differs); OSError when unreadable.
    """
    with path.open("rb") as f:
        actual = _opened(f, path, size)
        out = _buffer(actual)
        value = 0
        if actual:
            with _map(f) as m, memoryview(m) as view:
                for pos in range(0, actual, _PIECE):
                    with view[pos : pos + _PIECE] as piece:
                        out[pos : pos + len(piece)] = piece
                        if crc:
                            value = zlib.crc32(piece, value)
    return out, value if crc else None


def open_sealed(path: Path, cipher: DataCipher, ad: bytes, size: int | None = None) -> np.ndarray:
    """The plaintext of the sealed file at ``path`` (a value of :meth:`DataCipher.seal`) as a uint8 array.

    ``size``: the file size the caller expects (ValueError when it differs). OSError when unreadable,
    DecryptError when it does not open with ``ad`` under the key (wrong key, damaged, truncated).
    """
    with path.open("rb") as f:
        actual = _opened(f, path, size)
        if actual < OVERHEAD:
            raise DecryptError(f"{path} is too short to be encrypted")
        out = _buffer(actual - OVERHEAD)
        with _map(f) as m, memoryview(m) as view:
            cipher.open_into(view, out, ad)
    return out


class _MemoryFile(io.RawIOBase):
    """A read-only, seekable file over a buffer without copying it (``io.BytesIO`` copies all but bytes)."""

    def __init__(self, buffer: np.ndarray) -> None:
        super().__init__()
        self._buf = memoryview(buffer).cast("B")
        self._pos = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: len(self._buf)}[whence]
        self._pos = max(0, base + offset)
        return self._pos

    def readinto(self, b: bytearray | memoryview) -> int:  # type: ignore[override]
        n = max(0, min(len(b), len(self._buf) - self._pos))
        b[:n] = self._buf[self._pos : self._pos + n]
        self._pos += n
        return n

    def close(self) -> None:
        self._buf.release()
        super().close()


def _view_member(buf: np.ndarray, info: zipfile.ZipInfo, check_crc: bool) -> np.ndarray:
    """One ``.npy`` member of an npz in ``buf`` as a view into ``buf`` (NotStoredError / ValueError)."""
    if info.compress_type != zipfile.ZIP_STORED or info.flag_bits & 0x1:
        raise NotStoredError(f"{info.filename} is compressed or encrypted")
    at = info.header_offset
    if at + _LOCAL_HEADER_SIZE > len(buf) or bytes(buf[at : at + 4]) != _LOCAL_HEADER:
        raise ValueError(f"{info.filename}: no local header")
    name_len, extra_len = struct.unpack_from("<HH", buf, at + 26)
    start = at + _LOCAL_HEADER_SIZE + name_len + extra_len
    end = start + info.file_size
    if end > len(buf):
        raise ValueError(f"{info.filename} runs past the end")
    if check_crc and zlib.crc32(buf[start:end]) != info.CRC:
        raise ValueError(f"{info.filename} is damaged (checksum mismatch)")
    with _MemoryFile(buf[start:end]) as f:
        version = np.lib.format.read_magic(f)
        if version == (1, 0):
            shape, fortran, dtype = np.lib.format.read_array_header_1_0(f)
        elif version == (2, 0):
            shape, fortran, dtype = np.lib.format.read_array_header_2_0(f)
        else:
            raise NotStoredError(f"{info.filename}: .npy version {version}")
        offset = start + f.tell()
    if dtype.hasobject:
        raise ValueError(f"{info.filename} holds Python objects")
    count = int(np.prod(shape, dtype=np.int64))
    if offset + count * dtype.itemsize > end:
        raise ValueError(f"{info.filename} is shorter than its header says")
    return np.frombuffer(buf, dtype, count, offset).reshape(shape, order="F" if fortran else "C")


def npz_arrays(buf: np.ndarray, check_crc: bool) -> dict[str, np.ndarray]:
    """The arrays of the ``np.savez`` file held in ``buf``, as views into it (no copy; they keep ``buf``
    alive: copy what is kept). ``check_crc``: check each member against the zip's CRC-32 (not needed when
    ``buf`` was authenticated as a whole). Members it cannot view in place fall back to ``np.load``
    (copies, checks CRCs). ValueError / zipfile.BadZipFile when ``buf`` is not such a file or damaged."""
    with _MemoryFile(buf) as f, zipfile.ZipFile(f) as z:
        infos = z.infolist()
    try:
        return {info.filename.removesuffix(".npy"): _view_member(buf, info, check_crc) for info in infos}
    except NotStoredError:
        with _MemoryFile(buf) as f, np.load(f, allow_pickle=False) as npz:
            return {k: np.asarray(npz[k]) for k in npz.files}
