"""The big message under the picture: welcome, guidance for an unknown face, or the idle prompt."""

from __future__ import annotations

from collections import deque
from datetime import datetime

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QLabel, QWidget

from kiosk.attendance.recognizer import Greeting

STYLES = {
    "idle": ("#1b2027", "#d8dee9"),
    "welcome": ("#1e8449", "#ffffff"),
    "already": ("#1f5f99", "#ffffff"),
    "unknown": ("#b9770e", "#ffffff"),
    "error": ("#922b21", "#ffffff"),
}
# Whatever the config says, a greeting must be readable: at least this long on screen.
MIN_SECONDS = 2.0


def _hhmm(ts: datetime) -> str:
    return ts.astimezone().strftime("%H:%M")


class Banner(QLabel):
    """Shows a greeting or guidance for ``seconds``, then falls back to the idle prompt.

    A welcome is never replaced by the unknown-face guidance while it is showing (someone else in
    the background must not hide the greeting of the person at the kiosk).
    """

    def __init__(self, seconds: float = 3.0, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.seconds = max(MIN_SECONDS, float(seconds))
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setWordWrap(True)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.show_idle)
        self.kind = "idle"
        # (kind, text) of the latest messages shown (tests and diagnostics read it; bounded for months of uptime)
        self.history: deque[tuple[str, str]] = deque(maxlen=200)
        self._font_px = 36
        self.show_idle()

    def set_font_px(self, px: int) -> None:
        """Text size in pixels (the window scales it with its height)."""
        self._font_px = px
        self._apply_style()

    def _apply_style(self) -> None:
        bg, fg = STYLES[self.kind]
        self.setStyleSheet(f"QLabel {{ background: {bg}; color: {fg}; font-size: {self._font_px}px;"
                           f" font-weight: 600; padding: 12px; border-radius: 10px; }}")

    def _show(self, kind: str, text: str, timed: bool = True) -> None:
        self.kind = kind
        self.setText(text)
        self._apply_style()
        if kind != "idle":
            self.history.append((kind, text))
        if timed:
            self._timer.start(int(self.seconds * 1000))
        else:
            self._timer.stop()

    def show_idle(self) -> None:
        """The prompt shown while nobody is being greeted."""
        self._show("idle", self.tr("Please look at the camera to check in"), timed=False)

    def show_greeting(self, g: Greeting) -> None:
        """Welcome (or goodbye) for a recognised person, with the time of their check-in."""
        if g.error:
            text = self.tr("Welcome, {name} — attendance could not be saved, please tell the front desk")
            self._show("error", text.format(name=g.name))
            return
        if g.kind == "checkin":
            text, kind = self.tr("Welcome, {name} — checked in {time}"), "welcome"
        elif g.kind == "in":
            text, kind = self.tr("Welcome, {name} — IN at {time}"), "welcome"
        elif g.kind == "out":
            text, kind = self.tr("Goodbye, {name} — OUT at {time}"), "welcome"
        else:
            text, kind = self.tr("Welcome back, {name} — already checked in at {time}"), "already"
        self._show(kind, text.format(name=g.name, time=_hhmm(g.at)))

    def show_unknown(self) -> None:
        """Guidance for a face that is not enrolled."""
        if self.kind in ("welcome", "already", "error") and self._timer.isActive():
            return
        self._show("unknown", self.tr("Not recognised — please see the front desk"))
