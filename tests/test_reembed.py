"""Moving templates to a new embedder (kiosk.reembed): real models, real LFW faces, real SQLite files,
the `kiosk` command in subprocesses, SIGKILL in the middle of a move, and the window's progress screen.

Packs are chosen by :func:`two_packs` (two packs here with different embedders), never by name: the
pack names are about to change.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import cv2
import numpy as np
import pytest
from conftest import EXAMPLES, LFW_ROOT, MODELS, run_cli

from kiosk.config import Config
from kiosk.context import AppContext, Overrides
from kiosk.modelzoo.locate import ModelLocator, default_model_dirs
from kiosk.modelzoo.manifest import load_manifest
from kiosk.reembed import NO_ALIGNMENT, NO_CROP, UNREADABLE, count_to_move, reembed_templates
from kiosk.store import Store, TemplateIn
from kiosk.store.sealing import crop_ad

PEOPLE = ["Colin_Powell", "Tony_Blair", "Donald_Rumsfeld", "Gerhard_Schroeder", "Ariel_Sharon", "Hugo_Chavez"]


def two_packs() -> tuple[str, str]:
    """(enroll with, move to): two packs whose models are here, with different embedders.

    The kiosk's default pack is one of them when it is usable; its partner is the first other pack
    (by name) with another embedder. Names are looked up, never assumed.
    """
    manifest = load_manifest()
    locator = ModelLocator(default_model_dirs(MODELS))

    def usable(name: str) -> bool:
        pack = manifest.packs[name]
        return all(locator.status(manifest.get(m)).status in ("ok", "unpinned", "convertible")
                   for m in (pack.detector, pack.embedder))

    names = [n for n in sorted(manifest.packs) if usable(n)]
    default = Config().models.pack
    first = default if default in names else names[0]
    others = [n for n in names if manifest.packs[n].embedder != manifest.packs[first].embedder]
    if not others:
        pytest.fail(f"two packs with different embedders are needed; usable here: {names}")
    return first, others[0]


OLD_PACK, NEW_PACK = two_packs()
OLD_MODEL = load_manifest().packs[OLD_PACK].embedder
NEW_MODEL = load_manifest().packs[NEW_PACK].embedder


def img(name: str, n: int) -> str:
    return str(LFW_ROOT / name / f"{name}_{n:04d}.jpg")


@pytest.fixture(scope="session")
def old_db(tmp_path_factory) -> Path:
    """A kiosk database of PEOPLE (two LFW photos each) enrolled with OLD_PACK, built once per session."""
    home = tmp_path_factory.mktemp("old-pack-home")
    ctx = AppContext(Overrides(home=str(home), pack=OLD_PACK, model_dir=str(MODELS)))
    try:
        for name in PEOPLE:
            shots, rejected = ctx.enroller.shots_from_images([img(name, 1), img(name, 2)])
            assert len(shots) == 2, rejected
            ctx.people.enroll(name, shots, allow_duplicate=True, consent_by="test")
    finally:
        ctx.close()
    return home / "kiosk.sqlite3"


def home_with(old_db: Path, tmp_path: Path) -> Path:
    home = tmp_path / "home"
    home.mkdir()
    shutil.copy(old_db, home / "kiosk.sqlite3")
    return home


def sealed_crop(home: Path, person_id: int, jpeg: bytes) -> bytes:
    """A crop as the store writes it: sealed with the data key for that person's rows."""
    with Store.open(f"sqlite:///{home / 'kiosk.sqlite3'}") as s:
        return s.db.cipher.seal(jpeg, crop_ad(person_id))


def rows(home: Path) -> list[tuple[int, int, str, str]]:
    """(template id, person id, model id, what it is) of every template, straight from the file; "what it
    is" is the sha256 of the crop and the enrollment time, which a move must keep."""
    with sqlite3.connect(home / "kiosk.sqlite3") as c:
        q = "SELECT id, person_id, model_id, crop, created_at FROM face_templates ORDER BY id"
        return [(i, p, m, (hashlib.sha256(crop).hexdigest() if crop else "") + f"@{created}")
                for i, p, m, crop, created in c.execute(q)]


def count_model(db: Path, model: str) -> int:
    with sqlite3.connect(db, timeout=5) as c:
        return int(c.execute("SELECT COUNT(*) FROM face_templates WHERE model_id = ?", (model,)).fetchone()[0])


def gallery_and_db(home: Path, pack: str) -> tuple[list[int], list[int]]:
    """(template ids of a freshly opened gallery of ``pack``, the database's gallery template ids)."""
    ctx = AppContext(Overrides(home=str(home), pack=pack, model_dir=str(MODELS)))
    try:
        gallery = ctx.gallery
        stored, _ = ctx.store.gallery_source.gallery_keys(gallery.model_id)
        return sorted(gallery.template_ids().tolist()), sorted(stored.tolist())
    finally:
        ctx.close()


def identify(home: Path, pack: str, probes: list[str]) -> tuple[list[str | None], str]:
    r = run_cli("--pack", pack, "identify", *probes, "--json", home=home)
    assert r.returncode == 0, r.stderr
    found = []
    for res in json.loads(r.stdout)["results"]:
        face = max(res["faces"], key=lambda f: f["box"][2] - f["box"][0])
        found.append(face["name"])
    return found, r.stderr


def test_another_pack_moves_every_template_at_startup_and_identify_still_finds_them(old_db, tmp_path):
    home = home_with(old_db, tmp_path)
    before = rows(home)
    assert {m for _, _, m, _ in before} == {OLD_MODEL} and len(before) == 2 * len(PEOPLE)
    in_gallery, in_db = gallery_and_db(home, OLD_PACK)
    assert in_gallery == in_db == sorted(i for i, *_ in before)
    # The old pack's index exists until the move retires it (it holds biometric vectors).
    old_index = list((home / "cache").glob(f"gallery-{OLD_MODEL}-*"))
    probes = [img(n, 3) for n in PEOPLE]
    found, stderr = identify(home, NEW_PACK, probes)  # a command that opens the gallery: moves first
    assert found == PEOPLE
    assert f"moved {len(before)} face template(s) of {len(PEOPLE)} people" in stderr
    after = rows(home)
    assert {m for _, _, m, _ in after} == {NEW_MODEL}
    # Same people, same crops (byte for byte) and enrollment times, in new rows with fresh ids.
    assert sorted((p, h) for _, p, _, h in after) == sorted((p, h) for _, p, _, h in before)
    assert min(i for i, *_ in after) > max(i for i, *_ in before)
    with Store.open(f"sqlite:///{home / 'kiosk.sqlite3'}") as s:
        audit = s.audit.latest()[0]
        assert audit.action == "reembed" and f"{len(before)} template(s)" in audit.detail
    assert old_index and not any(p.exists() for p in old_index)
    in_gallery, in_db = gallery_and_db(home, NEW_PACK)
    assert in_gallery == in_db == sorted(i for i, *_ in after)
    # Nothing left: the command reports so (its JSON as before, plus who was not moved).
    r = run_cli("--pack", NEW_PACK, "reembed", "--json", home=home)
    out = json.loads(r.stdout)
    assert r.returncode == 0 and out["model"] == NEW_MODEL and out["reembedded"] == 0
    assert out["failed"] == [] and out["not_moved"] == []
    # And back: the same crops serve the first embedder again.
    found, _ = identify(home, OLD_PACK, probes)
    assert found == PEOPLE
    assert {m for _, _, m, _ in rows(home)} == {OLD_MODEL}


def test_templates_without_a_usable_crop_are_listed_and_kept(old_db, tmp_path):
    home = home_with(old_db, tmp_path)
    db = home / "kiosk.sqlite3"
    before = rows(home)
    by_person: dict[int, list[int]] = {}
    for tid, pid, _, _ in before:
        by_person.setdefault(pid, []).append(tid)
    pids = sorted(by_person)
    gone, truncated, no_face = by_person[pids[0]], by_person[pids[1]][0], by_person[pids[2]][0]
    blank = cv2.imencode(".jpg", np.full((200, 180, 3), 128, np.uint8))[1].tobytes()
    # Sealed before the raw connection below starts writing: opening the store takes the write lock.
    blank_sealed = sealed_crop(home, pids[2], blank)
    with sqlite3.connect(db) as c:
        c.execute(f"UPDATE face_templates SET crop = NULL WHERE id IN ({gone[0]}, {gone[1]})")
        c.execute("UPDATE face_templates SET crop = substr(crop, 1, 3000) WHERE id = ?", (truncated,))
        c.execute("UPDATE face_templates SET crop = ? WHERE id = ?", (blank_sealed, no_face))
    r = run_cli("--pack", NEW_PACK, "reembed", "--json", home=home)
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["reembedded"] == len(before) - 4
    reasons = {f["template_id"]: f["reason"] for f in out["failed"]}
    assert reasons == {gone[0]: NO_CROP, gone[1]: NO_CROP, truncated: UNREADABLE, no_face: NO_ALIGNMENT}
    people = {p["person_id"]: p for p in out["not_moved"]}
    assert set(people) == set(pids[:3])
    assert people[pids[0]]["recognised"] is False and sorted(people[pids[0]]["templates"]) == gone
    assert people[pids[1]]["recognised"] is True and people[pids[2]]["recognised"] is True
    # Kept, untouched, with the old model: nothing dropped.
    after = {t[0]: t for t in rows(home)}
    for tid in [*gone, truncated, no_face]:
        assert after[tid][2] == OLD_MODEL
    assert len(after) == len(before)
    # Later starts report them without trying again; doctor lists them; `kiosk reembed` tries again.
    with Store.open(f"sqlite:///{db}") as s:
        assert count_to_move(s, NEW_MODEL) == 0
    found, stderr = identify(home, NEW_PACK, [img(PEOPLE[1], 3)])
    assert found == [PEOPLE[1]] and "3 people have face templates that could not be moved" in stderr
    r = run_cli("--pack", NEW_PACK, "doctor", "--json", "--skip", "cameras", "--skip", "window", home=home)
    gallery_check = {c["name"]: c for c in json.loads(r.stdout)["checks"]}["gallery"]
    assert gallery_check["status"] == "warn" and PEOPLE[0] in gallery_check["detail"]
    assert {p["person_id"] for p in gallery_check["data"]["not_moved"]} == set(pids[:3])
    r = run_cli("--pack", NEW_PACK, "reembed", home=home)
    assert "re-embedded 0 template(s)" in r.stdout and "4 failed" in r.stdout
    assert f"{PEOPLE[0]} (person {pids[0]}): 2 template(s) not moved" in r.stdout
    assert "NOT recognised until re-enrolled" in r.stdout


def test_a_crop_of_another_size_is_aligned_by_the_detector(old_db, tmp_path):
    """A crop that is not the canonical 256 px one (an older format, a whole photo) is searched for
    its face with the active detector; the resulting template finds the person."""
    home = home_with(old_db, tmp_path)
    db = home / "kiosk.sqlite3"
    tid = rows(home)[0][0]
    photo = (EXAMPLES / "obama.jpg").read_bytes()
    with sqlite3.connect(db) as c:
        pid = c.execute("SELECT person_id FROM face_templates WHERE id = ?", (tid,)).fetchone()[0]
    with sqlite3.connect(db) as c:
        c.execute("UPDATE face_templates SET crop = ? WHERE id = ?", (sealed_crop(home, pid, photo), tid))
        c.execute("DELETE FROM face_templates WHERE person_id = ? AND id != ?", (pid, tid))
    ctx = AppContext(Overrides(home=str(home), pack=NEW_PACK, model_dir=str(MODELS)))
    try:
        result = ctx.move_templates()
        assert result.failed == () and result.moved == len(rows(home))
        face = ctx.pipeline.largest_face(cv2.imread(str(EXAMPLES / "obama2.jpg")))
        assert ctx.gallery.match(face.embedding).person_id == pid
    finally:
        ctx.close()


def _many_templates(old_db: Path, home: Path, copies: int) -> int:
    """Fill ``home``'s database with ``copies`` people per enrolled person, each with that person's real
    templates (embedding and crop); returns the number of templates."""
    url = f"sqlite:///{home / 'kiosk.sqlite3'}"
    with Store.open(url) as s:
        src = []
        for p in s.people.list():
            ids, pids = s.gallery_source.gallery_keys(OLD_MODEL)
            mine = ids[pids == p.id]
            vectors = s.gallery_source.gallery_vectors(OLD_MODEL, mine)
            crops = s.templates.crops_by_id(mine.tolist())
            src.append((p.name, [TemplateIn(v, OLD_MODEL, None, f"copy-{t}", crops[int(t)])
                                 for t, v in zip(mine, vectors, strict=True)]))
        for k in range(copies):
            for name, templates in src:
                s.people.enroll(f"{name} #{k}", templates)
        return sum(s.templates.count_by_model().values())


def test_kill_9_in_the_middle_of_a_move_then_the_next_start_finishes_it(old_db, tmp_path):
    home = home_with(old_db, tmp_path)
    db = home / "kiosk.sqlite3"
    total = _many_templates(old_db, home, copies=40)
    assert total >= 400
    before = rows(home)
    env = dict(os.environ, KIOSK_HOME=str(home))
    proc = subprocess.Popen([sys.executable, "-m", "kiosk", "--pack", NEW_PACK, "reembed", "--json"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 300
    moved = 0
    try:
        while time.monotonic() < deadline and proc.poll() is None:
            moved = count_model(db, NEW_MODEL)
            if moved >= 64:  # at least two batches committed
                break
            time.sleep(0.02)
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    assert proc.returncode == -signal.SIGKILL, "the move ended before it could be killed: use more templates"
    assert 64 <= moved < total
    # Killed mid-way: every template is there exactly once (old or new), every person has all of theirs.
    mid = rows(home)
    assert sorted((p, h) for _, p, _, h in mid) == sorted((p, h) for _, p, _, h in before)
    per_person: dict[int, set[str]] = {}
    for _, pid, model, _ in mid:
        per_person.setdefault(pid, set()).add(model)
    assert all(len(models) == 1 for models in per_person.values())  # whole people per transaction
    assert {m for _, _, m, _ in mid} == {OLD_MODEL, NEW_MODEL}
    # The next start (a command that opens the gallery) finishes the job.
    _, stderr = identify(home, NEW_PACK, [img(PEOPLE[0], 3)])
    moved_now = int(stderr.split("moved ")[1].split(" ")[0])
    after = rows(home)
    assert moved_now == total - len([1 for _, _, m, _ in mid if m == NEW_MODEL])
    assert {m for _, _, m, _ in after} == {NEW_MODEL} and len(after) == total
    assert sorted((p, h) for _, p, _, h in after) == sorted((p, h) for _, p, _, h in before)
    in_gallery, in_db = gallery_and_db(home, NEW_PACK)
    assert in_gallery == in_db == sorted(i for i, *_ in after)


@pytest.mark.postgres
def test_two_kiosks_moving_one_postgres_database_at_once_move_each_template_once(old_db, tmp_path):
    from kiosk_helpers import fresh_postgres

    url = fresh_postgres()
    with Store.open(f"sqlite:///{old_db}") as src, Store.open(url) as dst:
        ids, pids = src.gallery_source.gallery_keys(OLD_MODEL)
        vectors = src.gallery_source.gallery_vectors(OLD_MODEL, ids)
        crops = src.templates.crops_by_id(ids.tolist())
        for k in range(30):
            for p in src.people.list():
                mine = np.flatnonzero(pids == p.id)
                dst.people.enroll(f"{p.name} #{k}", [TemplateIn(vectors[i], OLD_MODEL, None, "", crops[int(ids[i])])
                                                     for i in mine])
        total = sum(dst.templates.count_by_model().values())
    procs = [subprocess.Popen([sys.executable, "-m", "kiosk", "--pack", NEW_PACK, "--database-url", url,
                               "reembed", "--json"], env=dict(os.environ, KIOSK_HOME=str(tmp_path / f"k{i}")),
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for i in range(2)]
    outs = [json.loads(p.communicate(timeout=600)[0]) for p in procs]
    assert sum(o["reembedded"] for o in outs) == total and all(o["failed"] == [] for o in outs)
    with Store.open(url) as s:
        assert s.templates.count_by_model() == {NEW_MODEL: total}


def test_progress_screen_runs_the_move_off_the_ui_thread_and_lists_who_was_not_moved(qtbot, old_db, tmp_path):
    from PySide6.QtCore import QTimer

    from kiosk.ui.reembed_screen import ReembedScreen, move_templates_first

    home = home_with(old_db, tmp_path)
    first = rows(home)[0]
    with sqlite3.connect(home / "kiosk.sqlite3") as c:
        c.execute("UPDATE face_templates SET crop = NULL WHERE id = ?", (first[0],))
    ctx = AppContext(Overrides(home=str(home), pack=NEW_PACK, model_dir=str(MODELS)))
    try:
        total = ctx.templates_to_move()
        assert total == len(PEOPLE) * 2
        pipeline = ctx.pipeline  # loaded here so the move itself is what the screen waits for
        titles: list[str] = []
        ticks: list[float] = []
        ui_ran: list[bool] = []

        def work(report, cancelled):
            def report_then_wait_for_the_ui(progress):
                # After each batch the worker waits for the UI timer to tick. Had the move run on the
                # UI thread, no tick could come and every wait would end at its deadline.
                report(progress)
                seen = len(ticks)
                deadline = time.monotonic() + 5
                while len(ticks) == seen and time.monotonic() < deadline:
                    time.sleep(0.002)
                ui_ran.append(len(ticks) > seen)

            return reembed_templates(ctx.store, pipeline, on_progress=report_then_wait_for_the_ui,
                                     cancelled=cancelled, batch=2)

        screen = ReembedScreen(work, total, auto_continue_s=60)
        qtbot.addWidget(screen)
        assert screen.title.text() == f"Updating face templates for the new recognition model: 0 / {total}"
        timer = QTimer(screen)
        timer.setInterval(10)
        timer.timeout.connect(lambda: (ticks.append(time.monotonic()), titles.append(screen.title.text())))
        screen.show()
        timer.start()
        screen.start()
        qtbot.waitUntil(lambda: screen.result is not None, timeout=120_000)
        timer.stop()
        # The UI thread kept running while the worker re-embedded: it ticked after every batch, and
        # never went long without a tick.
        assert len(ui_ran) > 2 and all(ui_ran), ui_ran
        gaps = np.diff(ticks)
        assert gaps.max() < 0.5, gaps.max()
        assert any(f"/ {total}" in t and not t.endswith(f" 0 / {total}") and not t.endswith(f"{total} / {total}")
                   for t in titles), "an intermediate count was shown"
        result = screen.result
        assert result.moved == total - 1 and [p.person_id for p in result.people_not_moved] == [first[1]]
        # The person left behind is on the screen, with Continue and its countdown.
        assert screen.people.isVisible() and screen.people.count() == 1
        assert PEOPLE[0] in screen.people.item(0).text() and "still recognised" in screen.people.item(0).text()
        assert screen.continue_button.isVisible() and "60 s" in screen.continue_button.text()
        with qtbot.waitSignal(screen.finished, timeout=2000):
            screen.continue_button.click()
        # Nothing left to move: the kiosk opens without showing the screen at all.
        assert ctx.templates_to_move() == 0
        assert move_templates_first(ctx, fullscreen=False) is True
    finally:
        ctx.close()
