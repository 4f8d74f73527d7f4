"""The kiosk window end to end: real camera thread, real models, real database, offscreen Qt."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import cv2
import numpy as np
import pytest
from kiosk_helpers import enroll, make_context

from kiosk.camera.backoff import Backoff
from kiosk.camera.sources import ImageFolderSource, open_source
from kiosk.config import CameraConfig
from kiosk.ui.camera_thread import CameraThread
from kiosk.ui.window import KioskWindow

LIN = "lin-manuel-miranda.png"
ALEX = "alex-lacamoire.png"


def _run_clip(qtbot, tmp_path: Path, model_dir: Path, pipeline, video_dir: Path, portrait: str | None, name: str):
    from kiosk.ui.app import create_kiosk

    ctx = make_context(tmp_path / "home", model_dir, pipeline)
    session = ctx.open_session()
    pid = enroll(session.store, session.gallery, pipeline, video_dir / portrait, name) if portrait else None
    started = datetime.now().astimezone()
    source = open_source(str(video_dir / "short_hamilton_clip.mp4"), ctx.config.camera)
    window = create_kiosk(ctx, session, source, fullscreen=False, pace=True, at_end="stop")
    window.strangers_reported = []  # every stranger the recognizer reported, shown or not
    window.runner.result_ready.connect(lambda r: window.strangers_reported.extend(r.unknowns))
    qtbot.addWidget(window)
    window.resize(960, 640)
    window.show()
    window.start()
    # The clip plays in real time (9 s); recognition keeps up with the newest frame as best it can.
    qtbot.waitUntil(lambda: window.camera_state == "ended", timeout=90_000)
    qtbot.waitUntil(lambda: window.runner.pending == 0, timeout=10_000)
    qtbot.wait(300)  # the last result's signal reaches the UI thread
    window.shutdown()
    events = session.store.attendance.between(started - timedelta(minutes=1), datetime.now().astimezone()
                                          + timedelta(minutes=1))
    ctx.close()
    return window, pid, events


@pytest.mark.slow
def test_clip_checks_in_lin_exactly_once(qtbot, tmp_path, model_dir, pipeline, video_dir) -> None:
    window, pid, events = _run_clip(qtbot, tmp_path, model_dir, pipeline, video_dir, LIN, "Lin-Manuel")
    assert [(e.person_id, e.kind) for e in events] == [(pid, "checkin")]
    recorded = [g for g in window.greetings if g.recorded]
    assert [g.person_id for g in recorded] == [pid]
    assert any(kind == "welcome" and "Lin-Manuel" in text for kind, text in window.banner.history)
    assert window.view.frames_shown > 100  # the picture kept moving while recognition ran
    assert window.runner.max_pending <= 1


@pytest.mark.slow
def test_clip_with_only_alex_enrolled_checks_in_nobody(qtbot, tmp_path, model_dir, pipeline, video_dir) -> None:
    window, _pid, events = _run_clip(qtbot, tmp_path, model_dir, pipeline, video_dir, ALEX, "Alex")
    assert events == []
    assert [g for g in window.greetings if g.recorded] == []
    assert not any(kind == "welcome" for kind, _ in window.banner.history)
    # Lin facing the camera close up is told he is not recognised, once; the big profile and the audience
    # are not (before the stranger rule: 6 banners on this clip).
    assert [kind for kind, _ in window.banner.history] == ["unknown"]
    assert window.banner.nobody_enrolled is False


@pytest.mark.slow
def test_with_nobody_enrolled_the_kiosk_says_how_to_start(qtbot, tmp_path, model_dir, pipeline, video_dir) -> None:
    window, _pid, events = _run_clip(qtbot, tmp_path, model_dir, pipeline, video_dir, None, "")
    assert events == [] and not window.greetings
    assert window.banner.kind == "setup" and "Nobody is enrolled yet" in window.banner.plain_text
    assert "press and hold" in window.banner.plain_text and "people enrolled: 0" in window.status_text()
    # The recognizer did find a stranger at the kiosk (Lin close up), but nobody could have been
    # recognised: the setup hint stays instead of "Not recognised".
    assert window.strangers_reported
    assert window.banner.history.count(("unknown", "Not recognised — please see the front desk")) == 0


def test_the_setup_hint_follows_the_people_enrolled(qtbot, tmp_path, model_dir, pipeline, video_dir) -> None:
    from kiosk.people import PeopleService
    from kiosk.ui.runner import RecognitionRunner

    folder = tmp_path / "frames"
    folder.mkdir()
    for i in range(4):
        cv2.imwrite(str(folder / f"{i:03d}.png"), np.full((240, 320, 3), 40 + 10 * i, np.uint8))
    ctx = make_context(tmp_path / "home", model_dir, pipeline)
    session = ctx.open_session()
    window = KioskWindow(allow_close=True)
    runner = RecognitionRunner(session.recognizer, people_counter=session.people_enrolled, parent=window)
    camera = CameraThread(ImageFolderSource(str(folder), CameraConfig(fps=10)), pace=True, at_end="loop",
                          frame_sink=runner.submit, parent=window)
    window.attach(camera, runner)
    qtbot.addWidget(window)
    window.resize(960, 640)
    window.show()
    window.start()
    qtbot.waitUntil(lambda: window.banner.kind == "setup", timeout=10_000)
    assert "people enrolled: 0" in window.status_text()

    pid = enroll(session.store, session.gallery, pipeline, video_dir / LIN, "Lin-Manuel")
    runner.refresh_people()  # what closing the admin panel does: no waiting for the 30 s recount
    qtbot.waitUntil(lambda: window.banner.kind == "idle", timeout=3_000)
    assert window.banner.plain_text == "Please look at the camera to check in" and not window.banner.nobody_enrolled
    window.banner.show_unknown()  # a stranger gets the guidance again
    assert window.banner.kind == "unknown"

    PeopleService(session.store, lambda: session.gallery).deactivate(pid)  # the only person deactivated
    runner.refresh_people()
    qtbot.waitUntil(lambda: window.banner.nobody_enrolled, timeout=3_000)
    window.banner.show_unknown()
    assert window.banner.kind == "unknown"  # the guidance already on screen runs out as usual ...
    window.banner._timer.timeout.emit()
    assert window.banner.kind == "setup"  # ... then the setup hint is back
    window.banner.show_unknown()
    assert window.banner.kind == "setup"
    window.shutdown()
    ctx.close()


def test_status_shows_a_lost_camera_and_its_recovery(qtbot, tmp_path: Path) -> None:
    folder = tmp_path / "share"
    folder.mkdir()
    for i in range(8):
        cv2.imwrite(str(folder / f"{i:03d}.png"), np.full((120, 160, 3), 30 * i, np.uint8))
    source = ImageFolderSource(str(folder), CameraConfig(fps=20))
    window = KioskWindow(allow_close=True)
    camera = CameraThread(source, pace=True, at_end="loop", parent=window)
    window.attach(camera, None)
    qtbot.addWidget(window)
    window.show()
    window.start()
    qtbot.waitUntil(lambda: window.camera_state == "live" and window.view.frames_shown >= 3, timeout=10_000)
    assert "Camera live" in window.status.text()
    folder.rename(tmp_path / "away")  # the camera goes away mid-stream
    qtbot.waitUntil(lambda: window.camera_state == "lost", timeout=10_000)
    assert "unavailable" in window.status.text()
    assert "unavailable" in window.view._message
    shown = window.view.frames_shown
    (tmp_path / "away").rename(folder)  # and comes back
    qtbot.waitUntil(lambda: window.camera_state == "live" and window.view.frames_shown > shown + 2, timeout=15_000)
    assert "Camera live" in window.status.text() and window.view._message == ""
    window.shutdown()


def test_backoff_is_capped_near_five_seconds() -> None:
    b = Backoff()
    assert max(b.next() for _ in range(20)) == 5.0


def test_closing_is_guarded_when_not_allowed(qtbot) -> None:
    window = KioskWindow(allow_close=False)
    qtbot.addWidget(window)
    window.show()
    asked: list[bool] = []
    window.close_requested.connect(lambda: asked.append(True))
    assert window.request_close() is False
    window.close()
    assert asked == [True, True] and window.isVisible()
    window.set_close_allowed(True)
    assert window.request_close() is True
    assert not window.isVisible()


def test_a_live_camera_that_stops_delivering_is_shown_as_not_responding(qtbot) -> None:
    import time

    from kiosk.camera.loop import CameraStatus

    window = KioskWindow()
    qtbot.addWidget(window)
    window._on_camera_status(CameraStatus("live", "camera 0"))
    window.view.last_frame_at = time.monotonic() - 10  # the last picture came 10 s ago
    window._refresh_clock_and_status()
    assert window.camera_stalled and "not responding" in window.status.text()
    assert "not responding" in window.view._message
    window.view.last_frame_at = time.monotonic()
    window._refresh_clock_and_status()
    assert not window.camera_stalled and "Camera live" in window.status.text() and window.view._message == ""


def test_full_screen_window_covers_its_whole_screen(qtbot) -> None:
    from kiosk.ui.fullscreen import show_full_screen

    window = KioskWindow()
    qtbot.addWidget(window)
    show_full_screen(window)
    qtbot.waitExposed(window)
    screen = window.screen()
    assert screen.geometry().width() > 0
    assert window.isFullScreen()
    assert window.geometry() == screen.geometry()  # not the layout's preferred ~490x350


def test_full_screen_window_refits_when_its_screen_changes_size(qtbot, monkeypatch) -> None:
    """Qt's "screen geometry changed" signal refits a full-screen window (not a windowed one). The
    offscreen screen cannot change size: tests/test_real_x11.py resizes a real X screen with xrandr."""
    from kiosk.ui import fullscreen

    window = KioskWindow()
    qtbot.addWidget(window)
    fullscreen.show_full_screen(window)
    qtbot.waitExposed(window)
    screen = window.screen()
    fits: list[tuple[object, object]] = []
    monkeypatch.setattr(fullscreen, "fit_to_screen", lambda w, s: fits.append((w, s)))
    screen.geometryChanged.emit(screen.geometry())
    assert fits == [(window, screen)]
    window.showNormal()  # an admin left full screen: the size they choose stays
    qtbot.waitUntil(lambda: not window.isFullScreen())
    screen.geometryChanged.emit(screen.geometry())
    assert fits == [(window, screen)]


class _BrokenThenFixed:
    """A recognizer that fails on every frame until ``fixed`` (a model that cannot run, a lost database)."""

    def __init__(self) -> None:
        self.fixed = False
        self.calls = 0

    def process(self, image, index, video_time_s):  # type: ignore[no-untyped-def]
        from kiosk.attendance.recognizer import FrameResult

        self.calls += 1
        if not self.fixed:
            raise RuntimeError("onnxruntime: the model failed")
        return FrameResult(index, video_time_s, ())

    def reset(self) -> None:
        pass


def test_a_failing_recognition_is_shown_retried_with_backoff_and_cleared(qtbot, tmp_path: Path) -> None:
    from kiosk.attendance.background import BackgroundRecognizer
    from kiosk.ui.runner import RecognitionRunner

    folder = tmp_path / "frames"
    folder.mkdir()
    for i in range(4):
        cv2.imwrite(str(folder / f"{i:03d}.png"), np.full((120, 160, 3), 40 * i, np.uint8))
    window = KioskWindow(allow_close=True)
    recognizer = _BrokenThenFixed()
    runner = RecognitionRunner(recognizer, parent=window)  # type: ignore[arg-type]
    camera = CameraThread(ImageFolderSource(str(folder), CameraConfig(fps=20)), pace=True, at_end="loop",
                          frame_sink=runner.submit, parent=window)
    window.attach(camera, runner)
    qtbot.addWidget(window)
    window.show()
    window.start()
    try:
        qtbot.waitUntil(lambda: window.recognition_error is not None, timeout=10_000)
        assert window.view._message == "Recognition stopped — retrying"
        assert "Recognition stopped — retrying" in window.status.text()
        # Retried with growing waits, not on every one of the 20 frames a second.
        qtbot.wait(2000)
        assert 2 <= recognizer.calls <= 4, recognizer.calls
        assert [BackgroundRecognizer.backoff_s(n) for n in (1, 2, 3, 8, 50)] == [0.5, 1.0, 2.0, 30.0, 30.0]
        recognizer.fixed = True
        qtbot.waitUntil(lambda: window.recognition_error is None, timeout=15_000)
        assert window.view._message == "" and "Recognition stopped" not in window.status.text()
        assert runner.worker.failures == 0
    finally:
        window.shutdown()
