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
graph is serialised to memory, sealed and written; at load it is read, opened and handed to usearch as a
buffer, so a plain copy never touches the disk. A file that does not open with the key (another key,
damaged) is a GalleryFileError like any other: the gallery is rebuilt from the database.
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
import os
import re
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from kiosk.store.crypto import DataCipher, DecryptError

log = logging.getLogger(__name__)

FORMAT = 1
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
    source: Path | io.BytesIO = side
    if cipher is not None:
        try:
            source = io.BytesIO(cipher.open(side.read_bytes(), _sidecar_ad(index_path)))
        except (OSError, DecryptError) as exc:
            raise GalleryFileError(f"{side} does not open with the data key ({exc})") from None
    try:
        with np.load(source, allow_pickle=False) as z:
            meta = json.loads(str(z["meta"]))
            arrays = {k: np.asarray(z[k]) for k in z.files if k != "meta"}
        keys, persons = arrays["keys"].astype(np.int64), arrays["persons"].astype(np.int64)
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


def read_graph(index_path: Path, meta: StoredMeta, cipher: DataCipher) -> bytes:
    """The sealed graph file named by ``meta``, checked for size and opened; GalleryFileError otherwise.

    No CRC pass here: the GCM tag authenticates every byte (a stronger check than the CRC), and skipping the
    CRC's read of the whole file pays for the decryption, which keeps startup as fast as with plain files.
    """
    data = index_path.parent / meta.data_file
    if not _data_pattern(index_path).fullmatch(meta.data_file) or meta.data_file.endswith(".tmp"):
        raise GalleryFileError(f"{index_path}: bad data file name {meta.data_file!r}")
    try:
        sealed = data.read_bytes()
    except OSError:
        raise GalleryFileError(f"{data} is missing") from None
    if len(sealed) != meta.data_size:
        raise GalleryFileError(f"{data} has {len(sealed)} bytes, expected {meta.data_size}")
    try:
        return cipher.open(sealed, _graph_ad(meta.data_file))
    except DecryptError as exc:
        raise GalleryFileError(f"{data} does not open with the data key ({exc})") from None


def write_graph(graph: object, tmp: Path, final: Path, cipher: DataCipher | None) -> None:
    """Write a usearch graph to ``tmp`` (sealed for ``final``'s name with ``cipher``)."""
    if cipher is None:
        graph.save(str(tmp))  # type: ignore[attr-defined]
        return
    plain = graph.save()  # type: ignore[attr-defined]
    tmp.write_bytes(cipher.seal(bytes(plain), _graph_ad(final.name)))


def verify_data(index_path: Path, meta: StoredMeta) -> Path:
    """The graph file named by ``meta``, checked for size and CRC; GalleryFileError otherwise."""
    data = index_path.parent / meta.data_file
    if not _data_pattern(index_path).fullmatch(meta.data_file) or meta.data_file.endswith(".tmp"):
        raise GalleryFileError(f"{index_path}: bad data file name {meta.data_file!r}")
    try:
        size = data.stat().st_size
    except OSError:
        raise GalleryFileError(f"{data} is missing") from None
    if size != meta.data_size:
        raise GalleryFileError(f"{data} has {size} bytes, expected {meta.data_size}")
    if _crc32(data) != meta.data_crc:
        raise GalleryFileError(f"{data} is damaged (checksum mismatch)")
    return data


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
    payload = bytes(buf.getbuffer()) if cipher is None else cipher.seal(buf.getvalue(), _sidecar_ad(index_path))
    side = sidecar_path(index_path)
    tmp = side.with_name(side.name + ".tmp")
    with tmp.open("wb") as f:
        f.write(payload)
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
