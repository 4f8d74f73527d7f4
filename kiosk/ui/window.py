"""The kiosk window: live picture with overlays, welcome banner, status line; full screen by default."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from kiosk.attendance.recognizer import FrameResult, Greeting
from kiosk.camera.loop import CameraStatus
from kiosk.ui.banner import Banner
from kiosk.ui.camera_thread import CameraThread
from kiosk.ui.runner import RecognitionRunner
from kiosk.ui.video_view import VideoView

# A live camera that delivered nothing for this long is shown as not responding (a driver can block a
# read for many seconds before it reports an error, and the screen must not look frozen meanwhile).
STALL_S = 3.0


class KioskWindow(QWidget):
    """The touchscreen window.

    Closing: ``allow_close`` (default True when windowed) lets the window close normally. When it is
    False (the full-screen kiosk), a close attempt emits ``close_requested`` instead — the admin PIN
    dialog (issue 5) connects to it, checks the PIN, then calls ``set_close_allowed(True)`` and
    ``request_close()``.
    """

    close_requested = Signal()
    greeted = Signal(object)  # Greeting
    unknown_seen = Signal()
    spoof_seen = Signal(object)  # SpoofFace: a presentation attack, no check-in

    def __init__(self, welcome_seconds: float = 3.0, allow_close: bool = True, title: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title or self.tr("Face check-in"))
        self.setObjectName("KioskWindow")
        self.setStyleSheet("#KioskWindow { background: #0b0d10; } QLabel { color: #e5e9f0; }")
        self._allow_close = allow_close
        self._closing = False
        self.camera: CameraThread | None = None
        self.runner: RecognitionRunner | None = None
        self.greetings: deque[Greeting] = deque(maxlen=200)  # the latest greetings (bounded)
        self.camera_state = "connecting"
        self.camera_stalled = False
        self._camera_status: CameraStatus | None = None
        # The delivery worker's per-target status (kiosk.outputs.DeliveryWorker.status): a failing output is
        # shown on the status line; check-ins go on regardless. None: no outputs configured.
        self.output_status: Callable[[], Sequence[Any]] | None = None
        self._people: int | None = None
        self._liveness_note = ""
        self._results = 0
        self._rec_t0 = time.monotonic()
        self._rec_n = 0
        self.recognition_fps = 0.0
        self.recognition_error: str | None = None  # the last error while recognition is failing, else None

        self.title = QLabel(self.tr("Face check-in"))
        self.clock = QLabel()
        self.clock.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(self.clock)
        self.view = VideoView(self)
        self.banner = Banner(welcome_seconds, self)
        self.status = QLabel()
        self._status_style = ""
        self.status.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(10)
        layout.addLayout(top)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.banner)
        layout.addWidget(self.status)

        self._tick = QTimer(self)
        self._tick.timeout.connect(self._refresh_clock_and_status)
        self._tick.start(1000)
        QShortcut(QKeySequence("Ctrl+Q"), self, activated=self.request_close)
        self._scale_fonts()
        self._refresh_clock_and_status()

    # -- wiring -------------------------------------------------------------------------------------
    def attach(self, camera: CameraThread, runner: RecognitionRunner | None) -> None:
        """Connect a camera thread and a recognition runner (not started yet; None: picture only)."""
        self.camera = camera
        self.runner = runner
        camera.frame_ready.connect(self._on_frame_ready)
        camera.status_changed.connect(self._on_camera_status)
        if runner is not None:
            runner.result_ready.connect(self._on_result)
            runner.error.connect(self._on_recognition_error)
            runner.people_changed.connect(self._on_people)

    def start(self) -> None:
        """Start recognition, then the camera."""
        if self.runner is not None:
            self.runner.start()
        if self.camera is not None:
            self.camera.start()

    def shutdown(self) -> None:
        """Stop the camera and recognition threads (idempotent)."""
        if self.camera is not None:
            self.camera.stop()
        if self.runner is not None:
            self.runner.stop()

    # -- closing ------------------------------------------------------------------------------------
    def set_close_allowed(self, allowed: bool) -> None:
        """Allow or forbid closing the window (the admin hook)."""
        self._allow_close = allowed

    @property
    def close_allowed(self) -> bool:
        """True when the window may close."""
        return self._allow_close

    def request_close(self) -> bool:
        """Close if allowed; otherwise emit ``close_requested`` (for the admin PIN) and stay open."""
        if self._allow_close:
            self._closing = True
            self.close()
            return True
        self.close_requested.emit()
        return False

    def closeEvent(self, event: QCloseEvent) -> None:
        if not (self._allow_close or self._closing):
            event.ignore()
            self.close_requested.emit()
            return
        self.shutdown()
        event.accept()

    # -- slots --------------------------------------------------------------------------------------
    def _on_frame_ready(self) -> None:
        taken = self.camera.take_frame() if self.camera is not None else None
        if taken is not None:
            self.view.set_frame(*taken)
            if self.camera_stalled:
                self._refresh_clock_and_status()

    def _on_camera_status(self, status: CameraStatus) -> None:
        was = self.camera_state
        self._camera_status = status
        self.camera_state = status.state
        if status.state == "lost":
            self.view.set_message(self.tr("Camera unavailable — reconnecting…"))
            if was != "lost" and self.runner is not None:
                self.runner.reset_tracks()
        elif status.state in ("live", "ended", "stopped"):
            self.view.set_message("")
        self._refresh_status()

    def _on_recognition_error(self, message: str) -> None:
        # Shown, not only logged: live video with no greetings would otherwise look like a working kiosk.
        # The worker retries with backoff (BackgroundRecognizer); the next good frame clears this.
        self.recognition_error = message
        if self.camera_state != "lost" and not self.camera_stalled:
            self.view.set_message(self.tr("Recognition stopped — retrying"))
        self._refresh_status()

    def _on_result(self, result: FrameResult) -> None:
        if self.recognition_error is not None:
            self.recognition_error = None
            if self.camera_state != "lost" and not self.camera_stalled:
                self.view.set_message("")
            self._refresh_status()
        self._results += 1
        self._rec_n += 1
        now = time.monotonic()
        if now - self._rec_t0 >= 1.0:
            self.recognition_fps = self._rec_n / (now - self._rec_t0)
            self._rec_t0, self._rec_n = now, 0
        self.view.set_result(result)
        for g in result.greetings:
            self.greetings.append(g)
            self.banner.show_greeting(g)
            self.greeted.emit(g)
        for sf in result.spoofs:
            self.banner.show_spoof()
            self.spoof_seen.emit(sf)
        # Nobody enrolled: every face is unknown, and the setup hint says what to do instead.
        if result.unknowns and not result.greetings and not result.spoofs and not self.banner.nobody_enrolled:
            self.banner.show_unknown()
            self.unknown_seen.emit()

    def _on_people(self, n: int) -> None:
        self._people = n
        self.banner.set_nobody_enrolled(n == 0)
        self._refresh_status()

    def set_liveness(self, mode: str, missing: tuple[str, ...] = ()) -> None:
        """Show the presentation-attack check in the status line (nothing when ``mode`` is off).

        missing: network files not found at start (the motion cue then works alone): said on screen
        so the site notices.
        """
        names = {"passive": self.tr("passive"), "strict": self.tr("strict")}
        if mode not in names:
            self._liveness_note = ""
        elif missing:
            self._liveness_note = self.tr("liveness check: {mode}, motion only ({files} missing)").format(
                mode=names[mode], files=", ".join(missing))
        else:
            self._liveness_note = self.tr("liveness check: {mode}").format(mode=names[mode])
        self._refresh_status()

    # -- text ---------------------------------------------------------------------------------------
    def status_text(self) -> str:
        """The status line: camera state, frame rates, people enrolled."""
        st = self._camera_status
        if self.camera_stalled:
            parts = [self.tr("● Camera not responding")]
        elif self.camera_state == "lost":
            retry = st.retry_in_s if st is not None else 0.0
            parts = [self.tr("● Camera unavailable — retrying in {s:.0f} s").format(s=max(1.0, retry))]
        elif self.camera_state == "live":
            parts = [self.tr("● Camera live")]
        elif self.camera_state == "ended":
            parts = [self.tr("● Video ended")]
        else:
            parts = [self.tr("● Connecting to the camera…")]
        if self.recognition_error is not None:
            parts.append(self.tr("Recognition stopped — retrying"))
        if self.camera_state == "live" and not self.camera_stalled:
            parts.append(self.tr("{fps:.0f} fps").format(fps=self.view.display_fps))
            parts.append(self.tr("recognition {fps:.0f} fps").format(fps=self.recognition_fps))
        if self._people is not None:
            parts.append(self.tr("people enrolled: {n}").format(n=self._people))
        if self._liveness_note:
            parts.append(self._liveness_note)
        for name, detail in self.failing_outputs():
            parts.append(self.tr("⚠ output {name} failing: {detail}").format(name=name, detail=detail[:80]))
        return "   ·   ".join(parts)

    def failing_outputs(self) -> list[tuple[str, str]]:
        """(name, last error) of each output whose last delivery failed (a door relay, a webhook...)."""
        if self.output_status is None:
            return []
        try:
            return [(s.name, s.detail) for s in self.output_status() if not s.ok]
        except Exception:  # the status line must never take the window down
            return []

    def _refresh_status(self) -> None:
        failing = self.camera_stalled or self.recognition_error is not None or bool(self.failing_outputs())
        colour = "#ff6b6b" if failing else {"live": "#a3be8c", "lost": "#ff6b6b"}.get(self.camera_state, "#d8dee9")
        style = f"color: {colour}; font-size: {self._status_px}px;"
        if style != self._status_style:  # restyling re-polishes the widget: only when it changes
            self._status_style = style
            self.status.setStyleSheet(style)
        text = self.status_text()
        if text != self.status.text():
            self.status.setText(text)

    def _refresh_clock_and_status(self) -> None:
        self.clock.setText(datetime.now().strftime("%H:%M"))
        last = self.view.last_frame_at
        stalled = self.camera_state == "live" and last > 0 and time.monotonic() - last > STALL_S
        if stalled != self.camera_stalled:
            self.camera_stalled = stalled
            self.view.set_message(self.tr("Camera not responding — waiting for a picture…") if stalled else "")
        self._refresh_status()

    # -- layout -------------------------------------------------------------------------------------
    def _scale_fonts(self) -> None:
        # Sizes follow the window height so a 7" 800x480 panel and a 1080p screen both read well.
        u = max(12, self.height() // 40)
        self._status_px = int(u * 1.1)
        self.title.setStyleSheet(f"font-size: {int(u * 1.6)}px; font-weight: 700;")
        self.clock.setStyleSheet(f"font-size: {int(u * 1.6)}px; font-weight: 700;")
        self.banner.set_font_px(int(u * 2.0))
        self.banner.setMinimumHeight(int(u * 4.2))

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._scale_fonts()
        if hasattr(self, "_tick"):
            self._refresh_status()
