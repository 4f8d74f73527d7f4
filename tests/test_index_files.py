"""The gallery's index files read into one buffer (issue 15: sealing must not slow the start down).

Large values are sealed and opened in pieces (``DataCipher.seal_to`` / ``open_into``) in the same format as
``seal`` / ``open``, so files of either age open with either code; every flipped byte, a truncation, a
wrong key or another file's name is refused. The sidecar's arrays are views of its buffer, equal to what
``np.load`` gives, with the zip's CRCs checked for plain files.
"""

from __future__ import annotations

import io
import os

import numpy as np
import pytest

from kiosk.gallery import Gallery, file_buffers, persist
from kiosk.gallery.array_source import ArraySource
from kiosk.store.crypto import OVERHEAD, DataCipher, DecryptError

AD = b"gallery graph|g.00000001.usearch"


@pytest.fixture
def cipher() -> DataCipher:
    return DataCipher(os.urandom(32), "test")


def sealed_pieces(cipher: DataCipher, plain: bytes, ad: bytes = AD) -> bytes:
    out = io.BytesIO()
    written = cipher.seal_to(plain, ad, out.write)
    assert written == len(out.getvalue()) == len(plain) + OVERHEAD
    return out.getvalue()


def opened_into(cipher: DataCipher, sealed: bytes, ad: bytes = AD) -> bytes:
    out = np.empty(len(sealed) - OVERHEAD, np.uint8)
    cipher.open_into(sealed, out, ad)
    return out.tobytes()


# Empty, one byte, and across the 4 MiB pieces (the last one short).
@pytest.mark.parametrize("size", [0, 1, (4 << 20) * 2 + 12345])
def test_pieces_and_whole_values_are_one_format(cipher, size):
    plain = os.urandom(size)
    assert opened_into(cipher, cipher.seal(plain, AD)) == plain  # files written before: opened in pieces
    sealed = sealed_pieces(cipher, plain)
    assert cipher.open(sealed, AD) == plain  # files written now: opened whole (an older kiosk)
    assert opened_into(cipher, sealed) == plain


def test_every_damage_and_a_wrong_key_or_name_are_refused(cipher):
    plain = os.urandom((4 << 20) + 100)
    sealed = sealed_pieces(cipher, plain)
    # Version byte, nonce, first piece, second piece, tag.
    for at in (0, 5, 20, (4 << 20) + 50, len(sealed) - 3):
        bad = bytearray(sealed)
        bad[at] ^= 0x01
        with pytest.raises(DecryptError):
            opened_into(cipher, bytes(bad))
    for cut in (sealed[:-1], sealed[:-16], sealed[: len(sealed) // 2], sealed[:OVERHEAD]):
        with pytest.raises(DecryptError):
            opened_into(cipher, cut)  # a shorter value: its tag is then wrong, or what stands there is no tag
    with pytest.raises(DecryptError, match="wrong key or damaged"):
        opened_into(DataCipher(os.urandom(32), "other"), sealed)
    with pytest.raises(DecryptError):
        opened_into(cipher, sealed, b"gallery graph|g.00000002.usearch")  # another generation's file
    with pytest.raises(ValueError, match="output buffer"):
        cipher.open_into(sealed, np.empty(len(plain) - 1, np.uint8), AD)


def test_open_sealed_checks_size_and_closes_its_map_on_errors(cipher, tmp_path):
    plain = os.urandom(100_000)
    path = tmp_path / "g.00000001.usearch"
    with path.open("wb") as f:
        cipher.seal_to(plain, AD, f.write)
    size = path.stat().st_size
    assert file_buffers.open_sealed(path, cipher, AD, size).tobytes() == plain
    with pytest.raises(ValueError, match="expected"):
        file_buffers.open_sealed(path, cipher, AD, size + 1)
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x80
    path.write_bytes(bytes(data))
    # A DecryptError, not a BufferError from closing a map that a traceback still exports.
    with pytest.raises(DecryptError):
        file_buffers.open_sealed(path, cipher, AD, size)
    data[0] = 0x7F  # refused before any decryption, from inside the views
    path.write_bytes(bytes(data))
    with pytest.raises(DecryptError, match="known format"):
        file_buffers.open_sealed(path, cipher, AD, size)
    path.write_bytes(b"")
    with pytest.raises(DecryptError, match="too short"):
        file_buffers.open_sealed(path, cipher, AD)


def test_read_plain_gives_the_bytes_and_their_crc(tmp_path):
    import zlib

    data = os.urandom((4 << 20) + 7)
    path = tmp_path / "f"
    path.write_bytes(data)
    buf, crc = file_buffers.read_plain(path, len(data))
    assert buf.tobytes() == data and crc == zlib.crc32(data)
    assert file_buffers.read_plain(path, crc=False)[1] is None
    path.write_bytes(b"")
    buf, crc = file_buffers.read_plain(path)
    assert len(buf) == 0 and crc == zlib.crc32(b"")


def _npz(compressed: bool = False, **arrays: np.ndarray) -> np.ndarray:
    out = io.BytesIO()
    (np.savez_compressed if compressed else np.savez)(out, **arrays)
    return np.frombuffer(out.getvalue(), np.uint8).copy()


def test_npz_views_equal_np_load():
    rng = np.random.default_rng(0)
    arrays = {
        "meta": np.array('{"format": 1, "name": "ä"}'),
        "keys": np.arange(1000, dtype=np.int64),
        "sums": rng.standard_normal((300, 128)).astype(np.float32),
        "fortran": np.asfortranarray(rng.standard_normal((7, 5))),
        "empty": np.zeros((0, 128), np.float32),
    }
    for compressed in (False, True):  # compressed members: np.load's copies instead of views
        got = file_buffers.npz_arrays(_npz(compressed, **arrays), check_crc=True)
        assert got.keys() == arrays.keys()
        for k, v in arrays.items():
            assert got[k].dtype == v.dtype and got[k].shape == v.shape and np.array_equal(got[k], v), k
    buf = _npz(**arrays)
    assert np.shares_memory(file_buffers.npz_arrays(buf, check_crc=False)["sums"], buf)


def test_npz_damage_is_found():
    buf = _npz(sums=np.ones((300, 128), np.float32), keys=np.arange(10))
    bad = buf.copy()
    bad[len(bad) // 3] ^= 0x01  # inside the sums
    with pytest.raises(ValueError, match="checksum"):
        file_buffers.npz_arrays(bad, check_crc=True)
    for cut in (buf[:100], buf[: len(buf) - 30], np.zeros(0, np.uint8)):
        with pytest.raises(Exception):  # noqa: B017  # BadZipFile or ValueError: both make the gallery rebuild
            file_buffers.npz_arrays(cut.copy(), check_crc=True)


@pytest.mark.parametrize("damage", ["truncate_graph", "truncate_sidecar", "extend_graph", "swap_generations"])
def test_sealed_gallery_files_cut_or_swapped_are_rebuilt(tmp_path, cipher, damage):
    from kiosk.eval.bench_gallery import synthetic

    persons, vectors, _, _ = synthetic(60, 3, 128, 20, 0)
    src = ArraySource.from_arrays("m", persons, vectors)
    path = tmp_path / "g.usearch"
    g = Gallery(src, "m", 128, threshold=0.4, index_path=path, exact_limit=0, cipher=cipher)
    g.ready()
    g.close()
    side, graph = persist.sidecar_path(path), persist.data_glob(path)[0]
    if damage == "truncate_graph":
        graph.write_bytes(graph.read_bytes()[:-1])
    elif damage == "truncate_sidecar":
        side.write_bytes(side.read_bytes()[:-1])
    elif damage == "extend_graph":
        graph.write_bytes(graph.read_bytes() + b"\0")
    else:  # a valid sealed graph, but made for another generation's file name (in the associated data)
        ad = persist._graph_ad
        plain = cipher.open(graph.read_bytes(), ad(graph.name))
        graph.write_bytes(cipher.seal(plain, ad("g.00000099.usearch")))
    g3 = Gallery(src, "m", 128, threshold=0.4, index_path=path, exact_limit=0, cipher=cipher)
    g3.ready()
    assert g3.last_ready == "rebuilt"
    assert g3.match(vectors[0]).person_id == persons[0]
    g3.close()

