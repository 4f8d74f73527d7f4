"""What the kiosk keeps of a presentation attack: an audit entry and a small snapshot of the face.

Snapshots are JPEG thumbnails (at most 128 px, a few kilobytes) in the data home's ``spoof/`` folder,
one sub-folder per local day. They are personal data like attendance and follow the same retention:
``PrivacySettings.apply_retention`` (kiosk.admin.privacy) deletes the days the attendance purge deletes,
and this log prunes on its own at start and once an hour. Whatever the retention, only the newest
``max_files`` are kept, so a kiosk under a long attack cannot fill its disk.
"""

from __future__ import annotations

import logging
import shutil
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import cv2

from kiosk import paths

if TYPE_CHECKING:
    from kiosk.attendance.recognizer import SpoofFace

log = logging.getLogger(__name__)

MAX_FILES = 1000
PRUNE_EVERY_S = 3600.0


class AuditLog(Protocol):
    """The one store call the log needs (the audit log, ``store.audit`` of kiosk.store.Store)."""

    def record(self, actor: str, action: str, detail: str = "") -> None: ...


def purge_snapshots(folder: Path, keep_days: int = 0, today: date | None = None, max_files: int = MAX_FILES) -> int:
    """Delete the day folders more than ``keep_days`` days before ``today`` (0: none by age; the rule
    of kiosk.admin.retention.retention_cutoff: whole local days), then the oldest files beyond
    ``max_files``; returns how many files went."""
    if not folder.is_dir():
        return 0
    gone = 0
    if keep_days > 0:
        cutoff = (today or datetime.now().astimezone().date()) - timedelta(days=keep_days)
        for day in sorted(p for p in folder.iterdir() if p.is_dir()):
            try:
                d = date.fromisoformat(day.name)
            except ValueError:
                continue  # not ours
            if d < cutoff:
                gone += sum(1 for _ in day.glob("*.jpg"))
                shutil.rmtree(day, ignore_errors=True)
    files = sorted(folder.glob("*/*.jpg"))  # names sort by time within and across days
    for f in files[: max(0, len(files) - max_files)]:
        f.unlink(missing_ok=True)
        gone += 1
    return gone


class SpoofLog:
    """Records presentation attacks: the audit entry (with the snapshot's file) and the snapshot.

    retention_days: the retention in force (the admin's, else the config's; 0 keeps them, within
    ``max_files``). Called on the recognition worker (``FrameRecognizer(on_spoof=...)``).
    """

    def __init__(self, audit: AuditLog, kiosk_id: str, folder: Path | None = None,
                 retention_days: Callable[[], int] = lambda: 0, max_files: int = MAX_FILES,
                 clock: Callable[[], datetime] = lambda: datetime.now().astimezone()) -> None:
        self.audit = audit
        self.kiosk_id = kiosk_id
        self.folder = folder or paths.spoof_dir()
        self.retention_days = retention_days
        self.max_files = max_files
        self.clock = clock
        self._pruned_at = -1e18

    def prune(self) -> int:
        """Apply retention and the file cap now."""
        self._pruned_at = time.monotonic()
        return purge_snapshots(self.folder, self.retention_days(), self.clock().date(), self.max_files)

    def __call__(self, sf: SpoofFace) -> Path | None:
        """Write the snapshot and the audit entry of one attack; returns the snapshot's path."""
        now = self.clock()
        path: Path | None = None
        if sf.snapshot is not None and sf.snapshot.size:
            day = self.folder / now.date().isoformat()
            path = day / f"{now:%H%M%S-%f}-track{sf.track_id}.jpg"
            try:
                day.mkdir(parents=True, exist_ok=True)
                ok, buf = cv2.imencode(".jpg", sf.snapshot, [cv2.IMWRITE_JPEG_QUALITY, 80])
                if not ok:
                    raise OSError("JPEG encoding failed")
                path.write_bytes(buf.tobytes())
            except OSError as exc:
                log.warning("attack snapshot not kept: %s", exc)
                path = None
        v = sf.verdict
        claimed = f"claimed {sf.name} (person {sf.person_id})" if sf.person_id is not None else "unknown face"
        score = "none" if v.score is None else f"{v.score:.2f}"
        detail = (f"presentation attack on track {sf.track_id}: {claimed}; {v.reason}; networks {score}, "
                  f"parallax {v.parallax:.3f}, texture {v.texture:.3f}; "
                  f"snapshot {path.relative_to(self.folder.parent) if path else 'none'}")
        self.audit.record(f"kiosk:{self.kiosk_id}", "spoof", detail)
        if time.monotonic() - self._pruned_at >= PRUNE_EVERY_S:
            try:
                self.prune()
            except OSError:
                log.warning("attack snapshots not pruned", exc_info=True)
        return path
