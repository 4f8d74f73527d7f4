"""Everything a running kiosk needs: store, gallery, recorder, recognizer.

The window and ``kiosk run`` both get it from ``AppContext.open_session`` (which calls
:func:`open_session` with its parts), so they recognise and record exactly alike. This module takes
the parts as arguments and never imports the composition root.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kiosk.attendance.policy import AttendancePolicy, AttendanceRecorder, default_kiosk_id
from kiosk.attendance.recognizer import FrameRecognizer, RecognizerSettings

if TYPE_CHECKING:
    from kiosk.attendance.liveness import LivenessGate
    from kiosk.attendance.recognizer import SpoofFace
    from kiosk.config import AttendanceConfig, RecognitionConfig
    from kiosk.gallery import FeedFollower, Gallery
    from kiosk.store import OutboxRoute, Store
    from kiosk.vision.pipeline import FacePipeline

log = logging.getLogger(__name__)


@dataclass
class KioskSession:
    """The context's store and ready gallery, and a FrameRecognizer wired to record attendance.

    ``follower`` keeps the gallery in step with the database's change feed (people enrolled, renamed,
    deactivated or deleted by the command line, the admin panel or another kiosk), on its own thread.
    """

    store: Store
    gallery: Gallery
    recognizer: FrameRecognizer
    recorder: AttendanceRecorder
    kiosk_id: str
    follower: FeedFollower | None = None

    def people_enrolled(self) -> int:
        """Active people in the database (for the status line)."""
        return int(self.store.people.count(active_only=True))

    def close(self) -> None:
        """Nothing to release here: whoever opened the store and gallery closes them (``AppContext.close()``)."""


def open_session(pipeline: FacePipeline, store: Store, gallery: Gallery, attendance: AttendanceConfig,
                 recognition: RecognitionConfig, follower: FeedFollower | None = None,
                 liveness: LivenessGate | None = None, on_spoof: Callable[[SpoofFace], None] | None = None,
                 outbox: Sequence[OutboxRoute] = (), on_recorded: Callable[[], None] | None = None) -> KioskSession:
    """Build the recorder and recognizer the config's [attendance] and [recognition] describe.

    ``gallery`` must be ready to match (the caller opened it); ``follower`` keeps it in step with the
    database's change feed (the session stops it on close; the store and gallery are the caller's).
    ``liveness`` / ``on_spoof``: presentation-attack detection and the log of attacks (kiosk.attendance.liveness).
    ``outbox``/``on_recorded``: the output targets written with each event and the delivery worker's wake-up.
    """
    kiosk_id = default_kiosk_id(attendance.kiosk_id)
    policy = AttendancePolicy(attendance.policy, float(attendance.cooldown_s))
    recorder = AttendanceRecorder(store, policy, kiosk_id, outbox=outbox, on_recorded=on_recorded)
    recognizer = FrameRecognizer(pipeline, gallery, recorder, RecognizerSettings.from_config(recognition),
                                 liveness=liveness, on_spoof=on_spoof)
    return KioskSession(store, gallery, recognizer, recorder, kiosk_id, follower)
