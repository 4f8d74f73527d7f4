"""Encryption at rest and deletion that deletes (issue 15, points 1, 2 and 4): real faces, real files.

Every data-folder file is searched byte for byte for what a copied folder must not give away: a JPEG
signature (a face crop) and each enrolled face's unit-norm float32 embedding (whole, and its first 16
floats). The key, the error without it, the upgrade of a plain database (with a kill -9 in the middle)
and the log file are checked through the real ``kiosk`` command and real SQLite files.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import sqlite3
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
from conftest import EXAMPLES, LFW_ROOT, run_cli

from kiosk.gallery import Gallery
from kiosk.gallery.index import TemplateIndex
from kiosk.store import Store
from kiosk.store.crypto import DataKeyError
from kiosk.store.migrations import V1_SQLITE_DDL
from kiosk.store.schema import SCHEMA_VERSION

JPEG = b"\xff\xd8\xff"
# A JPEG's start: FF D8 FF and the marker that follows it (quantisation table, or an APPn segment naming
# JFIF/Exif). Not the three bytes alone: random ciphertext holds those by chance about once in 16 MB.
JPEG_START = re.compile(rb"\xff\xd8\xff(?:\xdb|[\xe0-\xef]..(?:JFIF|Exif|JFXX))", re.S)


def files_of(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file()]


def needles(vectors: np.ndarray) -> list[bytes]:
    """The raw bytes of each vector and of its first 16 floats."""
    out = []
    for v in np.asarray(vectors, np.float32):
        out += [v.tobytes(), v[:16].tobytes()]
    return out


def leaks(folder: Path, vectors: np.ndarray, crops: list[bytes] = ()) -> list[str]:
    """Files of ``folder`` holding a JPEG signature, one of the vectors or a crop (whole or a 64-byte slice)."""
    found = []
    probes = needles(vectors) + [c[i:i + 64] for c in crops for i in (100, len(c) // 2)]
    for path in files_of(folder):
        data = path.read_bytes()
        if JPEG_START.search(data):
            found.append(f"{path}: JPEG signature")
        if any(n in data for n in probes):
            found.append(f"{path}: a face vector or crop")
    return found


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def enroll(home: Path, name: str, *images: Path) -> int:
    r = run_cli("enroll", "--name", name, *map(str, images), "--json", home=home)
    assert r.returncode == 0, r.stderr
    return int(json.loads(r.stdout)["person_id"])


@pytest.fixture(autouse=True)
def _no_shared_key(monkeypatch):
    """These tests exercise the key file and the errors: no session-wide KIOSK_DATA_KEY (see conftest)."""
    monkeypatch.delenv("KIOSK_DATA_KEY", raising=False)


def test_real_faces_are_encrypted_at_rest_and_deleted_for_good(home):
    obama = enroll(home, "Obama", EXAMPLES / "obama.jpg", EXAMPLES / "obama2.jpg")
    biden = enroll(home, "Biden", EXAMPLES / "biden.jpg")
    blair = enroll(home, "Tony Blair", LFW_ROOT / "Tony_Blair" / "Tony_Blair_0001.jpg")
    db = home / "kiosk.sqlite3"
    key_file = home / "data.key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600

    # The plain vectors and crops, read through the store with the key.
    with Store.open(f"sqlite:///{db}", key_file=home / "data.key") as store:
        model = next(iter(store.templates.count_by_model()))
        keys, persons = store.gallery_source.gallery_keys(model)
        vectors = store.gallery_source.gallery_vectors(model, keys)
        crops = {p: store.templates.crops(p) for p in (obama, biden, blair)}
        # Looked at while the store is open, so that the WAL file exists too.
        assert db.with_name(db.name + "-wal").exists()
        assert leaks(home, vectors, [c for cs in crops.values() for c in cs]) == []
    assert len(keys) == 4 and np.allclose(np.linalg.norm(vectors, axis=1), 1, atol=1e-3)
    assert all(JPEG_START.match(c) for cs in crops.values() for c in cs)  # what the search looks for
    log_text = (home / "logs" / "kiosk.log").read_text()
    assert "INFO" in log_text and "enroll" in log_text
    assert leaks(home, vectors, [c for cs in crops.values() for c in cs]) == []
    assert any(p.suffix == ".usearch" for p in files_of(home / "cache"))

    # With the key, identification works.
    r = run_cli("identify", str(EXAMPLES / "obama-480p.jpg"), "--json", home=home)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["results"][0]["faces"][0]["person_id"] == obama

    # Without it (file removed; a wrong KIOSK_DATA_KEY): a clear error naming where it looked, DB untouched.
    before = digest(db)
    saved = key_file.read_bytes()
    key_file.unlink()
    r = run_cli("identify", str(EXAMPLES / "obama2.jpg"), home=home)
    assert r.returncode == 1
    assert "no data key was found" in r.stderr and "KIOSK_DATA_KEY" in r.stderr and str(key_file) in r.stderr
    assert not key_file.exists(), "a new key must not be made for a database with encrypted data"
    wrong = base64.b64encode(os.urandom(32)).decode()
    r = run_cli("identify", str(EXAMPLES / "obama2.jpg"), home=home, env={"KIOSK_DATA_KEY": wrong})
    assert r.returncode == 1 and "is not the key" in r.stderr and "KIOSK_DATA_KEY" in r.stderr
    assert digest(db) == before
    key_file.write_bytes(saved)
    os.chmod(key_file, 0o600)
    # The same key given through the environment (how kiosks sharing a PostgreSQL database get it).
    r = run_cli("identify", str(EXAMPLES / "obama2.jpg"), "--json", home=home,
                env={"KIOSK_DATA_KEY": saved.decode().strip()})
    assert r.returncode == 0, r.stderr

    # Delete a person: no trace of their vectors or crops in any file; the index files rewritten at once.
    graphs_before = {p.name for p in (home / "cache").glob("gallery-*.*.usearch")}
    r = run_cli("people", "delete", str(obama), home=home)
    assert r.returncode == 0, r.stderr
    gone = vectors[persons == obama]
    assert leaks(home, gone, crops[obama]) == []
    wal = db.with_name(db.name + "-wal")
    assert not wal.exists() or wal.stat().st_size == 0
    graphs_after = {p.name for p in (home / "cache").glob("gallery-*.*.usearch")}
    assert graphs_after and not graphs_after & graphs_before
    # Opened with the key, the persisted index no longer lists them.
    with Store.open(f"sqlite:///{db}", key_file=home / "data.key") as store:
        index_path = next((home / "cache").glob("gallery-*.usearch.meta.npz"))
        gallery = Gallery(store.gallery_source, model, vectors.shape[1], 0.5, index_path=index_path.with_name(
            index_path.name.removesuffix(".meta.npz")))
        index = TemplateIndex.load(gallery.params, gallery.index_path, store.db.cipher)
        assert obama not in set(index.persons.tolist()) and {biden, blair} <= set(index.persons.tolist())
        assert store.templates.crops(obama) == []


def _plain_v1_database(db: Path, people: int, per_person: int, rng: np.random.Generator) -> tuple[np.ndarray, list]:
    """A database as the first release wrote it: plain float32 embeddings and JPEG crops."""
    con = sqlite3.connect(db)
    con.executescript(V1_SQLITE_DDL)
    vectors, crops = [], []
    tid = 0
    for p in range(1, people + 1):
        con.execute("INSERT INTO people VALUES (?, ?, NULL, NULL, 1, '2025-01-01 08:00:00', "
                    "'2025-01-01 08:00:00')", (p, f"P{p}"))
        for _ in range(per_person):
            tid += 1
            v = rng.standard_normal(128).astype(np.float32)
            v /= np.linalg.norm(v)
            crop = JPEG + b"\xe0\x00\x10JFIF\x00" + rng.bytes(3000)
            vectors.append(v)
            crops.append(crop)
            con.execute("INSERT INTO face_templates VALUES (?, ?, ?, 'm', 128, 100, 50, 0, 120, 'x', ?, "
                        "'2025-01-01 08:00:00')", (tid, p, v.tobytes(), crop))
    con.commit()
    con.close()
    return np.vstack(vectors), crops


_KILL_SCRIPT = textwrap.dedent("""
    import os, signal, sys
    from kiosk.store import Store, sealing
    batches = 0
    real = sealing.encrypt_batch
    def batch(db, n):
        global batches
        done = real(db, n)
        batches += 1
        if batches == 3:
            os.kill(os.getpid(), signal.SIGKILL)  # kill -9 between two committed batches
        return done
    sealing.encrypt_batch = batch
    Store.open(sys.argv[1], key_file=sys.argv[2], encrypt_batch=10)
""")


def test_plain_database_is_encrypted_at_upgrade_and_a_kill_resumes(home, tmp_path):
    db = home / "kiosk.sqlite3"
    home.mkdir(parents=True)
    vectors, crops = _plain_v1_database(db, 20, 3, np.random.default_rng(7))
    old_backup = home / "kiosk.sqlite3.v1-20250101-000000.bak"  # an earlier upgrade's plain backup
    plain_v1 = db.read_bytes()
    old_backup.write_bytes(plain_v1)
    url = f"sqlite:///{db}"
    assert leaks(home, vectors, crops) != []  # the search finds plain data where there is some

    r = subprocess.run([sys.executable, "-c", _KILL_SCRIPT, url, str(home / "data.key")], capture_output=True,
                       text=True, env={**os.environ, "KIOSK_HOME": str(home)}, timeout=120)
    assert r.returncode == -9, r.stderr
    con = sqlite3.connect(db)
    enc = dict(con.execute("SELECT enc, count(*) FROM face_templates GROUP BY enc").fetchall())
    version = con.execute("SELECT value FROM settings WHERE key='schema_version'").fetchone()[0]
    con.close()
    assert enc == {0: 30, 1: 30} and version == str(SCHEMA_VERSION)  # half done, committed batches kept

    with Store.open(url, key_file=home / "data.key") as store:  # resumes
        keys, _ = store.gallery_source.gallery_keys("m")
        assert np.array_equal(store.gallery_source.gallery_vectors("m", keys), vectors)
        assert store.templates.crops(1) == crops[:3]
        assert store.settings.get("upgrade_backup") is None
        # The gallery's index files are sealed with the same key and load again.
        index_path = home / "cache" / "gallery-m.usearch"
        g = Gallery(store.gallery_source, "m", 128, 0.5, index_path=index_path, exact_limit=0)
        g.ready()
        assert g.last_ready == "rebuilt"
        g.close()
        g = Gallery(store.gallery_source, "m", 128, 0.5, index_path=index_path, exact_limit=0)
        g.ready()
        assert g.last_ready == "loaded" and g.match(vectors[4]).person_id == 2
        g.close()
        assert leaks(home, vectors, crops) == []  # WAL included: the store is still open
    con = sqlite3.connect(db)
    assert con.execute("SELECT count(*) FROM face_templates WHERE enc = 0").fetchone()[0] == 0
    con.close()
    sealed = old_backup.with_name(old_backup.name + ".enc")
    assert not old_backup.exists() and sealed.is_file()
    # `kiosk backup decrypt` gives the plain file back, with the key only.
    r = run_cli("backup", "decrypt", str(sealed), str(tmp_path / "restored.sqlite3"), home=home)
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "restored.sqlite3").read_bytes() == plain_v1
    (tmp_path / "restored.sqlite3").unlink()
    assert not list(home.glob("*.bak")), "the upgrade's own backup is removed after success"
    assert leaks(home, vectors, crops) == []


def test_key_sources_and_refusals(tmp_path, monkeypatch):
    key_file = tmp_path / "h" / "data.key"
    key = os.urandom(32)
    creds = tmp_path / "creds"
    creds.mkdir()
    (creds / "kiosk-data-key").write_text(base64.b64encode(key).decode())
    monkeypatch.setenv("CREDENTIALS_DIRECTORY", str(creds))
    url = f"sqlite:///{tmp_path / 'k.sqlite3'}"
    with Store.open(url, key_file=key_file) as store:
        assert store.db.cipher.key == key and "kiosk-data-key" in store.db.cipher.source
    assert not key_file.exists()  # a credential is used, never copied to a file
    monkeypatch.setenv("KIOSK_DATA_KEY", "not base64!")
    with pytest.raises(DataKeyError, match="not base64"):
        Store.open(url, key_file=key_file)
    monkeypatch.setenv("KIOSK_DATA_KEY", base64.b64encode(key).decode())
    Store.open(url, key_file=key_file).close()
    monkeypatch.delenv("KIOSK_DATA_KEY")
    monkeypatch.delenv("CREDENTIALS_DIRECTORY")
    with pytest.raises(DataKeyError, match="no data key was found"):
        Store.open(url, key_file=key_file)


@pytest.mark.parametrize("damage", ["none", "flip_graph", "flip_sidecar", "other_key"])
def test_sealed_index_files_load_and_are_rebuilt_when_damaged_or_under_another_key(tmp_path, damage):
    from kiosk.eval.bench_gallery import synthetic
    from kiosk.gallery import persist
    from kiosk.gallery.array_source import ArraySource
    from kiosk.store.crypto import DataCipher

    persons, vectors, queries, _ = synthetic(100, 3, 128, 50, 0)
    src = ArraySource.from_arrays("m", persons, vectors)
    path = tmp_path / "g.usearch"
    cipher = DataCipher(os.urandom(32), "test")
    g = Gallery(src, "m", 128, threshold=0.4, index_path=path, exact_limit=0, cipher=cipher)
    g.ready()
    g.close()
    sidecar = persist.sidecar_path(path)
    graph = persist.data_glob(path)[0]
    assert leaks(tmp_path, vectors) == [] and not sidecar.read_bytes().startswith(b"PK")
    if damage in ("flip_graph", "flip_sidecar"):
        target = graph if damage == "flip_graph" else sidecar
        data = bytearray(target.read_bytes())
        data[len(data) // 2] ^= 0x01
        target.write_bytes(bytes(data))
    key = DataCipher(os.urandom(32), "other") if damage == "other_key" else cipher
    g2 = Gallery(src, "m", 128, threshold=0.4, index_path=path, exact_limit=0, cipher=key)
    g2.ready()
    assert g2.last_ready == ("loaded" if damage == "none" else "rebuilt")
    ref = Gallery(src, "m", 128, threshold=0.4)
    ref.ready()
    assert [r.candidate_id for r in g2.match_many(queries)] == [r.candidate_id for r in ref.match_many(queries)]
    g2.close()
