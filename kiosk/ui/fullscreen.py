"""Full screen that covers the whole screen with or without a window manager.

``QWidget.showFullScreen()`` only asks the window manager for full screen (the EWMH
``_NET_WM_STATE_FULLSCREEN`` hint on X11); with no window manager, as in a bare ``xinit`` kiosk, nobody
acts on it and the window keeps its preferred size in the corner (a 1280x800 screen showed a 488x353
window). So the window is also given its screen's whole geometry, and given it again whenever that
screen changes size (another monitor or resolution, ``xrandr -s``) or the window moves to another screen:
Qt does not resize a full-screen window itself (measured under Xvnc: the screen went to 1024x768, the
window stayed 1280x800). A window manager that honours the hint computes the same geometry, so nothing
fights; the offscreen and Wayland platforms apply full screen themselves and the extra geometry is the
same rectangle.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QRect, Qt
from PySide6.QtGui import QGuiApplication, QScreen
from PySide6.QtWidgets import QWidget


class ScreenFollower(QObject):
    """Keeps a full-screen top-level widget on its screen's whole geometry (child of that widget)."""

    def __init__(self, widget: QWidget) -> None:
        # The widget is reached through parent(), never held: a Python reference back to it would make
        # a cycle whose collection (at any allocation, even mid-paint) deletes a window still in use.
        super().__init__(widget)
        self._screen: QScreen | None = None
        handle = widget.windowHandle()
        if handle is not None:
            handle.screenChanged.connect(self._on_screen_changed)
        self._on_screen_changed(widget.screen())

    def _on_screen_changed(self, screen: QScreen | None) -> None:
        if self._screen is not None:
            self._screen.geometryChanged.disconnect(self._fit)
        self._screen = screen
        if screen is not None:
            screen.geometryChanged.connect(self._fit)
        self._fit()

    def _fit(self, *_: object) -> None:
        widget = self.parent()
        # Only while full screen: an admin who left full screen keeps the size they chose.
        if self._screen is not None and isinstance(widget, QWidget) and widget.isFullScreen():
            fit_to_screen(widget, self._screen)


def fit_to_screen(widget: QWidget, screen: QScreen) -> None:
    """Give ``widget`` the whole of ``screen`` (not its available geometry: a kiosk covers panels too)."""
    geometry: QRect = screen.geometry()
    if widget.geometry() == geometry:
        return
    handle = widget.windowHandle()
    if handle is not None and widget.isVisible():
        # Through the native window: QWidget.setGeometry would drop the full-screen state (and with it
        # the window manager's full-screen hint).
        handle.setGeometry(geometry)
    else:
        widget.setGeometry(geometry)


def show_full_screen(widget: QWidget) -> None:
    """Show a top-level ``widget`` full screen on its screen, also when no window manager runs."""
    screen = widget.screen() or QGuiApplication.primaryScreen()
    if screen is not None:
        # Before showing: the first map already has the right size, and Qt records it as the
        # "normal" geometry instead of the small preferred size.
        fit_to_screen(widget, screen)
    widget.showFullScreen()
    if widget.findChild(ScreenFollower, options=Qt.FindChildOption.FindDirectChildrenOnly) is None:
        ScreenFollower(widget)  # needs the native window, which showFullScreen created
