"""Starting the kiosk window: QApplication, translation, camera thread, recognition, full screen."""

from __future__ import annotations

import logging
import signal
import sys
from typing import TYPE_CHECKING, Literal

from kiosk.context import AppContext

if TYPE_CHECKING:
    from kiosk.attendance.session import KioskSession
    from kiosk.camera.sources import FrameSource
    from kiosk.ui.window import KioskWindow

log = logging.getLogger(__name__)


def create_kiosk(ctx: AppContext, session: KioskSession, frame_source: FrameSource, *, fullscreen: bool,
                 pace: bool = True, at_end: Literal["stop", "loop"] = "loop") -> KioskWindow:
    """The kiosk window wired to a camera thread on ``frame_source`` and recognition (not started).

    Frames go from the camera thread straight into the recognition mailbox (never through the UI thread).
    """
    from kiosk.ui.admin import AdminController
    from kiosk.ui.camera_thread import CameraThread
    from kiosk.ui.runner import RecognitionRunner
    from kiosk.ui.window import KioskWindow

    window = KioskWindow(ctx.config.ui.welcome_seconds, allow_close=not fullscreen)
    runner = RecognitionRunner(session.recognizer, people_counter=session.people_enrolled, parent=window,
                               changes=session.follower)
    camera = CameraThread(frame_source, pace=pace, at_end=at_end, frame_sink=runner.submit, parent=window)
    window.attach(camera, runner)
    gate = session.recognizer.liveness
    mode = gate.mode if gate is not None else "off"
    if mode != "off":  # said at start: a missing network file leaves the motion cue alone
        window.set_liveness(mode, ctx.antispoof.status.missing)
    if ctx.config.outputs:
        window.output_status = ctx.delivery.status  # read on the window's 1 s tick; sending is on its own threads
    window.admin = AdminController(ctx, window)  # long press / hot corner -> PIN -> admin panel; closing
    return window


def freeze_startup_heap() -> None:
    """Move everything built at startup out of the garbage collector's sight.

    The models, Qt bindings and database layer leave ~80k long-lived objects; a full collection over
    them takes 60-90 ms, which is a visible freeze whenever it happens to run. Frozen objects are never
    scanned again, so later collections only look at per-frame garbage (well under 1 ms).
    """
    import gc

    gc.collect()
    gc.freeze()


def run_window(ctx: AppContext, source: str | None, windowed: bool) -> int:
    """Open the kiosk on ``source`` (default: the config's camera) and run until it is closed."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from kiosk.camera.sources import open_source
    from kiosk.ui.fullscreen import show_full_screen
    from kiosk.ui.i18n import install_translator, pick_language, readable_language
    from kiosk.ui.reembed_screen import move_templates_first

    cfg = ctx.config
    frame_source = open_source(source or cfg.camera.source, cfg.camera)  # a bad --source fails before any window
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Face check-in kiosk")
    install_translator(app, readable_language(pick_language(cfg.ui.language)))
    fullscreen = cfg.ui.fullscreen and not windowed
    # Templates of another embedder (after a model update) move behind a progress screen, off the UI thread.
    if not move_templates_first(ctx, fullscreen):
        ctx.close()
        return 0
    session = ctx.open_session()
    window = create_kiosk(ctx, session, frame_source, fullscreen=fullscreen)

    # Ctrl+C / SIGTERM in a terminal end the kiosk cleanly: Python only sees signals between Qt events,
    # so a cheap timer lets it look.
    def _quit(*_: object) -> None:
        window.set_close_allowed(True)
        window.request_close()
        app.quit()

    signal.signal(signal.SIGINT, _quit)
    signal.signal(signal.SIGTERM, _quit)
    poll = QTimer(window)
    poll.timeout.connect(lambda: None)
    poll.start(250)

    if fullscreen:
        show_full_screen(window)  # the whole screen, also in a bare X session without a window manager
    else:
        window.resize(1280, 800)
        window.show()
    window.start()
    freeze_startup_heap()
    try:
        return int(app.exec())
    finally:
        window.shutdown()
        ctx.close()
