"""AdminController: the way from the kiosk screen into admin mode, and the only way out of the kiosk.

Wiring (after the kiosk window is built, e.g. in kiosk.ui.app.create_kiosk)::

    from kiosk.ui.admin import AdminController
    window.admin = AdminController(ctx, window)

The controller watches the window for the admin gesture (2-second press anywhere, or four taps in the
top-left corner), answers the window's ``close_requested`` (Ctrl+Q, the window manager's close) with
the login dialog (account + PIN; on a fresh kiosk the one-time setup code first), runs the admin panel with
the logged-in account's role, and applies attendance retention at startup and every hour.
While the panel is open it borrows the camera's frames for enrollment and recognition pauses.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QWidget

from kiosk.admin.accounts import allows
from kiosk.context import AppContext
from kiosk.errors import KioskError
from kiosk.ui.admin.frames import CameraTap
from kiosk.ui.admin.gesture import AdminGesture
from kiosk.ui.admin.keypad import PinDialog
from kiosk.ui.admin.panel import AdminPanel, AdminServices
from kiosk.ui.fullscreen import show_full_screen

log = logging.getLogger(__name__)

RETENTION_CHECK_MS = 60 * 60 * 1000  # hourly; the cutoff moves once a day, so this purges once a day


class AdminController(QObject):
    """Owns the admin flow for one kiosk window.

    ctx: the AppContext (its services, threshold, config); window: the kiosk window (any QWidget;
    the KioskWindow's ``close_requested``, ``set_close_allowed``, ``request_close``, ``camera`` and
    ``runner`` are used when present); frames: a frame provider for enrollment instead of the
    window's camera (tests, a second camera); clock: wall-clock seconds for the PIN lockout.
    ``actor`` and ``role`` are the account logged in now (None between sessions): every audit entry made
    from the admin screens names that account.
    """

    panel_opened = Signal(object)   # AdminPanel
    panel_closed = Signal()
    kiosk_closing = Signal()

    def __init__(self, ctx: AppContext, window: QWidget, frames: Any = None,
                 clock: Callable[[], float] = time.time) -> None:
        super().__init__(window)
        self.ctx = ctx
        self.window = window
        self.actor: str | None = None
        self.role: str | None = None
        self.accounts = ctx.accounts(clock)
        self.privacy = ctx.privacy
        self.pin_dialog: PinDialog | None = None
        self.panel: AdminPanel | None = None
        self._frames = frames
        self._tap: CameraTap | None = None
        self.gesture = AdminGesture(self)
        self.gesture.watch(window)
        self.gesture.triggered.connect(self.open_admin)
        close_requested = getattr(window, "close_requested", None)
        if close_requested is not None:
            close_requested.connect(self.open_admin)
        self.apply_retention()
        self._retention = QTimer(self)
        self._retention.setInterval(RETENTION_CHECK_MS)
        self._retention.timeout.connect(self.apply_retention)
        self._retention.start()

    # -- retention ----------------------------------------------------------------------------------
    def apply_retention(self) -> int:
        """Delete attendance past the retention period (the admin's setting, else the config's)."""
        try:
            days = self.privacy.retention_days()
            n = self.privacy.apply_retention(days)
        except KioskError as exc:  # a locked database must not stop the kiosk; the next hour retries
            log.warning("retention not applied: %s", exc)
            return 0
        if n:
            log.info("retention: deleted %d attendance event(s) older than %d day(s)", n, days)
        return n

    # -- entering admin -----------------------------------------------------------------------------
    def open_admin(self) -> QWidget:
        """The login dialog (or the first-start setup), then the panel; returns what is on screen now."""
        if self.panel is not None:
            self.panel.raise_()
            self.panel.activateWindow()
            return self.panel
        if self.pin_dialog is not None:
            self.pin_dialog.raise_()
            return self.pin_dialog
        mode = "login" if self.accounts.any() else "setup"
        dialog = PinDialog(self.accounts, mode, self.window)
        self.pin_dialog = dialog
        dialog.accepted.connect(lambda: self.show_panel(dialog.account, dialog.role))
        dialog.finished.connect(self._pin_finished)
        dialog.open()
        return dialog

    def _pin_finished(self, _result: int) -> None:
        if self.pin_dialog is not None:
            self.pin_dialog.deleteLater()
        self.pin_dialog = None

    def _frame_provider(self) -> Any:
        if self._frames is not None:
            return self._frames
        camera = getattr(self.window, "camera", None)
        if camera is None or not hasattr(camera, "frame_sink"):
            return None
        if self._tap is None:
            self._tap = CameraTap(camera, pause_recognition=True, parent=self)
        self._tap.start()
        return self._tap

    def show_panel(self, account: str | None, role: str | None) -> AdminPanel:
        """Open the admin panel for ``account`` (after its PIN), showing what its ``role`` may do."""
        if self.panel is not None:
            return self.panel
        ctx = self.ctx
        self.actor, self.role = account or "?", role
        # The camera is borrowed only for someone who may enroll: a viewer's session keeps checking people in.
        frames = self._frame_provider() if allows(role, "enroll") else None
        services = AdminServices(ctx.people, self.accounts, self.privacy, ctx.attendance_ledger, ctx.dead_letters)
        panel = AdminPanel(services, frames, ctx.threshold, self.actor, role=role or "", parent=self.window)
        self.panel = panel
        panel.close_kiosk.connect(self.close_kiosk)
        panel.finished.connect(self._panel_finished)
        if self.window.isFullScreen():
            show_full_screen(panel)  # covers the screen also without a window manager
        else:
            panel.resize(max(1024, self.window.width()), max(700, self.window.height()))
            panel.show()
        self.panel_opened.emit(panel)
        return panel

    def _panel_finished(self, _result: int) -> None:
        runner = getattr(self.window, "runner", None)
        if self._tap is not None:
            self._tap.stop()
            if runner is not None and hasattr(runner, "reset_tracks"):
                runner.reset_tracks()  # tracks from before the admin session are stale
        if runner is not None and hasattr(runner, "refresh_people"):
            # People may have been enrolled or deleted: the window's setup hint and count follow at once.
            runner.refresh_people()
        if self.panel is not None:
            self.panel.deleteLater()
        self.panel = None
        self.accounts.logout(self.actor or "?")
        self.actor = self.role = None
        self.panel_closed.emit()

    # -- leaving the kiosk --------------------------------------------------------------------------
    def close_kiosk(self) -> None:
        """Close the kiosk window (the panel's "Close kiosk")."""
        self.accounts.closed_kiosk(self.actor or "?")
        self.kiosk_closing.emit()
        allow = getattr(self.window, "set_close_allowed", None)
        if allow is not None:
            allow(True)
        request = getattr(self.window, "request_close", None)
        QTimer.singleShot(0, request if request is not None else self.window.close)
