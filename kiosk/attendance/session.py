"""Everything a running kiosk needs, built from the AppContext: store, gallery, recorder, recognizer.

The window and ``kiosk run`` both start here, so they recognise and record exactly alike.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from kiosk import paths
from kiosk.attendance.policy import AttendancePolicy, AttendanceRecorder, default_kiosk_id
from kiosk.attendance.recognizer import FrameRecognizer, RecognizerSettings

if TYPE_CHECKING:
    from kiosk.context import AppContext

log = logging.getLogger(__name__)


@dataclass
class KioskSession:
    """A store, a ready gallery and a FrameRecognizer wired to record attendance."""

    store: Any
    gallery: Any
    recognizer: FrameRecognizer
    recorder: AttendanceRecorder
    kiosk_id: str
    owns_store: bool = False

    def people_enrolled(self) -> int:
        """Active people in the database (for the status line)."""
        return len(self.store.list_people(active_only=True))

    def close(self) -> None:
        """Close the store if this session opened it."""
        if self.owns_store:
            self.store.close()


def _store_and_gallery(ctx: AppContext) -> tuple[Any, Any, bool]:
    # The composition root builds these when it knows how (AppContext.store / .gallery); until then,
    # and for contexts without them, build them here from the same config.
    store = getattr(ctx, "store", None)
    gallery = getattr(ctx, "gallery", None)
    owns = False
    if store is None:
        from kiosk.store import Store

        store = Store.open(ctx.database_url)
        owns = True
    if gallery is None:
        import kiosk.gallery as gallery_mod

        pipeline = ctx.pipeline
        gallery = gallery_mod.Gallery(
            store, pipeline.model_id, pipeline.dim, ctx.threshold, ctx.config.recognition.margin,
            paths.cache_dir() / f"gallery-{pipeline.model_id}.usearch",
        )
        gallery.ready()
    return store, gallery, owns


def open_session(ctx: AppContext) -> KioskSession:
    """Open the database and gallery and build the recognizer the config describes."""
    pipeline = ctx.pipeline  # load models first: onnxruntime must be imported before usearch
    store, gallery, owns = _store_and_gallery(ctx)
    att = ctx.config.attendance
    kiosk_id = default_kiosk_id(att.kiosk_id)
    recorder = AttendanceRecorder(store, AttendancePolicy(att.policy, float(att.cooldown_s)), kiosk_id)
    recognizer = FrameRecognizer(pipeline, gallery, recorder, RecognizerSettings.from_config(ctx.config.recognition))
    return KioskSession(store, gallery, recognizer, recorder, kiosk_id, owns)
