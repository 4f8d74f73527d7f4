"""The live picture with a box and a name on every face, painted with QPainter."""

from __future__ import annotations

import time

import numpy as np
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QImage, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from kiosk.attendance.recognizer import FrameResult, TrackView
from kiosk.camera.loop import Frame

KNOWN = QColor("#2ecc71")
UNKNOWN = QColor("#ffb000")
DECIDING = QColor("#b8b8b8")
SPOOF = QColor("#ff4d4d")  # a presentation attack (a photo, a screen): kiosk.attendance.liveness
BACKGROUND = QColor("#0b0d10")
# Overlays older than this are hidden: a face that left should not keep its box.
OVERLAY_TTL_S = 0.8


def state_colour(state: str) -> QColor:
    """Box colour: green known, amber unknown, red a presentation attack, grey deciding or too far."""
    return {"known": KNOWN, "unknown": UNKNOWN, "spoof": SPOOF}.get(state, DECIDING)


class VideoView(QWidget):
    """Paints the newest frame (letterboxed) and the latest recognition overlays.

    The BGR frame is wrapped as a QImage without copying (the numpy array is kept alive alongside);
    boxes come from the latest FrameResult, mapped from frame to widget coordinates.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.setMinimumSize(320, 180)
        self._frame: Frame | None = None
        self._image: QImage | None = None
        self._pixels: np.ndarray | None = None
        self._result: FrameResult | None = None
        self._result_at = 0.0
        self._message = ""
        self.frames_shown = 0
        self.first_frame_at = 0.0
        self.last_frame_at = 0.0
        self._fps_t0 = time.monotonic()
        self._fps_n = 0
        self.display_fps = 0.0

    # -- inputs -------------------------------------------------------------------------------------
    def set_frame(self, frame: Frame, bgrx: np.ndarray | None = None) -> None:
        """Show ``frame`` at the next paint.

        bgrx: the same picture as 4-channel BGRX (the camera thread converts it): Qt scales 32-bit
        pixels about four times faster than 24-bit ones, which keeps each paint near 1 ms.
        """
        img = bgrx if bgrx is not None else frame.image
        h, w = img.shape[:2]
        fmt = QImage.Format.Format_RGB32 if bgrx is not None else QImage.Format.Format_BGR888
        # Wraps the numpy buffer: no copy. self._pixels keeps the array alive as long as the QImage.
        self._image = QImage(img.data, w, h, img.strides[0], fmt)
        self._pixels = img
        self._frame = frame
        self.frames_shown += 1
        self._fps_n += 1
        now = time.monotonic()
        if not self.first_frame_at:
            self.first_frame_at = now
        self.last_frame_at = now
        if now - self._fps_t0 >= 1.0:
            self.display_fps = self._fps_n / (now - self._fps_t0)
            self._fps_t0, self._fps_n = now, 0
        self.update()

    def set_result(self, result: FrameResult) -> None:
        """Overlays of the latest recognised frame."""
        self._result = result
        self._result_at = time.monotonic()
        self.update()

    def set_message(self, message: str) -> None:
        """A large message over a dimmed picture (camera unavailable); "" removes it."""
        self._message = message
        self.update()

    # -- painting -----------------------------------------------------------------------------------
    def _target(self) -> QRectF:
        assert self._image is not None
        iw, ih = self._image.width(), self._image.height()
        s = min(self.width() / iw, self.height() / ih)
        w, h = iw * s, ih * s
        return QRectF((self.width() - w) / 2, (self.height() - h) / 2, w, h)

    def paintEvent(self, event) -> None:
        p = QPainter(self)
        p.fillRect(self.rect(), BACKGROUND)
        if self._image is not None:
            target = self._target()
            p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, target.width() <= 2 * self._image.width())
            p.drawImage(target, self._image)
            result = self._result
            if result is not None and not self._message and time.monotonic() - self._result_at < OVERLAY_TTL_S:
                self._paint_overlays(p, target, target.width() / self._image.width(), result)
        if self._message:
            if self._image is not None:
                p.fillRect(self.rect(), QColor(0, 0, 0, 170))
            f = QFont(self.font())
            f.setPixelSize(max(22, self.height() // 14))
            f.setBold(True)
            p.setFont(f)
            p.setPen(QColor("#ff6b6b"))
            p.drawText(self.rect().adjusted(20, 20, -20, -20),
                       Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, self._message)
        p.end()

    def _paint_overlays(self, p: QPainter, target: QRectF, scale: float, result: FrameResult) -> None:
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        font = QFont(self.font())
        font.setPixelSize(max(16, int(self.height() / 24)))
        font.setBold(True)
        p.setFont(font)
        fm = QFontMetricsF(font)
        thick = max(3.0, self.height() / 160)
        for t in result.tracks:
            if t.missing and t.state != "known":
                continue
            x1, y1, x2, y2 = t.box
            rect = QRectF(target.x() + x1 * scale, target.y() + y1 * scale, (x2 - x1) * scale, (y2 - y1) * scale)
            colour = state_colour(t.state)
            pen = QPen(colour, thick if t.state != "far" else thick / 2)
            p.setPen(pen)
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawRoundedRect(rect, thick * 2, thick * 2)
            label = self._label(t)
            if not label:
                continue
            pad = fm.height() * 0.2
            lw, lh = fm.horizontalAdvance(label) + 2 * pad, fm.height() + pad
            ly = rect.top() - lh - thick if rect.top() - lh - thick >= target.top() else rect.bottom() + thick
            lrect = QRectF(rect.left() - thick / 2, ly, lw, lh)
            p.fillRect(lrect, colour)
            p.setPen(QColor("#000000"))
            p.drawText(lrect, Qt.AlignmentFlag.AlignCenter, label)

    def _label(self, t: TrackView) -> str:
        if t.state == "known":
            return t.name or ""
        if t.state == "unknown":
            return self.tr("Unknown")
        if t.state == "spoof":
            return self.tr("Not live")
        if t.state == "deciding":
            return "…"
        return ""
