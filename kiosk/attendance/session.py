"""Everything a running kiosk needs, built from the AppContext: store, gallery, recorder, recognizer.

The window and ``kiosk run`` both start here, so they recognise and record exactly alike.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kiosk.attendance.policy import AttendancePolicy, AttendanceRecorder, default_kiosk_id
from kiosk.attendance.recognizer import FrameRecognizer, RecognizerSettings

if TYPE_CHECKING:
    from kiosk.context import AppContext
    from kiosk.gallery import Gallery
    from kiosk.store import Store

log = logging.getLogger(__name__)


@dataclass
class KioskSession:
    """The context's store and ready gallery, and a FrameRecognizer wired to record attendance."""

    store: Store
    gallery: Gallery
    recognizer: FrameRecognizer
    recorder: AttendanceRecorder
    kiosk_id: str

    def people_enrolled(self) -> int:
        """Active people in the database (for the status line)."""
        return int(self.store.count_people(active_only=True))

    def close(self) -> None:
        """Nothing to release here: the AppContext owns the store and gallery (``ctx.close()``)."""


def open_session(ctx: AppContext) -> KioskSession:
    """Open the database and gallery (through the context) and build the recognizer the config describes."""
    pipeline = ctx.pipeline  # load models first: onnxruntime must be imported before usearch
    store, gallery = ctx.store, ctx.gallery
    att = ctx.config.attendance
    kiosk_id = default_kiosk_id(att.kiosk_id)
    recorder = AttendanceRecorder(store, AttendancePolicy(att.policy, float(att.cooldown_s)), kiosk_id)
    liveness, spoof_log = ctx.liveness_parts(kiosk_id)
    recognizer = FrameRecognizer(pipeline, gallery, recorder, RecognizerSettings.from_config(ctx.config.recognition),
                                 liveness=liveness, on_spoof=spoof_log)
    return KioskSession(store, gallery, recognizer, recorder, kiosk_id)
