"""The site-wide privacy settings, kept in the database for every kiosk on it, and the audit log they are
changed under.

* Retention: attendance older than N days is deleted (at startup, once a day and when the admin changes
  it), and so are the snapshots of presentation attacks of those days (kiosk.attendance.spoof_log). The
  admin's setting overrides ``[attendance] retention_days`` of the config file.
* The presentation-attack check (off / passive / strict): the admin's choice overrides ``[liveness] mode``
  of the config file; ``--liveness`` on the command line overrides both for one run. A running kiosk
  follows a change within a few seconds (kiosk.attendance.liveness.ModeSource).

Every change is audited with the account that made it. The admin panel's Privacy page and ``kiosk admin``
use only this class for these settings.
"""

from __future__ import annotations

from datetime import datetime

from kiosk.admin.retention import RETENTION_KEY, purge_spoof_snapshots, retention_cutoff
from kiosk.store import AuditEntry, Store
from kiosk.vision.liveness import MODES, SETTING_KEY


class PrivacySettings:
    """Retention and the presentation-attack check of every kiosk on ``store``, and the audit log.

    default_retention_days: the config file's retention, in force until an admin chooses one (0 keeps all).
    """

    def __init__(self, store: Store, default_retention_days: int = 0) -> None:
        self.store = store
        self.default_retention_days = default_retention_days

    # ------------------------------------------------------------------ retention
    def _stored_retention(self, default: int) -> int:
        raw = self.store.settings.get(RETENTION_KEY)
        try:
            return max(0, int(raw)) if raw not in (None, "") else max(0, default)
        except ValueError:
            return max(0, default)

    def retention_days(self) -> int:
        """The retention period in days: the admin's setting, else the config's; 0 keeps everything."""
        return self._stored_retention(self.default_retention_days)

    def set_retention_days(self, days: int, actor: str = "admin") -> None:
        """Change the retention period (audited when it changes); 0 keeps attendance forever."""
        if days < 0:
            raise ValueError("retention must be 0 (keep everything) or a number of days")
        # Compared with the admin's own earlier choice (0 when none), not the config's default: the first
        # choice is always audited.
        old = self._stored_retention(0)
        self.store.settings.set(RETENTION_KEY, str(days))
        if old != days:
            self.store.audit.record(actor, "retention_changed",
                                    f"attendance kept {days} day(s)" if days else "attendance kept forever")

    def apply_retention(self, days: int | None = None, now: datetime | None = None) -> int:
        """Delete attendance (and attack snapshots) before ``retention_cutoff(days, now)``; returns how many
        events went. ``days`` defaults to :meth:`retention_days`; 0 keeps everything. The store writes an
        audit entry when anything was deleted."""
        days = self.retention_days() if days is None else days
        if days <= 0:
            return 0
        now = now or datetime.now().astimezone()
        if now.tzinfo is None:
            raise ValueError("now must be timezone-aware")
        purge_spoof_snapshots(retention_cutoff(days, now))
        return self.store.attendance.purge_before(retention_cutoff(days, now), actor="retention")

    # ------------------------------------------------------------------ presentation-attack check
    def liveness_mode(self) -> str:
        """The admin's mode, or "" when the admin never chose one (the config's applies)."""
        raw = self.store.settings.get(SETTING_KEY)
        return raw if raw in MODES else ""

    def set_liveness_mode(self, mode: str, actor: str = "admin") -> None:
        """Choose the mode for every kiosk on this database (audited); "" goes back to the config's."""
        if mode and mode not in MODES:
            raise ValueError(f"liveness mode must be one of {', '.join(MODES)}")
        old = self.liveness_mode()
        self.store.settings.set(SETTING_KEY, mode)
        if old != mode:
            self.store.audit.record(actor, "liveness_changed",
                                    f"presentation-attack check {mode or 'as in the config file'}")

    # ------------------------------------------------------------------ audit log
    def audit_log(self, limit: int = 200) -> list[AuditEntry]:
        """The latest audit entries, newest first: every admin action, each naming its account."""
        return self.store.audit.latest(limit)


__all__ = ["AuditEntry", "PrivacySettings"]
