"""The usearch gallery: open-set matching on real embeddings, updates without rebuild, crash-safe
persistence (fingerprint repair, damaged files, kill -9), exact vs graph search, calibration, and a
small real LFW open-set run. Real usearch, real models, real images."""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import cv2
import numpy as np
import pytest

from kiosk.gallery import Gallery, MatchResult, persist
from kiosk.gallery.array_source import ArraySource
from kiosk.gallery.calibration import calibrate, plot
from kiosk.vision.image_io import read_image

SHARED = Path(os.environ.get("KIOSK_SHARED") or Path(__file__).resolve().parents[2] / "shared").resolve()
# The default pack's converted models (conftest): no ../shared/models needed here.
MODELS = Path(os.environ["KIOSK_MODEL_DIR"])
EXAMPLES = SHARED / "data" / "faces" / "examples"
LFW_ROOT = SHARED / "data" / "lfw" / "lfw-deepfunneled"
WORKTREE = Path(__file__).resolve().parents[1]
MODEL = "sface_2021dec_int8bq"


@pytest.fixture(scope="module")
def pipeline(tmp_path_factory):
    from kiosk.context import AppContext, Overrides

    home = tmp_path_factory.mktemp("home")
    return AppContext(Overrides(home=str(home), model_dir=str(MODELS))).pipeline


@pytest.fixture(scope="module")
def train(pipeline):
    """Real embeddings of the five example people: (person ids, vectors, names)."""
    persons, vectors, names = [], [], {}
    for pid, folder in enumerate(sorted((EXAMPLES / "train").iterdir()), 1):
        names[pid] = folder.name
        for f in sorted(folder.iterdir()):
            face = pipeline.largest_face(read_image(f))
            assert face is not None, f
            persons.append(pid)
            vectors.append(face.embedding)
    return np.array(persons), np.array(vectors), names


def embed(pipeline, path: Path) -> np.ndarray:
    face = pipeline.largest_face(read_image(path))
    assert face is not None, path
    return face.embedding


def clustered(people: int, per: int, dim: int = 128, seed: int = 0):
    from kiosk.eval.bench_gallery import synthetic

    persons, vectors, queries, q_persons = synthetic(people, per, dim, 200, seed)
    return persons, vectors, queries, q_persons


# --- matching ---------------------------------------------------------------------------------


def test_match_known_people_reject_a_stranger_and_an_ambiguous_face(pipeline, train):
    persons, vectors, names = train
    src = ArraySource.from_arrays(MODEL, persons, vectors, names)
    g = Gallery(src, MODEL, pipeline.dim, threshold=0.3, margin=0.05)
    g.ready()
    assert g.size == 9 and g.people == 5
    by_name = {v: k for k, v in names.items()}
    for image, who in [("obama1.jpg", "obama"), ("johnsnow_test1.jpg", "kit_harington"),
                       ("alex_lacamoire1.jpg", "alex_lacamoire")]:
        m = g.match(embed(pipeline, EXAMPLES / "test" / image))
        assert isinstance(m, MatchResult)
        assert m.known and m.person_id == by_name[who] and m.name == who, (image, m)
        assert m.similarity >= 0.3 and m.margin >= 0.05
    # A stranger (an LFW person nobody enrolled): unknown, but the best candidate is still reported.
    stranger = g.match(embed(pipeline, LFW_ROOT / "Aaron_Eckhart" / "Aaron_Eckhart_0001.jpg"))
    assert not stranger.known and stranger.name is None
    assert stranger.candidate_id in names and stranger.similarity < 0.3
    # Obama's photos enrolled a second time under another id: similar enough, but no margin → unknown.
    obama = by_name["obama"]
    for v in vectors[persons == obama]:
        g.add(src.add(99, v, "obama again"), 99, v)
    amb = g.match(embed(pipeline, EXAMPLES / "test" / "obama1.jpg"))
    assert not amb.known and amb.candidate_id in (obama, 99)
    assert amb.similarity >= 0.3 and amb.margin < 0.05
    # match_many agrees with match.
    probes = np.stack([embed(pipeline, EXAMPLES / "obama2.jpg"), embed(pipeline, EXAMPLES / "biden.jpg")])
    for many, one in zip(g.match_many(probes), [g.match(p) for p in probes], strict=True):
        assert (many.person_id, many.name, many.candidate_id) == (one.person_id, one.name, one.candidate_id)
        assert many.similarity == pytest.approx(one.similarity, abs=1e-5)
        assert many.margin == pytest.approx(one.margin, abs=1e-5)


def test_empty_gallery_and_bad_embeddings():
    g = Gallery(ArraySource(MODEL, 128), MODEL, 128, threshold=0.3)
    g.ready()
    assert g.size == 0 and g.people == 0
    m = g.match(np.ones(128, np.float32))
    assert m == MatchResult(None, None, None, 0.0, 0.0)
    with pytest.raises(ValueError, match="128-d"):
        g.match(np.ones(512, np.float32))
    with pytest.raises(ValueError, match="zero length"):
        g.add(1, 1, np.zeros(128, np.float32))
    with pytest.raises(RuntimeError, match="ready"):
        Gallery(ArraySource(MODEL, 128), MODEL, 128, 0.3).match(np.ones(128, np.float32))


@pytest.mark.parametrize("exact_limit", [1 << 20, 0], ids=["exact", "graph"])
def test_add_and_remove_update_the_live_index_without_rebuild(tmp_path, exact_limit):
    persons, vectors, _, _ = clustered(300, 3)
    src = ArraySource.from_arrays(MODEL, persons, vectors)
    g = Gallery(src, MODEL, 128, threshold=0.4, margin=0.0, index_path=tmp_path / "g.usearch",
                exact_limit=exact_limit)
    g.ready()
    assert g.exact == (exact_limit > 0)
    index, files = g._index, sorted(p.name for p in tmp_path.iterdir())
    rng = np.random.default_rng(5)
    v = rng.standard_normal(128).astype(np.float32)
    tid = src.add(1000, v)
    g.add(tid, 1000, v, name="new person")
    assert g.size == 901 and g.people == 301
    m = g.match(v)
    assert m.person_id == 1000 and m.name == "new person" and m.similarity == pytest.approx(1.0, abs=1e-5)
    assert g.remove_person(1000) == 1 and g.match(v).candidate_id != 1000
    assert g.remove_templates(np.flatnonzero(persons == 7) + 1) == 3  # template ids are 1..n
    assert g.remove_templates([10**9]) == 0
    assert 7 not in {r.candidate_id for r in g.match_many(vectors[persons == 7])}
    # Same graph object, nothing written: updates are in memory until flush().
    assert g._index is index and sorted(p.name for p in tmp_path.iterdir()) == files and g.dirty


def test_exact_and_graph_search_agree():
    persons, vectors, queries, _ = clustered(1500, 3, seed=3)
    src = ArraySource.from_arrays(MODEL, persons, vectors)
    exact = Gallery(src, MODEL, 128, threshold=0.3, exact_limit=1 << 20)
    graph = Gallery(src, MODEL, 128, threshold=0.3, exact_limit=0)
    exact.ready()
    graph.ready()
    assert exact.exact and not graph.exact
    a, b = exact.match_many(queries), graph.match_many(queries)
    same = [x.candidate_id == y.candidate_id for x, y in zip(a, b, strict=True)]
    assert np.mean(same) >= 0.99
    for x, y in zip(a, b, strict=True):
        if x.candidate_id == y.candidate_id:
            assert x.similarity == pytest.approx(y.similarity, abs=1e-4)
            assert x.person_id == y.person_id


# --- persistence ------------------------------------------------------------------------------


def test_persisted_index_is_loaded_when_the_fingerprint_matches(tmp_path):
    persons, vectors, queries, _ = clustered(400, 3)
    src = ArraySource.from_arrays(MODEL, persons, vectors)
    path = tmp_path / "g.usearch"
    g = Gallery(src, MODEL, 128, threshold=0.4, index_path=path, exact_limit=0)
    g.ready()
    assert g.last_ready == "rebuilt"
    before = g.match_many(queries)
    g.close()
    meta, arrays = persist.read_sidecar(path)
    assert meta.fingerprint == src.gallery_fingerprint(MODEL)
    assert np.array_equal(arrays["keys"], src.gallery_keys(MODEL)[0])
    assert np.array_equal(arrays["sum_pids"], np.unique(persons)) and arrays["counts"].sum() == len(persons)
    g2 = Gallery(src, MODEL, 128, threshold=0.4, index_path=path, exact_limit=0)
    g2.ready()
    assert g2.last_ready == "loaded" and not g2.dirty
    assert g2.match_many(queries) == before
    assert g2.flush() is False  # nothing changed: nothing written


def test_startup_repairs_changes_the_index_never_saw(tmp_path):
    """A crash between the database commit and the index save: the next start repairs the difference."""
    persons, vectors, _, _ = clustered(200, 3)
    src = ArraySource.from_arrays(MODEL, persons, vectors)
    path = tmp_path / "g.usearch"
    g = Gallery(src, MODEL, 128, threshold=0.4, index_path=path)
    g.ready()
    g.close()
    # Behind the gallery's back: a new person (committed, never added to the index), a person deleted,
    # one template of another deleted.
    rng = np.random.default_rng(1)
    new_v = rng.standard_normal(128).astype(np.float32)
    src.add(500, new_v, "late")
    src.remove_person(3)
    src.remove_templates([int(np.flatnonzero(persons == 9)[0]) + 1])  # template ids are 1..n
    # And a gallery that enrolled in memory, then "crashed" before any save.
    g_crash = Gallery(src, MODEL, 128, threshold=0.4, index_path=path)
    g_crash.ready()
    extra_v = rng.standard_normal(128).astype(np.float32)
    extra = src.add(501, extra_v)
    g_crash.add(extra, 501, extra_v)
    del g_crash  # no flush, no close
    g2 = Gallery(src, MODEL, 128, threshold=0.4, index_path=path)
    g2.ready()
    assert g2.last_ready == "repaired"
    assert np.array_equal(g2.template_ids(), src.gallery_keys(MODEL)[0])
    assert g2.match(new_v).name == "late" and g2.match(new_v).person_id == 500
    assert g2.match(extra_v).person_id == 501
    assert 3 not in set(g2.person_of(g2.template_ids()).tolist())
    assert g2.flush() is True
    g3 = Gallery(src, MODEL, 128, threshold=0.4, index_path=path)
    g3.ready()
    assert g3.last_ready == "loaded" and g3.size == g2.size


def test_flush_drops_a_template_the_database_never_committed(tmp_path):
    persons, vectors, _, _ = clustered(50, 2)
    src = ArraySource.from_arrays(MODEL, persons, vectors)
    g = Gallery(src, MODEL, 128, threshold=0.4, index_path=tmp_path / "g.usearch")
    g.ready()
    v = np.random.default_rng(2).standard_normal(128).astype(np.float32)
    g.add(10_000, 77, v)  # the enrolment's transaction then rolled back
    assert g.size == 101
    g.flush()
    assert np.array_equal(g.template_ids(), src.gallery_keys(MODEL)[0]) and g.match(v).candidate_id != 77


def _files(path: Path) -> tuple[Path, Path]:
    meta, _ = persist.read_sidecar(path)
    return persist.sidecar_path(path), path.parent / meta.data_file


@pytest.mark.parametrize("damage", ["flip_graph", "truncate_graph", "delete_graph", "garbage_sidecar",
                                    "truncate_sidecar", "other_model"])
def test_damaged_or_foreign_files_are_rebuilt(tmp_path, damage, caplog):
    persons, vectors, queries, _ = clustered(100, 3)
    src = ArraySource.from_arrays(MODEL, persons, vectors)
    path = tmp_path / "g.usearch"
    g = Gallery(src, MODEL, 128, threshold=0.4, index_path=path)
    g.ready()
    g.close()
    sidecar, graph = _files(path)
    if damage == "flip_graph":
        data = bytearray(graph.read_bytes())
        data[len(data) // 2] ^= 0xFF
        graph.write_bytes(bytes(data))
    elif damage == "truncate_graph":
        graph.write_bytes(graph.read_bytes()[:1000])
    elif damage == "delete_graph":
        graph.unlink()
    elif damage == "garbage_sidecar":
        sidecar.write_bytes(b"not a zip file" * 10)
    elif damage == "truncate_sidecar":
        sidecar.write_bytes(sidecar.read_bytes()[:100])
    g2 = Gallery(src, "other_model" if damage == "other_model" else MODEL, 128, threshold=0.4, index_path=path)
    if damage == "other_model":
        # The files hold another embedder's vectors; this "model" has no templates in the source.
        g2.ready()
        assert g2.last_ready == "rebuilt" and g2.size == 0
        return
    with caplog.at_level("WARNING", logger="kiosk.gallery.gallery"):
        g2.ready()
    assert g2.last_ready == "rebuilt"
    assert "rebuilding" in caplog.text
    assert np.array_equal(g2.template_ids(), src.gallery_keys(MODEL)[0])
    ref = Gallery(src, MODEL, 128, threshold=0.4)
    ref.ready()
    assert [r.candidate_id for r in g2.match_many(queries)] == [r.candidate_id for r in ref.match_many(queries)]
    # The rebuilt gallery was saved at once: the next start loads it.
    g3 = Gallery(src, MODEL, 128, threshold=0.4, index_path=path)
    g3.ready()
    assert g3.last_ready == "loaded"


def test_a_save_interrupted_before_its_commit_leaves_the_previous_generation(tmp_path, monkeypatch):
    persons, vectors, _, _ = clustered(100, 2)
    src = ArraySource.from_arrays(MODEL, persons, vectors)
    path = tmp_path / "g.usearch"
    g = Gallery(src, MODEL, 128, threshold=0.4, index_path=path)
    g.ready()
    old_graph = _files(path)[1]
    v = np.random.default_rng(3).standard_normal(128).astype(np.float32)
    g.add(src.add(300, v), 300, v)

    def killed(*args, **kwargs):  # the process dies after the new graph, before the sidecar
        raise KeyboardInterrupt

    monkeypatch.setattr(persist, "commit", killed)
    with pytest.raises(KeyboardInterrupt):
        g.flush()
    monkeypatch.undo()
    (tmp_path / "g.usearch.meta.npz.tmp").write_bytes(b"half a sidecar")
    assert len(persist.data_glob(path)) == 2  # old graph + the orphaned new one
    g2 = Gallery(src, MODEL, 128, threshold=0.4, index_path=path)
    g2.ready()
    assert g2.last_ready == "repaired" and g2.match(v).person_id == 300
    assert persist.data_glob(path) == [old_graph]  # the orphan is gone


SQLITE_SOURCE = '''
import sqlite3

import numpy as np


class SqliteSource:
    """A TemplateSource on a real SQLite file (committed rows are the truth)."""

    def __init__(self, path):
        self.db = sqlite3.connect(path, isolation_level=None, timeout=30)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY AUTOINCREMENT, "
                        "person INTEGER NOT NULL, vec BLOB NOT NULL)")

    def add(self, person, vec):
        cur = self.db.execute("INSERT INTO t (person, vec) VALUES (?, ?)", (person, vec.tobytes()))
        return cur.lastrowid

    def gallery_fingerprint(self, model_id):
        n, mx, sm = self.db.execute("SELECT count(id), max(id), sum(id) FROM t").fetchone()
        return f"{n}:{mx or 0}:{sm or 0}"

    def gallery_keys(self, model_id):
        rows = self.db.execute("SELECT id, person FROM t ORDER BY id").fetchall()
        a = np.array(rows, np.int64).reshape(-1, 2)
        return a[:, 0].copy(), a[:, 1].copy()

    def gallery_vectors(self, model_id, ids):
        out = []
        for i in ids:
            (blob,) = self.db.execute("SELECT vec FROM t WHERE id = ?", (int(i),)).fetchone()
            out.append(np.frombuffer(blob, np.float32))
        return np.array(out)

    def person_names(self, ids):
        return {int(i): f"p{int(i)}" for i in ids}
'''


def test_index_key_set_equals_the_database_after_kill_9_at_any_moment(tmp_path):
    (tmp_path / "sqlite_source.py").write_text(SQLITE_SOURCE)
    child = textwrap.dedent(f"""
        import sys, random
        import numpy as np
        sys.path.insert(0, {str(tmp_path)!r})
        from sqlite_source import SqliteSource
        from kiosk.gallery import Gallery
        src = SqliteSource({str(tmp_path / "db.sqlite")!r})
        g = Gallery(src, "m", 32, 0.5, index_path=__import__("pathlib").Path({str(tmp_path / "g.usearch")!r}))
        g.ready()
        print("ready", g.last_ready, flush=True)
        rng = np.random.default_rng(int(sys.argv[1]))
        i = 0
        while True:
            i += 1
            v = rng.standard_normal(32).astype(np.float32)
            person = int(rng.integers(1, 40))
            tid = src.add(person, v)          # committed
            g.add(tid, person, v)             # then the index (a kill may land in between)
            if i % 7 == 0:
                victim = int(rng.choice(g.template_ids()))
                src.db.execute("DELETE FROM t WHERE id = ?", (victim,))
                g.remove_templates([victim])
            if i % 2 == 0:
                g.flush()                     # frequent saves: kills land mid-save too
    """)
    env = {**os.environ, "PYTHONPATH": str(WORKTREE)}
    rng = np.random.default_rng(0)
    modes = []
    for round_ in range(5):
        proc = subprocess.Popen([sys.executable, "-c", child, str(round_)], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, env=env)
        line = proc.stdout.readline()
        assert line.startswith("ready"), proc.stderr.read()
        modes.append(line.split()[1])
        time.sleep(float(rng.uniform(0.1, 0.8)))
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        assert proc.returncode == -signal.SIGKILL
    assert modes[0] == "rebuilt" and set(modes[1:]) <= {"loaded", "repaired"}
    sys.path.insert(0, str(tmp_path))
    try:
        from sqlite_source import SqliteSource  # type: ignore[import-not-found]
    finally:
        sys.path.remove(str(tmp_path))
    src = SqliteSource(str(tmp_path / "db.sqlite"))
    g = Gallery(src, "m", 32, 0.5, index_path=tmp_path / "g.usearch")
    g.ready()
    keys, persons = src.gallery_keys("m")
    assert len(keys) > 20
    assert np.array_equal(g.template_ids(), keys)
    assert np.array_equal(g.person_of(keys), persons)
    g.close()
    # The graph holds the right vectors: each stored vector finds its own template (max scoring)...
    vectors = src.gallery_vectors("m", keys)
    g_max = Gallery(src, "m", 32, 0.5, index_path=tmp_path / "g.usearch", scoring="max")
    g_max.ready()
    assert g_max.last_ready == "loaded"
    hits = g_max.match_many(vectors)
    assert all(h.candidate_id == p and h.similarity > 0.999 for h, p in zip(hits, persons, strict=True))
    # ...and the persisted per-person sums equal a fresh build's (same answers, centroid scoring).
    g_files = Gallery(src, "m", 32, 0.5, index_path=tmp_path / "g.usearch")
    g_files.ready()
    g_fresh = Gallery(src, "m", 32, 0.5)
    g_fresh.ready()
    probes = np.random.default_rng(9).standard_normal((50, 32)).astype(np.float32)
    for a, b in zip(g_files.match_many(probes), g_fresh.match_many(probes), strict=True):
        assert a.candidate_id == b.candidate_id and a.similarity == pytest.approx(b.similarity, abs=1e-4)


# --- calibration ------------------------------------------------------------------------------


def test_calibration_on_the_example_people(train, tmp_path):
    persons, vectors, names = train
    src = ArraySource.from_arrays(MODEL, persons, vectors, names)
    r = calibrate(src, MODEL, target_far=0.05)
    # 4 people with two photos → 4 genuine pairs; 9 templates → 36 pairs, 32 of them impostor.
    assert r.people == 5 and r.templates == 9
    assert r.genuine_pairs == 4 and r.impostor_pairs == 32
    # 5 % of 32 allows one false accept: the threshold sits just above the second-highest impostor.
    imp = np.sort(r.impostor)[::-1]
    assert imp[1] < r.threshold <= imp[0] and np.sum(r.impostor >= r.threshold) == 1
    assert r.threshold < r.genuine.min()
    assert r.far_at_threshold <= 0.05 and r.frr_at_threshold == 0.0  # these photos separate cleanly
    assert np.all(np.diff(r.far) <= 1e-12) and np.all(np.diff(r.frr) >= -1e-12)  # monotone
    assert not r.reliable  # 32 impostor pairs cannot resolve a 5 % FAR reliably
    doc = json.loads(json.dumps(r.to_json()))
    assert doc["threshold"] == pytest.approx(r.threshold, abs=1e-4) and len(doc["table"]) == 25
    png = tmp_path / "calibration.png"
    plot(r, png)
    img = cv2.imread(str(png))
    assert img is not None and img.shape[:2] == (460, 1000) and img.std() > 10


def test_calibration_needs_two_people():
    from kiosk.errors import KioskError

    src = ArraySource.from_arrays(MODEL, np.array([1, 1]), np.eye(2, 128, dtype=np.float32))
    with pytest.raises(KioskError, match="at least 2"):
        calibrate(src, MODEL)
    with pytest.raises(KioskError, match="no templates"):
        calibrate(ArraySource(MODEL, 128), MODEL)


def test_calibrate_command_on_a_source(train, tmp_path, capsys):
    from kiosk.cli.cmd_gallery import cmd_calibrate
    from kiosk.context import AppContext, Overrides

    persons, vectors, names = train
    src = ArraySource.from_arrays(MODEL, persons, vectors, names)
    ctx = AppContext(Overrides(home=str(tmp_path / "home"), model_dir=str(MODELS)))
    args = argparse.Namespace(target_far=0.01, plot=str(tmp_path / "c.png"), json=True)
    assert cmd_calibrate(ctx, args, source=src) == 0
    out = capsys.readouterr()
    doc = json.loads(out.out)
    assert doc["people"] == 5 and doc["plot"] == str(tmp_path / "c.png") and (tmp_path / "c.png").is_file()
    assert "too few" in out.err


# --- LFW open set -----------------------------------------------------------------------------


def test_lfw_open_set_subset(pipeline):
    from kiosk.eval.ident import build_protocol, evaluate_ident

    protocol = build_protocol(LFW_ROOT, people=15, strangers=40)
    assert len(protocol.enroll) == 15 and len(protocol.strangers) == 40
    assert all(len(paths) == 1 for _, paths in protocol.enroll)
    assert 15 * 3 <= len(protocol.probes) <= 15 * 4
    r = evaluate_ident(pipeline, LFW_ROOT, margin=0.05, protocol=protocol)
    assert r.rank1 >= 0.85  # 98 % on the full protocol
    assert 0.5 <= r.dir_1pct <= r.rank1 and r.dir_01pct <= r.dir_1pct
    assert 0.2 < r.threshold_1pct < 0.8
    doc = r.to_json()
    assert {"rank1", "dir_at_fpir_1pct", "dir_at_fpir_0.1pct", "threshold_1pct"} <= doc.keys()


def test_cli_eval_ident_and_bench_gallery(tmp_path, capsys):
    from kiosk.cli.main import main

    base = ["--home", str(tmp_path / "home"), "--model-dir", str(MODELS)]
    assert main([*base, "eval", "ident", "--root", str(LFW_ROOT), "--people", "3", "--strangers", "5",
                 "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["people"] == 3 and doc["strangers"] == 5 and 0.0 <= doc["dir_at_fpir_1pct"] <= 1.0
    assert main([*base, "bench", "gallery", "--people", "300", "--templates", "2", "--queries", "40",
                 "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    for key in ("search_p50_ms", "search_p99_ms", "startup_ready_s", "enroll_ms", "rss_mb", "recall_at_1"):
        assert key in doc
    assert doc["dim"] == 128 and doc["startup_mode"] == "loaded" and doc["repair_mode"] == "repaired"
    assert doc["recall_at_1"] >= 0.97


def test_cli_eval_ident_bad_root(tmp_path, capsys):
    from kiosk.cli.main import main

    assert main(["--home", str(tmp_path), "eval", "ident", "--root", str(tmp_path / "nope")]) == 1
    assert "no such folder" in capsys.readouterr().err


# --- the import-order trap ----------------------------------------------------------------------

ORT_RUN = f"""
import numpy as np
sess = onnxruntime.InferenceSession({str(MODELS / "face_recognition_sface_2021dec_int8bq.folded.onnx")!r},
                                    providers=["CPUExecutionProvider"])
inp = sess.get_inputs()[0]
out = sess.run(None, {{inp.name: np.zeros((1, 3, 112, 112), np.float32)}})[0]
assert out.shape[-1] == 128, out.shape
print("ok")
"""


@pytest.mark.parametrize("first", ["import usearch.index\nimport onnxruntime\n",
                                   "import kiosk.gallery\nimport onnxruntime\n"],
                         ids=["usearch-first", "kiosk.gallery-first"])
def test_usearch_then_onnxruntime_does_not_crash(first):
    """usearch >= 2.26.2 imported before onnxruntime segfaults on Linux when a session runs; the pin
    (< 2.26.2) and kiosk.gallery importing onnxruntime first both keep it from happening."""
    r = subprocess.run([sys.executable, "-c", first + ORT_RUN], capture_output=True, text=True,
                       env={**os.environ, "PYTHONPATH": str(WORKTREE)}, timeout=120)
    assert r.returncode == 0, (r.returncode, r.stderr[-2000:])
    assert r.stdout.strip() == "ok"


def test_person_sums_across_blocks_round_trip():
    from kiosk.gallery.person_sums import BLOCK, PersonSums

    rng = np.random.default_rng(4)
    n = BLOCK + 50
    persons = np.repeat(np.arange(n), 2)
    vectors = rng.standard_normal((2 * n, 8)).astype(np.float32)
    s = PersonSums(8)
    s.update(persons, vectors, +1)
    assert len(s) == n and s.total == 2 * n
    want = vectors[0::2] + vectors[1::2]
    pick = [0, BLOCK - 1, BLOCK, n - 1]
    assert np.allclose(s.centroids(pick), want[pick] / np.linalg.norm(want[pick], axis=1, keepdims=True), atol=1e-6)
    s.update(persons[:2], vectors[:2], -1)  # person 0 loses both templates: row recycled
    assert 0 not in s.rows and len(s) == n - 1
    s.update(np.array([10**6]), vectors[:1], +1)
    assert s.rows[10**6] == 0  # the free row is reused
    pids, sums, counts = s.to_arrays()
    t = PersonSums.from_arrays(8, pids, sums, counts)
    assert t.rows.keys() == s.rows.keys() and t.total == s.total
    assert np.allclose(t.centroids([BLOCK, 10**6]), s.centroids([BLOCK, 10**6]))
