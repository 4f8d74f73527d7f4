"""People, attendance, export, photos, import and privacy screens on a real database, real gallery
and real models (offscreen Qt)."""

from __future__ import annotations

import json
import shutil
import sqlite3
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from admin_helpers import ALEX_PNG, BIDEN, LIN_PNG, OBAMA, TWO_PEOPLE, admin_context, enroll_photos
from conftest import run_cli
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QDialog

from kiosk.admin.retention import RETENTION_KEY, retention_cutoff
from kiosk.vision.image_io import read_image


def _people_page(qtbot, ctx):
    from kiosk.ui.admin.people import PeoplePage

    page = PeoplePage(ctx.people)
    qtbot.addWidget(page)
    page.resize(1000, 700)
    page.show()
    return page


def _templates_in_db(ctx, person_id: int) -> int:
    with sqlite3.connect(ctx.store.db.sqlite_path) as db:
        return db.execute("SELECT count(*) FROM face_templates WHERE person_id = ?", (person_id,)).fetchone()[0]


def test_delete_from_the_people_view_purges_templates_and_index(qtbot, tmp_path, pipeline) -> None:
    ctx = admin_context(tmp_path / "home", pipeline)
    lin = enroll_photos(ctx, "Lin-Manuel Miranda", LIN_PNG)
    obama = enroll_photos(ctx, "Barack Obama", *OBAMA)
    ctx.store.attendance.record(lin, "front", "checkin", datetime.now().astimezone(), 0.7)
    size = ctx.gallery.size
    page = _people_page(qtbot, ctx)
    assert [p.name for p in page.model.people] == ["Barack Obama", "Lin-Manuel Miranda"]
    index = page.model.index(1, 0)
    assert page.model.data(index, Qt.ItemDataRole.DecorationRole) is not None  # the face thumbnail
    assert page.select_person(lin)

    asked: list[str] = []
    page.confirm = lambda title, text, yes: asked.append(text) is None and False  # "Cancel"
    assert not page.delete_selected()
    assert ctx.store.people.get(lin) is not None

    page.confirm = lambda title, text, yes: asked.append(text) is None  # "Delete"
    assert page.delete_selected()
    assert "Lin-Manuel Miranda" in asked[-1]
    assert ctx.store.people.get(lin) is None
    assert ctx.store.templates.crops(lin) == [] and _templates_in_db(ctx, lin) == 0
    assert ctx.gallery.size == size - 1
    portrait = pipeline.largest_face(read_image(LIN_PNG))
    assert ctx.gallery.match(portrait.embedding).candidate_id != lin
    assert [p.name for p in page.model.people] == ["Barack Obama"]
    assert _templates_in_db(ctx, obama) == 2
    # Attendance keeps the name for payroll; the audit log says who deleted whom.
    events = ctx.store.attendance.between(datetime.now().astimezone() - timedelta(hours=1),
                                      datetime.now().astimezone() + timedelta(hours=1))
    assert [(e.person_id, e.name) for e in events] == [(None, "Lin-Manuel Miranda")]
    assert any(a.action == "delete" and "Lin-Manuel Miranda" in a.detail for a in ctx.store.audit.latest())
    ctx.close()
    # A restarted kiosk does not bring him back from the index file.
    again = admin_context(tmp_path / "home", pipeline)
    assert again.gallery.match(portrait.embedding).person_id is None
    again.close()


def test_deactivate_edit_and_reactivate(qtbot, tmp_path, pipeline) -> None:
    ctx = admin_context(tmp_path / "home", pipeline)
    lin = enroll_photos(ctx, "Lin-Manuel Miranda", LIN_PNG)
    portrait = pipeline.largest_face(read_image(LIN_PNG)).embedding
    page = _people_page(qtbot, ctx)
    page.select_person(lin)
    page.confirm = lambda *a: True
    page.toggle_active()
    assert not ctx.store.people.get(lin).active
    assert ctx.gallery.match(portrait).person_id is None  # no longer recognised ...
    assert ctx.store.templates.crops(lin)  # ... but the data is kept
    assert page.active_button.text() == "Activate"
    page.toggle_active()
    assert ctx.store.people.get(lin).active
    assert ctx.gallery.match(portrait).person_id == lin

    ctx.people.edit(lin, name="Lin-Manuel", external_id="E-7", group="Cast")
    assert ctx.gallery.match(portrait).name == "Lin-Manuel"  # greeted by the new name at once
    page.refresh()
    page.search.setText("cast")
    assert [p.id for p in page.model.people] == [lin]
    page.search.setText("nobody")
    assert page.model.people == []
    ctx.close()


def test_history_of_one_person(qtbot, tmp_path, pipeline) -> None:
    from kiosk.ui.admin.people import HistoryDialog

    ctx = admin_context(tmp_path / "home", pipeline)
    lin = enroll_photos(ctx, "Lin-Manuel Miranda", LIN_PNG)
    alex = enroll_photos(ctx, "Alex Lacamoire", ALEX_PNG)
    now = datetime.now().astimezone()
    ctx.store.attendance.record(lin, "front", "in", now - timedelta(days=2), 0.6)
    ctx.store.attendance.record(alex, "front", "in", now - timedelta(days=1), 0.6)
    ctx.store.attendance.record(lin, "front", "out", now - timedelta(hours=1), 0.6)
    dialog = HistoryDialog(ctx.people, ctx.store.people.get(lin))
    qtbot.addWidget(dialog)
    assert [e.kind for e in dialog.events] == ["out", "in"]  # newest first, only Lin
    assert dialog.table.rowCount() == 2 and dialog.table.item(0, 1).text() == "out"
    ctx.close()


def test_today_view_and_export_dialog_write_the_csv(qtbot, tmp_path, pipeline) -> None:
    from kiosk.ui.admin.attendance import ExportDialog, TodayPage

    ctx = admin_context(tmp_path / "home", pipeline)
    lin = enroll_photos(ctx, "Lin-Manuel Miranda", LIN_PNG)
    ctx.store.people.update(lin, group="Cast")
    obama = enroll_photos(ctx, "=Obama", *OBAMA)
    now = datetime.now().astimezone()
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    ctx.store.attendance.record(lin, "front", "in", midnight + (now - midnight) / 3, 0.61)
    ctx.store.attendance.record(obama, "front", "in", midnight + (now - midnight) / 2, 0.72)
    ctx.store.attendance.record(lin, "front", "out", now, 0.65)
    ctx.store.attendance.record(obama, "front", "in", midnight - timedelta(days=1), 0.7)  # yesterday

    today = TodayPage(ctx.attendance_ledger, ctx.people)
    qtbot.addWidget(today)
    assert len(today.events) == 3 and today.table.rowCount() == 3
    assert today.table.item(0, 1).text() == "Lin-Manuel Miranda" and today.table.item(0, 4).text() == "out"
    assert "3 event(s), 2 person(s)" in today.title.text()

    out = tmp_path / "payroll.csv"
    dialog = ExportDialog(ctx.attendance_ledger, ctx.people.groups(), default_dir=tmp_path)
    qtbot.addWidget(dialog)
    dialog.from_edit.setDate(QDate.currentDate().addDays(-1))
    dialog.to_edit.setDate(QDate.currentDate())
    dialog.raw_radio.setChecked(True)
    dialog.path_edit.setText(str(out))
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    assert dialog.rows_written == 4
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and b"\r\n" in data
    text = data.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("timestamp,person_id,external_id,name,group,kind")
    assert "'=Obama" in text  # formula neutralised for Excel
    assert "4 row(s)" in dialog.message.text()

    summary = tmp_path / "summary.csv"
    dialog.summary_radio.setChecked(True)
    dialog.group_combo.setCurrentIndex(dialog.group_combo.findText("Cast"))
    dialog.path_edit.setText(str(summary))
    assert dialog.export()
    lines = summary.read_text(encoding="utf-8-sig").splitlines()
    assert len(lines) == 2 and "Lin-Manuel Miranda" in lines[1]

    dialog.path_edit.setText(str(tmp_path / "no such folder" / "x.csv"))
    assert not dialog.export() and "does not exist" in dialog.message.text()
    assert sum(a.action == "export" for a in ctx.store.audit.latest()) == 2
    ctx.close()


def _people_folder(root: Path) -> Path:
    for name, files in (("Barack Obama", OBAMA), ("Joe Biden", [BIDEN]), ("Crowd", [TWO_PEOPLE]), ("Empty", [])):
        (root / name).mkdir(parents=True)
        for f in files:
            shutil.copy(f, root / name / f.name)
    return root


@pytest.mark.slow
def test_import_folder_in_the_gui_matches_kiosk_import(qtbot, tmp_path, pipeline) -> None:
    from kiosk.ui.admin.photos import ImportFolderDialog

    folder = _people_folder(tmp_path / "photos")
    ctx = admin_context(tmp_path / "home", pipeline)
    dialog = ImportFolderDialog(ctx.people, folder, actor="admin")
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.start_button.isEnabled()  # consent first
    dialog.consent_box.setChecked(True)
    dialog.group_edit.setCurrentText("Staff")
    qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.finished_import, timeout=120_000)
    gui = dialog.result_data
    assert (gui.people, gui.templates) == (2, 3)
    assert {Path(r.image).name for r in gui.rejected} == {"two_people.jpg", "Empty"}
    assert {p.name: p.group for p in ctx.store.people.list()} == {"Barack Obama": "Staff", "Joe Biden": "Staff"}
    assert all(p.consent_by == "admin" for p in ctx.store.people.list())
    assert dialog.skipped.count() == 2 and "2 people" in dialog.status.text()
    obama = pipeline.largest_face(read_image(OBAMA[0])).embedding
    assert ctx.gallery.match(obama).name == "Barack Obama"
    dialog.cancel_button.click()  # "Close"
    ctx.close()

    cli = run_cli("import", str(folder), "--group", "Staff", "--json", home=tmp_path / "cli-home")
    assert cli.returncode == 0, cli.stderr
    assert json.loads(cli.stdout) == gui.to_json()  # one code path: the same people, templates, skips


def test_import_folder_reports_progress_and_stops_when_cancelled(tmp_path, pipeline) -> None:
    folder = _people_folder(tmp_path / "photos")
    ctx = admin_context(tmp_path / "home", pipeline)
    seen = []
    result = ctx.people.import_folder(folder, on_progress=seen.append, cancelled=lambda: len(seen) >= 1)
    assert result.cancelled and (result.people, result.templates) == (1, 2)  # "Barack Obama" only
    assert [(p.done, p.total, p.current) for p in seen] == [(0, 4, "Barack Obama")]
    seen.clear()
    again = ctx.people.import_folder(folder, on_progress=seen.append)
    assert (again.people, again.templates) == (1, 1)  # Obama's photos are already stored; Biden is new
    assert seen[-1].done == seen[-1].total == 4
    ctx.close()


def test_enroll_one_person_from_photos(qtbot, tmp_path, pipeline) -> None:
    from kiosk.ui.admin.photos import PhotoEnrollDialog

    ctx = admin_context(tmp_path / "home", pipeline)
    bad = tmp_path / "not-a-photo.jpg"
    bad.write_bytes(b"nope")
    dialog = PhotoEnrollDialog(ctx.people, [*OBAMA, TWO_PEOPLE, bad])
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.analysed and len(dialog.shots) == 2, timeout=60_000)
    assert dialog.faces.count() == 2 and dialog.skipped.count() == 2
    dialog.name_edit.setText("Barack Obama")
    assert not dialog.save_button.isEnabled()
    dialog.consent_box.setChecked(True)
    assert dialog.save()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert ctx.store.people.get(dialog.person_id).templates == 2
    ctx.close()


def test_retention_keeps_whole_days(tmp_path, pipeline) -> None:
    ctx = admin_context(tmp_path / "home", pipeline)
    lin = enroll_photos(ctx, "Lin-Manuel Miranda", LIN_PNG)
    now = datetime.now().astimezone()
    cutoff = retention_cutoff(30, now)
    for ts in (cutoff - timedelta(days=3), cutoff - timedelta(seconds=1), cutoff, now):
        ctx.store.attendance.record(lin, "front", "in", ts, 0.6)
    assert ctx.privacy.apply_retention(0, now) == 0  # 0 keeps everything
    assert ctx.privacy.apply_retention(30, now) == 2
    left = ctx.store.attendance.between(cutoff - timedelta(days=10), now + timedelta(seconds=1))
    assert [e.ts for e in left] == [cutoff, now]
    assert cutoff.hour == 0 and cutoff.minute == 0 and (now.date() - cutoff.date()).days == 30
    assert ctx.privacy.apply_retention(30, now) == 0
    assert [a.action for a in ctx.store.audit.latest()].count("retention") == 1
    ctx.close()


def test_privacy_page_sets_retention_and_shows_the_audit_log(qtbot, tmp_path, pipeline) -> None:
    from kiosk.ui.admin.privacy import PrivacyPage

    ctx = admin_context(tmp_path / "home", pipeline, attendance={"retention_days": 90})
    lin = enroll_photos(ctx, "Lin-Manuel Miranda", LIN_PNG)
    now = datetime.now().astimezone()
    ctx.store.attendance.record(lin, "front", "in", now - timedelta(days=40), 0.6)
    ctx.store.attendance.record(lin, "front", "in", now, 0.6)
    page = PrivacyPage(ctx.privacy)  # the config's retention until the admin sets one
    qtbot.addWidget(page)
    assert page.days.value() == 90  # the config's value until the admin sets one
    page.days.setValue(30)
    assert page.apply() == 1
    assert ctx.store.settings.get(RETENTION_KEY) == "30"
    assert "Deleted now: 1 event(s)" in page.retention_message.text()
    actions = [page.table.item(r, 2).text() for r in range(page.table.rowCount())]
    assert actions[:2] == ["retention", "retention_changed"] and "enroll" in actions
    ctx.close()


def test_controller_applies_retention_at_startup(qtbot, tmp_path, pipeline) -> None:
    from PySide6.QtWidgets import QWidget

    from kiosk.ui.admin import AdminController

    ctx = admin_context(tmp_path / "home", pipeline, attendance={"retention_days": 7})
    lin = enroll_photos(ctx, "Lin-Manuel Miranda", LIN_PNG)
    now = datetime.now().astimezone()
    ctx.store.attendance.record(lin, "front", "in", now - timedelta(days=20), 0.6)
    ctx.store.attendance.record(lin, "front", "in", now, 0.6)
    window = QWidget()
    qtbot.addWidget(window)
    AdminController(ctx, window)
    assert len(ctx.store.attendance.between(now - timedelta(days=365), now + timedelta(days=1))) == 1
    ctx.close()
