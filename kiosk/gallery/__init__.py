"""Open-set identification: the template gallery (usearch graph + exact search), kept in step with the
database by the change feed, and its calibration.

Qt-free. ``onnxruntime`` is imported *before* ``usearch`` on purpose: with usearch >= 2.26.2 on
Linux, importing usearch first and then creating an ONNX Runtime session segfaults (two copies of
a runtime library loaded in the wrong order; tests/test_gallery.py documents the trap). Importing
this package first makes every later import order safe.
"""

from __future__ import annotations

import onnxruntime  # noqa: F401  (must precede usearch, see above)
import usearch.index  # noqa: F401

from kiosk.gallery.gallery import Gallery, MatchResult
from kiosk.gallery.source import TemplateSource
from kiosk.gallery.sync import Applied, FeedFollower

__all__ = ["Applied", "FeedFollower", "Gallery", "MatchResult", "TemplateSource"]
