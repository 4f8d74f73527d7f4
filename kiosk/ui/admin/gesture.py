"""The secret way into admin mode from the kiosk screen: a long press or a hot-corner tap sequence.

A passer-by never triggers it by accident (a 2-second still press, or four quick taps in the top-left
corner), and nothing on screen advertises it. The filter only watches: it never consumes an event.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QPointF, QTimer, Signal
from PySide6.QtGui import QMouseEvent, QTouchEvent
from PySide6.QtWidgets import QWidget

HOLD_MS = 2000
MOVE_TOLERANCE_PX = 40.0
CORNER_PX = 96
CORNER_TAPS = 4
CORNER_WINDOW_S = 3.0


class AdminGesture(QObject):
    """Event filter that emits ``triggered`` on a long press (>= ``hold_ms``, finger kept still) or
    ``corner_taps`` taps in the top-left ``corner_px`` square of the watched window within
    ``corner_window_s`` seconds.

    Install with ``watch(window)``: the window and every widget in it at that moment (events go to
    the widget under the finger, e.g. the video view, not to the window).
    """

    triggered = Signal()

    def __init__(self, parent: QObject | None = None, hold_ms: int = HOLD_MS,
                 corner_px: int = CORNER_PX, corner_taps: int = CORNER_TAPS,
                 corner_window_s: float = CORNER_WINDOW_S, clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__(parent)
        self.corner_px = corner_px
        self.corner_taps = corner_taps
        self.corner_window_s = corner_window_s
        self.clock = clock
        self._root: QWidget | None = None
        self._press_at: QPointF | None = None
        self._taps: list[float] = []
        self._last_press: tuple[int, int, int] | None = None
        self._hold = QTimer(self)
        self._hold.setSingleShot(True)
        self._hold.setInterval(hold_ms)
        self._hold.timeout.connect(self._held)

    def watch(self, root: QWidget) -> None:
        """Watch ``root`` and all its current child widgets."""
        self._root = root
        for w in (root, *root.findChildren(QWidget)):
            w.installEventFilter(self)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        t = event.type()
        if t in (QEvent.Type.MouseButtonPress, QEvent.Type.TouchBegin):
            pos = self._global_pos(event)
            # An unaccepted press travels up to the parent (also watched), and a touch may come again
            # as a synthesised mouse press: count each physical press once.
            key = (int(event.timestamp()), round(pos.x()), round(pos.y())) if pos is not None else None
            if pos is not None and key != self._last_press:
                self._last_press = key
                self._pressed(pos)
        elif t in (QEvent.Type.MouseMove, QEvent.Type.TouchUpdate):
            pos = self._global_pos(event)
            if (pos is not None and self._press_at is not None
                    and (pos - self._press_at).manhattanLength() > MOVE_TOLERANCE_PX):
                self._cancel()
        elif t in (QEvent.Type.MouseButtonRelease, QEvent.Type.TouchEnd, QEvent.Type.TouchCancel):
            self._cancel()
        return False

    @staticmethod
    def _global_pos(event: QEvent) -> QPointF | None:
        if isinstance(event, QMouseEvent):
            return event.globalPosition()
        if isinstance(event, QTouchEvent) and event.points():
            return event.points()[0].globalPosition()
        return None

    def _pressed(self, global_pos: QPointF) -> None:
        self._press_at = global_pos
        self._hold.start()
        if self._root is None:
            return
        local = self._root.mapFromGlobal(global_pos)
        if 0 <= local.x() < self.corner_px and 0 <= local.y() < self.corner_px:
            now = self.clock()
            self._taps = [t for t in self._taps if now - t <= self.corner_window_s] + [now]
            if len(self._taps) >= self.corner_taps:
                self._taps.clear()
                self._cancel()
                self.triggered.emit()
        else:
            self._taps.clear()

    def _cancel(self) -> None:
        self._hold.stop()
        self._press_at = None

    def _held(self) -> None:
        self._press_at = None
        self._taps.clear()
        self.triggered.emit()
