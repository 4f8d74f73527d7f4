"""Admin mode (Qt): PIN keypad, admin panel, guided enrollment, people, attendance, privacy.

Entry point for the kiosk window: ``AdminController(ctx, window)`` (see kiosk.ui.admin.controller).
"""

from __future__ import annotations

from kiosk.ui.admin.controller import AdminController

__all__ = ["AdminController"]
