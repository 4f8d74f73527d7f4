"""The big message under the picture: welcome, guidance for an unknown face, or the idle prompt
(with nobody enrolled yet: how an administrator adds people)."""

from __future__ import annotations

import html
from collections import deque
from datetime import datetime

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QLabel, QWidget

from kiosk.attendance.recognizer import Greeting

STYLES = {
    "idle": ("#1b2027", "#d8dee9"),
    "setup": ("#1d2b3a", "#e5e9f0"),
    "welcome": ("#1e8449", "#ffffff"),
    "already": ("#1f5f99", "#ffffff"),
    "unknown": ("#b9770e", "#ffffff"),
    "error": ("#922b21", "#ffffff"),
    "spoof": ("#c0392b", "#ffffff"),
}
# Whatever the config says, a greeting must be readable: at least this long on screen.
MIN_SECONDS = 2.0


def _hhmm(ts: datetime) -> str:
    return ts.astimezone().strftime("%H:%M")


class Banner(QLabel):
    """Shows a greeting or guidance for ``seconds``, then falls back to the idle prompt.

    A welcome is never replaced by the unknown-face guidance while it is showing (someone else in
    the background must not hide the greeting of the person at the kiosk). With ``nobody_enrolled``
    the idle prompt is the setup hint (how to open admin mode and add people) and no face is ever
    called "not recognised": nobody could be.
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
        self.plain_text = ""  # the message without markup (the setup hint is rich text)
        self.nobody_enrolled = False
        # (kind, text) of the latest messages shown (tests and diagnostics read it; bounded for months of uptime)
        self.history: deque[tuple[str, str]] = deque(maxlen=200)
        self._font_px = 36
        self.show_idle()

    def set_font_px(self, px: int) -> None:
        """Text size in pixels (the window scales it with its height)."""
        self._font_px = px
        self._apply_style()
        if self.kind == "setup":
            self._show_setup()  # its second line's size is in the text

    def _apply_style(self) -> None:
        bg, fg = STYLES[self.kind]
        self.setStyleSheet(f"QLabel {{ background: {bg}; color: {fg}; font-size: {self._font_px}px;"
                           f" font-weight: 600; padding: 12px; border-radius: 10px; }}")

    def _show(self, kind: str, text: str, timed: bool = True, rich: str = "") -> None:
        self.kind = kind
        self.plain_text = text
        # Plain text unless asked: a name typed at enrollment must never be taken for markup.
        self.setTextFormat(Qt.TextFormat.RichText if rich else Qt.TextFormat.PlainText)
        self.setText(rich or text)
        self._apply_style()
        if kind not in ("idle", "setup"):
            self.history.append((kind, text))
        if timed:
            self._timer.start(int(self.seconds * 1000))
        else:
            self._timer.stop()

    def show_idle(self) -> None:
        """The prompt shown while nobody is being greeted (the setup hint while nobody is enrolled)."""
        if self.nobody_enrolled:
            self._show_setup()
        else:
            self._show("idle", self.tr("Please look at the camera to check in"), timed=False)

    def set_nobody_enrolled(self, nobody: bool) -> None:
        """Switch between the setup hint (nobody enrolled) and normal check-in; an idle banner changes at once."""
        if nobody == self.nobody_enrolled:
            return
        self.nobody_enrolled = nobody
        if self.kind in ("idle", "setup"):
            self.show_idle()  # a message on its timer ends in show_idle anyway

    def _show_setup(self) -> None:
        # Here, not at the top: kiosk.ui.admin pulls in the whole admin panel (a second of imports) and
        # the kiosk window has loaded it anyway by the time anyone is told how to open it.
        from kiosk.ui.admin.gesture import CORNER_TAPS, HOLD_MS

        title = self.tr("Nobody is enrolled yet")
        how = self.tr("Administrator: to add people, press and hold the picture for {seconds} seconds "
                      "or tap the top-left corner {taps} times").format(seconds=HOLD_MS // 1000, taps=CORNER_TAPS)
        # The second line smaller: the title is what a passer-by reads, the rest is for whoever sets up.
        rich = (f"{html.escape(title)}<br><span style=\"font-size: {max(12, int(self._font_px * 0.55))}px;"
                f" font-weight: 400;\">{html.escape(how)}</span>")
        self._show("setup", f"{title}\n{how}", timed=False, rich=rich)

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

    def show_spoof(self) -> None:
        """A photo or a screen was shown instead of a face (kiosk.attendance.liveness): nobody is checked in.

        Shown over any other message: whoever is at the kiosk must see why nothing happened.
        """
        self._show("spoof", self.tr("Please look at the camera yourself"))

    def show_unknown(self) -> None:
        """Guidance for a face that is not enrolled (none while nobody is enrolled: the setup hint stays)."""
        if self.nobody_enrolled:
            return
        if self.kind in ("welcome", "already", "error", "spoof") and self._timer.isActive():
            return
        self._show("unknown", self.tr("Not recognised — please see the front desk"))
