"""The enrollment preview: the newest camera frame, letterboxed, with the subject's box."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

GOOD = QColor("#2ecc71")
ADVICE = QColor("#ffb000")
OTHER = QColor("#8a8f99")


class PreviewView(QWidget):
    """Paints a BGR frame (wrapped, not copied: the array is kept alive with the QImage) and boxes."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(320, 240)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self._frame: np.ndarray | None = None
        self._image: QImage | None = None
        self._box: tuple[float, float, float, float] | None = None
        self._others: tuple[tuple[float, float, float, float], ...] = ()
        self._good = False
        self.frames_shown = 0

    def set_frame(self, frame: np.ndarray) -> None:
        """Show ``frame`` at the next paint."""
        frame = np.ascontiguousarray(frame)
        h, w = frame.shape[:2]
        self._image = QImage(frame.data, w, h, frame.strides[0], QImage.Format.Format_BGR888)
        self._frame = frame
        self.frames_shown += 1
        self.update()

    def set_boxes(self, box: tuple[float, float, float, float] | None,
                  others: tuple[tuple[float, float, float, float], ...], good: bool) -> None:
        """The subject's box (green when usable, amber otherwise) and the other faces' boxes."""
        self._box, self._others, self._good = box, others, good
        self.update()

    def paintEvent(self, event) -> None:
        p = QPainter(self)
        p.fillRect(self.rect(), QColor("#0b0d10"))
        if self._image is None:
            return
        iw, ih = self._image.width(), self._image.height()
        s = min(self.width() / iw, self.height() / ih)
        target = QRectF((self.width() - iw * s) / 2, (self.height() - ih * s) / 2, iw * s, ih * s)
        p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        p.drawImage(target, self._image)

        def draw(box: tuple[float, float, float, float], colour: QColor, width: int) -> None:
            p.setPen(QPen(colour, width))
            x1, y1, x2, y2 = box
            p.drawRoundedRect(QRectF(target.x() + x1 * s, target.y() + y1 * s, (x2 - x1) * s, (y2 - y1) * s), 8, 8)

        for b in self._others:
            draw(b, OTHER, 2)
        if self._box is not None:
            draw(self._box, GOOD if self._good else ADVICE, 4)
        p.end()
