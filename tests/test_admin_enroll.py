"""Guided camera enrollment on real video with the real models: the capture rules frame by frame, and
the enrollment dialog driven like an admin would (offscreen Qt, real SQLite, real gallery)."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from admin_helpers import ALEX_PNG, CLIP, LIN_PNG, TWO_PEOPLE, admin_context, answer_next_message_box, enroll_photos
from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QDialog

from kiosk.admin.capture import CaptureRules, Hint, ShotCollector
from kiosk.vision.image_io import read_image


def _clip_frames(step: int = 3):
    cap = cv2.VideoCapture(str(CLIP))
    fps = cap.get(cv2.CAP_PROP_FPS)
    i = 0
    while True:
        ok, frame = cap.read()
        if not ok:
            break
        if i % step == 0:
            yield i / fps, frame
        i += 1
    cap.release()


def test_collector_takes_varied_shots_of_lin_from_the_clip(pipeline) -> None:
    t = [0.0]
    rules = CaptureRules()
    c = ShotCollector(pipeline, 0.30, rules, clock=lambda: t[0])
    hints = []
    for ts, frame in _clip_frames():
        t[0] = ts
        hints.append(c.analyse(frame).hint)
    shots = c.shots
    assert rules.min_shots <= len(shots) <= rules.max_shots
    # The clip opens with two people, then a profile: the person is told so before any shot.
    assert Hint.MULTIPLE in hints and Hint.FACE_CAMERA in hints
    assert hints.index(Hint.SHOT) > hints.index(Hint.FACE_CAMERA)
    lin = pipeline.largest_face(read_image(LIN_PNG))
    alex = pipeline.largest_face(read_image(ALEX_PNG))
    for s in shots:
        assert float(s.face.embedding @ lin.embedding) > 0.30  # every shot is Lin ...
        assert float(s.face.embedding @ alex.embedding) < float(s.face.embedding @ lin.embedding)
        assert s.face.quality.size_px >= rules.min_face_px and abs(s.face.quality.yaw_deg) <= rules.max_yaw_deg
        assert cv2.imdecode(np.frombuffer(s.crop_jpeg, np.uint8), cv2.IMREAD_COLOR).shape == (256, 256, 3)
    # ... and no two shots are near copies of each other (different moments, angles or expressions).
    emb = np.stack([s.face.embedding for s in shots])
    sims = emb @ emb.T
    yaws = np.array([s.face.quality.yaw_deg for s in shots])
    for i in range(len(shots)):
        for j in range(i):
            assert sims[i, j] <= rules.max_similarity or abs(yaws[i] - yaws[j]) >= rules.min_yaw_step


def test_a_looping_clip_gives_no_repeated_or_profile_shots(pipeline) -> None:
    # A camera is never a loop, but a looping demo video (or a frozen camera) repeats frames exactly:
    # they must not fill the shots, and a profile never becomes one (the refined keypoints decide).
    t = [0.0]
    rules = CaptureRules(max_shots=8)
    c = ShotCollector(pipeline, 0.30, rules, clock=lambda: t[0])
    for loop in range(2):
        for ts, frame in _clip_frames(step=2):
            t[0] = loop * 10.0 + ts
            c.analyse(frame)
    lin = pipeline.largest_face(read_image(LIN_PNG))
    emb = np.stack([s.face.embedding for s in c.shots])
    sims = emb @ emb.T - 2 * np.eye(len(c.shots))
    assert len(c.shots) >= rules.min_shots and sims.max() <= rules.same_frame_similarity
    assert all(abs(s.face.quality.yaw_deg) <= rules.max_yaw_deg for s in c.shots)
    assert (emb @ lin.embedding).min() > 0.30


def _good_frame() -> np.ndarray:
    cap = cv2.VideoCapture(str(CLIP))
    cap.set(cv2.CAP_PROP_POS_FRAMES, 156)
    ok, frame = cap.read()
    cap.release()
    assert ok
    return frame


def test_hints_for_bad_frames(pipeline) -> None:
    c = ShotCollector(pipeline, 0.30)
    frame = _good_frame()
    assert c.analyse(np.zeros((360, 640, 3), np.uint8)).hint == Hint.NO_FACE
    assert c.analyse(read_image(TWO_PEOPLE)).hint == Hint.MULTIPLE
    small = cv2.resize(frame, None, fx=0.5, fy=0.5)
    assert c.analyse(small).hint == Hint.MOVE_CLOSER
    dark = (frame.astype(np.float32) * 0.25).astype(np.uint8)
    assert c.analyse(dark).hint == Hint.TOO_DARK
    blurred = cv2.GaussianBlur(frame, (0, 0), 6)
    assert c.analyse(blurred).hint in (Hint.HOLD_STILL, Hint.NO_FACE)
    c2 = ShotCollector(pipeline, 0.30)
    assert c2.analyse(frame).hint == Hint.SHOT
    assert c2.analyse(frame).hint == Hint.GOOD  # the same picture again is not a varied shot
    assert len(c2.shots) == 1


# ---------------------------------------------------------------------------------------------- dialog
def _open_dialog(qtbot, ctx, feed):
    from kiosk.ui.admin.enroll_dialog import EnrollDialog

    dialog = EnrollDialog(ctx.people, feed, ctx.threshold)
    qtbot.addWidget(dialog)
    dialog.resize(1100, 700)
    dialog.show()
    feed.start()
    return dialog


@pytest.fixture()
def clip_feed(qtbot):
    from kiosk.ui.admin.frames import VideoFileFeed

    feed = VideoFileFeed(CLIP, loop=True)
    yield feed
    feed.stop()


@pytest.mark.slow
def test_enroll_lin_from_the_clip_then_identify_his_portrait(qtbot, tmp_path, pipeline, clip_feed) -> None:
    ctx = admin_context(tmp_path / "home", pipeline)
    size_before = ctx.gallery.size
    dialog = _open_dialog(qtbot, ctx, clip_feed)
    qtbot.waitUntil(lambda: len(dialog.shots) >= 3, timeout=180_000)
    assert all(b.icon().isNull() is False for b in dialog.thumbs[:len(dialog.shots)])  # thumbnails shown
    # Enough shots: the line under them says what Save still waits for.
    assert "Type the name" in dialog.progress_label.text() and not dialog.save_button.isEnabled()
    qtbot.keyClicks(dialog.name_edit, "Lin-Manuel Miranda")
    dialog.external_edit.setText("E-1001")
    dialog.group_edit.setCurrentText("Cast")
    assert not dialog.save_button.isEnabled()  # consent first
    assert "Tick the consent box" in dialog.progress_label.text()
    dialog.consent_box.click()
    assert dialog.save_button.isEnabled() and "You can save now" in dialog.progress_label.text()
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.worker is None  # the analysis thread is gone

    pid = dialog.person_id
    person = ctx.store.people.get(pid)
    assert person.name == "Lin-Manuel Miranda" and person.external_id == "E-1001" and person.group == "Cast"
    assert 3 <= person.templates <= 5 and person.consent_by == "admin" and person.consent_at is not None
    assert ctx.gallery.size == size_before + person.templates
    portrait = pipeline.largest_face(read_image(LIN_PNG))
    m = ctx.gallery.match(portrait.embedding)
    assert m.person_id == pid and m.name == "Lin-Manuel Miranda"
    assert ctx.gallery.match(pipeline.largest_face(read_image(ALEX_PNG)).embedding).person_id is None
    assert any(a.action == "enroll" and "consent recorded by admin" in a.detail for a in ctx.store.audit.latest())
    ctx.close()

    # From the database alone (a restarted kiosk): he is still there.
    again = admin_context(tmp_path / "home", pipeline)
    assert again.gallery.match(portrait.embedding).person_id == pid
    again.close()


@pytest.mark.slow
def test_cancel_leaves_nothing_behind(qtbot, tmp_path, pipeline, clip_feed) -> None:
    ctx = admin_context(tmp_path / "home", pipeline)
    enroll_photos(ctx, "Alex Lacamoire", ALEX_PNG)
    people, size, audit = ctx.store.people.count(), ctx.gallery.size, len(ctx.store.audit.latest())
    dialog = _open_dialog(qtbot, ctx, clip_feed)
    qtbot.waitUntil(lambda: len(dialog.shots) >= 1, timeout=180_000)
    dialog.name_edit.setText("Lin-Manuel Miranda")
    dialog.consent_box.setChecked(True)
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == QDialog.DialogCode.Rejected and dialog.worker is None
    assert ctx.store.people.count(active_only=False) == people
    assert ctx.gallery.size == size
    assert len(ctx.store.audit.latest()) == audit
    assert ctx.gallery.match(pipeline.largest_face(read_image(LIN_PNG)).embedding).person_id is None
    ctx.close()


@pytest.mark.slow
def test_enrolling_lin_again_warns_about_the_duplicate(qtbot, tmp_path, pipeline, clip_feed) -> None:
    ctx = admin_context(tmp_path / "home", pipeline)
    lin = enroll_photos(ctx, "Lin-Manuel Miranda", LIN_PNG)
    dialog = _open_dialog(qtbot, ctx, clip_feed)
    qtbot.waitUntil(lambda: len(dialog.shots) >= 3, timeout=180_000)
    dialog.name_edit.setText("Lin Again")
    dialog.consent_box.setChecked(True)

    seen: list[str] = []
    answer_next_message_box("Go back", seen)
    dialog.save_button.click()  # the box runs its own loop; the poller answers it
    assert len(seen) == 1 and "Lin-Manuel Miranda" in seen[0] and "Enroll anyway?" in seen[0]
    assert dialog.isVisible() and dialog.person_id is None
    assert ctx.store.people.count() == 1

    answer_next_message_box("Enroll anyway", seen)
    dialog.save_button.click()
    assert len(seen) == 2
    assert dialog.person_id is not None and dialog.person_id != lin
    assert ctx.store.people.count() == 2
    ctx.close()


class ArrayEmitter(QObject):
    """A provider whose signal carries the frame itself (numpy BGR)."""

    frame = Signal(object)


def test_a_signal_carrying_frames_feeds_the_dialog(qtbot, tmp_path, pipeline) -> None:
    from kiosk.ui.admin.enroll_dialog import EnrollDialog

    ctx = admin_context(tmp_path / "home", pipeline)
    emitter = ArrayEmitter()
    dialog = EnrollDialog(ctx.people, emitter.frame, ctx.threshold)
    qtbot.addWidget(dialog)
    dialog.show()
    frame = _good_frame()
    emitter.frame.emit(frame)
    qtbot.waitUntil(lambda: len(dialog.shots) == 1, timeout=60_000)
    assert dialog.preview.frames_shown == 1 and dialog.hint in (Hint.SHOT, Hint.GOOD)
    dialog.restart()
    qtbot.waitUntil(lambda: len(dialog.shots) == 0, timeout=60_000)
    dialog.reject()
    assert ctx.store.people.count(active_only=False) == 0
    ctx.close()


@pytest.mark.slow
def test_the_preview_draws_each_box_on_the_frame_it_was_found_on(qtbot, tmp_path, pipeline) -> None:
    # Lin's close-up moves: the box of one frame overlaps the next frame's face by IoU 0.87 (median), so a
    # box drawn over a newer picture than it was found on is caught below. Frames arrive at 30 fps.
    from PySide6.QtCore import QEvent, QTimer

    from kiosk.ui.admin.enroll_dialog import EnrollDialog
    from kiosk.vision.boxes import iou_matrix

    # Lin's close-up twice over: however slowly a loaded machine analyses, the shots get taken and frames
    # keep coming after the last one (the assertions at the end need both).
    close_up = [f for _, f in _clip_frames(step=1)][82:202]
    frames = close_up + [f.copy() for f in close_up]
    ctx = admin_context(tmp_path / "home", pipeline)
    emitter = ArrayEmitter()
    dialog = EnrollDialog(ctx.people, emitter.frame, ctx.threshold)
    qtbot.addWidget(dialog)
    dialog.resize(1100, 700)
    dialog.show()
    painted: list[tuple[int, object, tuple | None, tuple, int]] = []  # (frame id, image, box, others, shots)

    class PaintSpy(QObject):
        def eventFilter(self, obj, event) -> bool:
            p = dialog.preview
            if event.type() == QEvent.Type.Paint and p.frame is not None:
                painted.append((p.frame_id, p.frame, p.box, p.others, len(dialog.shots)))
            return False

    spy = PaintSpy()
    dialog.preview.installEventFilter(spy)
    sent = iter(frames)
    timer = QTimer()
    timer.timeout.connect(lambda: (f := next(sent, None)) is not None and emitter.frame.emit(f))
    timer.start(33)

    def rested_frames() -> set[int]:
        return {i for i, _, box, _, shots in painted if shots == dialog.rules.max_shots and box is None}

    qtbot.waitUntil(lambda: len(rested_frames()) >= 10 or dialog.preview.frame_id == len(frames), timeout=180_000)
    timer.stop()
    dialog.reject()

    assert len({i for i, _, box, *_ in painted if box is not None}) >= 20
    detections: dict[int, np.ndarray] = {}
    for i, img, box, others, _ in painted:
        assert img is frames[i - 1]  # the picture painted is frame i (the dialog numbers frames from 1)
        if box is None:
            continue
        if i not in detections:
            detections[i] = np.array([d.box for d in pipeline.detect(frames[i - 1])], np.float32).reshape(-1, 4)
        drawn = np.array([box, *others], np.float32)
        # every box drawn is a face found on this very picture, not on an earlier one
        assert (iou_matrix(drawn, detections[i]).max(axis=1) >= 0.99).all(), f"frame {i}: a box from another frame"
    # Once every shot is taken the analysis rests, but the picture keeps moving (without boxes).
    after_done = rested_frames()
    assert len(after_done) >= 10 and max(after_done) == max(i for i, *_ in painted)
    ctx.close()
