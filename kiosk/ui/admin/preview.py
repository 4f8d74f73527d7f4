"""The enrollment preview: a camera frame, letterboxed, with the boxes found on that very frame."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

GOOD = QColor("#2ecc71")
ADVICE = QColor("#ffb000")
OTHER = QColor("#8a8f99")

Box = tuple[float, float, float, float]


class PreviewView(QWidget):
    """Paints a BGR frame (wrapped, not copied: the array is kept alive with the QImage) and its boxes.

    The picture and the boxes are set together (``set_frame``), so a box is only ever drawn on the
    frame it was found on: drawing the latest analysis over the latest camera frame put each box where
    the face was one analysis earlier, trailing behind a moving face.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(320, 240)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.frame: np.ndarray | None = None
        self.frame_id = -1
        self.box: Box | None = None
        self.others: tuple[Box, ...] = ()
        self.good = False
        self._image: QImage | None = None
        self.frames_shown = 0

    def set_frame(self, frame: np.ndarray, frame_id: int = -1, box: Box | None = None,
                  others: tuple[Box, ...] = (), good: bool = False) -> None:
        """Show ``frame`` at the next paint with the boxes found on it: the subject's ``box`` (green when
        ``good``, amber otherwise) and the other faces' boxes. frame_id: the caller's number for it."""
        frame = np.ascontiguousarray(frame)
        h, w = frame.shape[:2]
        self._image = QImage(frame.data, w, h, frame.strides[0], QImage.Format.Format_BGR888)
        self.frame, self.frame_id = frame, frame_id
        self.box, self.others, self.good = box, others, good
        self.frames_shown += 1
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

        def draw(box: Box, colour: QColor, width: int) -> None:
            p.setPen(QPen(colour, width))
            x1, y1, x2, y2 = box
            p.drawRoundedRect(QRectF(target.x() + x1 * s, target.y() + y1 * s, (x2 - x1) * s, (y2 - y1) * s), 8, 8)

        for b in self.others:
            draw(b, OTHER, 2)
        if self.box is not None:
            draw(self.box, GOOD if self.good else ADVICE, 4)
        p.end()
