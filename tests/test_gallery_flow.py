"""Enrollment and identification end to end: real models, real LFW people, real SQLite files, the real
usearch gallery, the `kiosk` command in subprocesses."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap

import numpy as np
from conftest import EXAMPLES, LFW_ROOT, run_cli

from kiosk.context import AppContext, Overrides
from kiosk.store import Store

PEOPLE = ["Colin_Powell", "Tony_Blair", "Donald_Rumsfeld", "Gerhard_Schroeder", "Ariel_Sharon"]


def img(name: str, n: int) -> str:
    return str(LFW_ROOT / name / f"{name}_{n:04d}.jpg")


def enroll(home, name, *images, extra=()):
    r = run_cli("enroll", "--name", name, *extra, *images, "--json", home=home)
    return r, (json.loads(r.stdout) if r.stdout.strip() else None)


def store_of(home) -> Store:
    return Store.open(f"sqlite:///{home / 'kiosk.sqlite3'}")


def index_keys(home) -> tuple[set[int], set[int]]:
    """(template ids in a freshly started gallery, template ids of the database)."""
    ctx = AppContext(Overrides(home=str(home)))
    try:
        gallery = ctx.gallery
        db = set(ctx.store.gallery_source.gallery_keys(gallery.model_id)[0].tolist())
        return set(gallery.template_ids().tolist()), db
    finally:
        ctx.close()


def test_enroll_then_identify_lfw_people_and_a_stranger(home):
    ids = {}
    for name in PEOPLE:
        r, out = enroll(home, name, img(name, 1), img(name, 2), extra=("--group", "lfw"))
        assert r.returncode == 0, r.stderr
        assert out["templates"] == 2 and out["rejected"] == []
        ids[name] = out["person_id"]
    probes = [img(n, 5) for n in PEOPLE] + [img("Aaron_Eckhart", 1)]
    r = run_cli("identify", *probes, "--json", home=home)
    assert r.returncode == 0, r.stderr
    results = json.loads(r.stdout)["results"]
    assert [x["image"] for x in results] == probes
    for name, res in zip(PEOPLE, results[:-1], strict=True):
        face = max(res["faces"], key=lambda f: (f["box"][2] - f["box"][0]))
        assert face["person_id"] == ids[name] and face["name"] == name, res
        assert face["similarity"] > 0.3 and face["margin"] > 0
    stranger = results[-1]["faces"][0]
    assert stranger["person_id"] is None and stranger["name"] is None
    assert stranger["candidate_id"] in ids.values() and isinstance(stranger["similarity"], float)


def test_duplicate_face_is_refused_and_named_unless_allowed(home):
    r, out = enroll(home, "Colin Powell", img("Colin_Powell", 1))
    assert r.returncode == 0
    r, out = enroll(home, "Someone Else", img("Colin_Powell", 3))
    assert r.returncode == 1 and "Colin Powell" in r.stderr
    assert out["error"] == "duplicate" and out["duplicate_of"]["name"] == "Colin Powell"
    with store_of(home) as s:
        assert [p.name for p in s.people.list()] == ["Colin Powell"]
    r, out = enroll(home, "Someone Else", img("Colin_Powell", 3), extra=("--allow-duplicate",))
    assert r.returncode == 0 and out["templates"] == 1


def test_enroll_rejects_bad_images_with_reasons_and_keeps_the_good_ones(home, tmp_path):
    bad = tmp_path / "bad.jpg"
    bad.write_text("not an image")
    r, out = enroll(home, "Obama", str(EXAMPLES / "obama.jpg"), str(bad), str(EXAMPLES / "two_people.jpg"))
    assert r.returncode == 0, r.stderr
    assert out["templates"] == 1
    reasons = {x["image"]: x["reason"] for x in out["rejected"]}
    assert "not a readable image" in reasons[str(bad)]
    assert "2 faces" in reasons[str(EXAMPLES / "two_people.jpg")]


def test_delete_purges_templates_crops_and_index_entries(home):
    r, out = enroll(home, "Tony Blair", img("Tony_Blair", 1), img("Tony_Blair", 2))
    enroll(home, "Colin Powell", img("Colin_Powell", 1))
    pid = out["person_id"]
    with store_of(home) as s:
        tids = set(s.gallery_source.gallery_keys("sface_2021dec_int8bq")[0].tolist())
        assert len(s.templates.crops(pid)) == 2
    r = run_cli("people", "delete", str(pid), home=home)
    assert r.returncode == 0, r.stderr
    with store_of(home) as s:
        assert s.people.get(pid) is None and s.templates.crops(pid) == []
        assert s.audit.latest()[0].action == "delete"
    in_index, in_db = index_keys(home)
    assert in_index == in_db and len(in_db) == 1 and not (in_index & tids - in_db)
    r = run_cli("identify", img("Tony_Blair", 5), "--json", home=home)
    assert json.loads(r.stdout)["results"][0]["faces"][0]["person_id"] is None
    r = run_cli("people", "list", "--json", home=home)
    assert [p["name"] for p in json.loads(r.stdout)["people"]] == ["Colin Powell"]


def test_import_a_folder_lists_bad_images_and_never_aborts(home, tmp_path):
    root = tmp_path / "people"
    for name in ("Tony_Blair", "Ariel_Sharon"):
        (root / name).mkdir(parents=True)
        for n in (1, 2):
            shutil.copy(img(name, n), root / name)
    (root / "Ariel_Sharon" / "broken.jpg").write_bytes(b"\xff\xd8\xff\xe0 truncated")
    (root / "Nobody").mkdir()
    blank = np.full((200, 200, 3), 90, np.uint8)
    import cv2

    cv2.imwrite(str(root / "Nobody" / "wall.png"), blank)
    r = run_cli("import", str(root), "--json", home=home)
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["people"] == 2 and out["templates"] == 4
    reasons = {os.path.basename(x["image"]): x["reason"] for x in out["rejected"]}
    assert "truncated" in reasons["broken.jpg"] and "no face" in reasons["wall.png"]
    r = run_cli("import", str(root), "--json", home=home)  # again: nothing new
    assert json.loads(r.stdout)["templates"] == 0


def test_index_equals_database_after_kill_9_mid_enroll(home):
    script = textwrap.dedent(f"""
        import sys
        from kiosk.context import AppContext, Overrides
        ctx = AppContext(Overrides(home={str(home)!r}))
        names = sorted(p.name for p in __import__("pathlib").Path({str(LFW_ROOT)!r}).iterdir())[:400]
        for i, name in enumerate(names):
            shots, _ = ctx.enroller.shots_from_images([f"{LFW_ROOT!s}/{{name}}/{{name}}_0001.jpg"])
            if shots:
                ctx.people.enroll(name, shots, allow_duplicate=True)
            print(i, flush=True)
    """)
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    for seen, _line in enumerate(proc.stdout, 1):
        if seen >= 12:
            break
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    in_index, in_db = index_keys(home)
    assert len(in_db) >= 10
    assert in_index == in_db
