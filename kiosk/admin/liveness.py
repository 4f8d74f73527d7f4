"""The admin's choice of presentation-attack check (off / passive / strict), kept in the database.

It overrides ``[liveness] mode`` of the config file for every kiosk on the database; ``--liveness`` on
the command line overrides both for one run. A running kiosk follows a change within a few seconds
(kiosk.attendance.liveness.ModeSource).
"""

from __future__ import annotations

from kiosk.store import Store
from kiosk.vision.liveness import MODES, SETTING_KEY


def liveness_setting(store: Store) -> str:
    """The admin's mode, or "" when the admin never chose one (the config's applies)."""
    raw = store.get_setting(SETTING_KEY)
    return raw if raw in MODES else ""


def set_liveness_mode(store: Store, mode: str, actor: str = "admin") -> None:
    """Choose the mode for every kiosk on this database (audited); "" goes back to the config's."""
    if mode and mode not in MODES:
        raise ValueError(f"liveness mode must be one of {', '.join(MODES)}")
    old = liveness_setting(store)
    store.set_setting(SETTING_KEY, mode)
    if old != mode:
        store.audit(actor, "liveness_changed", f"presentation-attack check {mode or 'as in the config file'}")
