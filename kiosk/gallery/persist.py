"""The gallery's files: a usearch graph and a sidecar that commits it, both replaced crash-safely.

``index_path`` (e.g. ``cache/gallery-X.usearch``) names the gallery; its files sit beside it:

* ``gallery-X.usearch.meta.npz``   the sidecar: meta (JSON: format, model, dim, fingerprint, graph
                                   file, size, CRC-32), the template keys and their person ids;
* ``gallery-X.00000042.usearch``   the usearch graph of generation 42 (the sidecar names it).

A save writes a *new* generation's graph (temp file, fsync, rename), then the sidecar (temp, fsync,
``os.replace``, directory fsync), then deletes older generations. The sidecar's replace is the one
commit point: a kill at any moment leaves either the old sidecar with its still-present old graph,
or the new sidecar with its complete new graph. Whatever the stored fingerprint then disagrees with
in the database is repaired at startup. The CRC catches a graph damaged on disk, which usearch
might otherwise load and then crash on.

Both files hold biometric data (the graph holds every template vector, the sidecar the per-person sums),
so with the store's data key (``cipher``) both are sealed with AES-GCM (:mod:`kiosk.store.crypto`): the
graph is serialised to memory and sealed piece by piece into the file, so a plain copy never touches
the disk. A file that does not open with the key (another key, damaged, truncated) is a GalleryFileError
like any other: the gallery is rebuilt from the database.

Loading takes one way for both kinds (:mod:`kiosk.gallery.file_buffers`): each file is read once into a
buffer, copied and CRC-checked when plain, decrypted and authenticated (the GCM tag, no CRC) when sealed;
the sidecar's arrays are views of its buffer and usearch loads the graph from its buffer. Sealing thus
costs AES-GCM instead of copy + CRC-32, which is about the same.
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
import os
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from filelock import FileLock, Timeout

from kiosk.gallery import file_buffers
from kiosk.store.crypto import DataCipher, DecryptError

log = logging.getLogger(__name__)

FORMAT = 1
# Longest wait for another process's turn with the files (a save at 100k people takes about a second).
LOCK_TIMEOUT_S = 60.0
_CHUNK = 8 << 20


class GalleryFileError(Exception):
    """The stored gallery is missing, damaged or for another model: it must be rebuilt."""


@dataclass(frozen=True, slots=True)
class StoredMeta:
    """What the sidecar says about the stored graph."""

    model_id: str
    dim: int
    dtype: str
    fingerprint: str
    data_file: str
    data_size: int
    data_crc: int


def _crc32(path: Path) -> int:
    crc = 0
    with path.open("rb") as f:
        while chunk := f.read(_CHUNK):
            crc = zlib.crc32(chunk, crc)
    return crc


def _fsync_dir(path: Path) -> None:
    # Makes the rename itself durable; not possible (nor needed) on Windows.
    if os.name == "nt":
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def files_lock(index_path: Path, timeout_s: float = LOCK_TIMEOUT_S) -> FileLock:
    """The lock every process holds while it reads, replaces or removes the files of ``index_path``.

    Two processes on one data folder (a running kiosk and ``kiosk people delete``) would otherwise
    write the same generation's temporary files, or one would delete the files the other is reading.
    It is an OS lock (released if the holder dies); the lock file itself stays and holds nothing.
    """
    return FileLock(str(index_path.with_name(index_path.name + ".lock")), timeout=timeout_s)


@contextlib.contextmanager
def files_turn(index_path: Path) -> Iterator[None]:
    """Hold :func:`files_lock` for the block (filelock.Timeout after LOCK_TIMEOUT_S). A folder where no lock
    file can be made (read-only media) is used without one, with a warning: reading it is still safe
    for a single kiosk, and a save there fails on its own with a clear error."""
    lock = files_lock(index_path)
    try:
        lock.acquire()
    except Timeout:
        raise
    except OSError as exc:
        log.warning("cannot lock the gallery files (%s): using them without taking turns", exc)
        yield
        return
    try:
        yield
    finally:
        lock.release()


def retire(index_path: Path) -> None:
    """Remove every file of a gallery no longer used (its embedder's templates all moved), lock file too."""
    with files_turn(index_path):
        discard(index_path)
    with contextlib.suppress(OSError):
        index_path.with_name(index_path.name + ".lock").unlink()


def sidecar_path(index_path: Path) -> Path:
    """The sidecar (commit point) of the gallery named ``index_path``."""
    return index_path.with_name(index_path.name + ".meta.npz")


def _data_pattern(index_path: Path) -> re.Pattern[str]:
    return re.compile(re.escape(index_path.stem) + r"\.\d{8}" + re.escape(index_path.suffix) + r"(\.tmp)?")


def data_glob(index_path: Path) -> list[Path]:
    """Every graph file (any generation, finished or not) belonging to ``index_path``."""
    if not index_path.parent.is_dir():
        return []
    pattern = _data_pattern(index_path)
    return sorted(p for p in index_path.parent.iterdir() if pattern.fullmatch(p.name))


def _sidecar_ad(index_path: Path) -> bytes:
    return f"gallery sidecar|{index_path.name}".encode()


def _graph_ad(data_name: str) -> bytes:
    return f"gallery graph|{data_name}".encode()


def read_sidecar(index_path: Path, cipher: DataCipher | None = None) -> tuple[StoredMeta, dict[str, np.ndarray]]:
    """Meta and arrays (``keys``, ``persons`` and whatever else was committed) from the sidecar;
    GalleryFileError when unusable."""
    side = sidecar_path(index_path)
    if not side.is_file():
        raise GalleryFileError(f"{side} does not exist")
    try:
        if cipher is None:
            # No CRC of the whole file: the zip holds one per array, and those are checked.
            arrays = file_buffers.npz_arrays(file_buffers.read_plain(side, crc=False)[0], check_crc=True)
        else:
            try:
                buf = file_buffers.open_sealed(side, cipher, _sidecar_ad(index_path))
            except (OSError, DecryptError) as exc:
                raise GalleryFileError(f"{side} does not open with the data key ({exc})") from None
            arrays = file_buffers.npz_arrays(buf, check_crc=False)  # the GCM tag covered every byte
        meta = json.loads(str(arrays.pop("meta")))
        # Copies: the arrays are views of the whole sidecar's buffer, which must not stay alive with them.
        keys, persons = np.array(arrays["keys"], np.int64), np.array(arrays["persons"], np.int64)
    except GalleryFileError:
        raise
    except (OSError, ValueError, KeyError, EOFError, json.JSONDecodeError) as exc:
        raise GalleryFileError(f"{side} is damaged ({exc})") from None
    except Exception as exc:  # zipfile.BadZipFile and friends
        raise GalleryFileError(f"{side} is damaged ({exc})") from None
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise GalleryFileError(f"{side}: not a gallery sidecar of format {FORMAT}")
    if keys.shape != persons.shape or keys.ndim != 1:
        raise GalleryFileError(f"{side}: keys and persons disagree")
    try:
        sm = StoredMeta(
            model_id=str(meta["model_id"]),
            dim=int(meta["dim"]),
            dtype=str(meta["dtype"]),
            fingerprint=str(meta["fingerprint"]),
            data_file=str(meta["data_file"]),
            data_size=int(meta["data_size"]),
            data_crc=int(meta["data_crc"]),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise GalleryFileError(f"{side}: incomplete meta ({exc})") from None
    return sm, {**arrays, "keys": keys, "persons": persons}


def read_graph(index_path: Path, meta: StoredMeta, cipher: DataCipher | None) -> np.ndarray:
    """The graph file named by ``meta`` in one buffer (uint8) for usearch to load from, checked for size and
    then for its CRC (plain) or opened with ``cipher`` (sealed); GalleryFileError otherwise.

    A sealed file gets no CRC pass: the GCM tag authenticates every byte (a stronger check than the CRC),
    and the decryption costs about what the CRC does, which keeps startup as fast as with plain files.
    """
    data = index_path.parent / meta.data_file
    if not _data_pattern(index_path).fullmatch(meta.data_file) or meta.data_file.endswith(".tmp"):
        raise GalleryFileError(f"{index_path}: bad data file name {meta.data_file!r}")
    try:
        if cipher is not None:
            return file_buffers.open_sealed(data, cipher, _graph_ad(meta.data_file), meta.data_size)
        buf, crc = file_buffers.read_plain(data, meta.data_size)
    except FileNotFoundError:
        raise GalleryFileError(f"{data} is missing") from None
    except (OSError, ValueError) as exc:
        raise GalleryFileError(f"{data} is unreadable ({exc})") from None
    except DecryptError as exc:
        raise GalleryFileError(f"{data} does not open with the data key ({exc})") from None
    if crc != meta.data_crc:
        raise GalleryFileError(f"{data} is damaged (checksum mismatch)")
    return buf


def write_graph(graph: object, tmp: Path, final: Path, cipher: DataCipher | None) -> None:
    """Write a usearch graph to ``tmp`` (sealed for ``final``'s name with ``cipher``)."""
    if cipher is None:
        graph.save(str(tmp))  # type: ignore[attr-defined]
        return
    plain = graph.save()  # type: ignore[attr-defined]  # a bytearray: sealed from where it is
    with tmp.open("wb") as f:
        cipher.seal_to(plain, _graph_ad(final.name), f.write)


def new_data_path(index_path: Path, previous: str | None) -> Path:
    """A graph file name for the next generation (never the one the current sidecar names)."""
    gen = 1
    if previous:
        with contextlib.suppress(ValueError, IndexError):
            gen = int(previous[len(index_path.stem) + 1 :].split(".", 1)[0]) + 1
    while True:
        p = index_path.with_name(f"{index_path.stem}.{gen:08d}{index_path.suffix}")
        if not p.exists():
            return p
        gen += 1


def commit(index_path: Path, data: Path, meta: StoredMeta, arrays: dict[str, np.ndarray],
           cipher: DataCipher | None = None) -> None:
    """Write the sidecar (meta + ``arrays``, which hold at least ``keys`` and ``persons``) for a
    finished graph file and make it the current generation."""
    buf = io.BytesIO()
    doc = {
        "format": FORMAT,
        "model_id": meta.model_id,
        "dim": meta.dim,
        "dtype": meta.dtype,
        "fingerprint": meta.fingerprint,
        "data_file": meta.data_file,
        "data_size": meta.data_size,
        "data_crc": meta.data_crc,
    }
    np.savez(buf, meta=np.array(json.dumps(doc)), **arrays)
    side = sidecar_path(index_path)
    tmp = side.with_name(side.name + ".tmp")
    with tmp.open("wb") as f, buf.getbuffer() as payload:
        if cipher is None:
            f.write(payload)
        else:
            cipher.seal_to(payload, _sidecar_ad(index_path), f.write)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, side)
    _fsync_dir(index_path.parent)
    # Only now are older generations unreferenced.
    for old in data_glob(index_path):
        if old != data:
            with contextlib.suppress(OSError):
                old.unlink()


def finish_data(tmp: Path, final: Path) -> tuple[int, int]:
    """fsync a freshly written graph file, give it its final name; returns (size, crc32)."""
    _fsync_file(tmp)
    os.replace(tmp, final)
    return final.stat().st_size, _crc32(final)


def discard(index_path: Path) -> None:
    """Remove the sidecar and every graph file (a damaged gallery about to be rebuilt)."""
    side = sidecar_path(index_path)
    for p in [side, side.with_name(side.name + ".tmp"), *data_glob(index_path)]:
        with contextlib.suppress(OSError):
            p.unlink()
