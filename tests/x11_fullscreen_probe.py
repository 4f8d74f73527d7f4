"""Run by tests/test_real_x11.py under a real X server: the kiosk window full screen (no camera).

Prints ``READY <X window id>`` once the window is exposed, then runs until the file named by the first
argument exists. Usage: ``QT_QPA_PLATFORM=xcb DISPLAY=:N python tests/x11_fullscreen_probe.py STOP_FILE``
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from kiosk.ui.fullscreen import show_full_screen
from kiosk.ui.window import KioskWindow


def main() -> int:
    """Show the window full screen and report its X window id."""
    stop = Path(sys.argv[1])
    app = QApplication(sys.argv[:1])
    window = KioskWindow(allow_close=True)
    show_full_screen(window)
    announced = False

    def poll() -> None:
        nonlocal announced
        if stop.exists():
            app.quit()
        elif not announced and window.windowHandle() is not None and window.windowHandle().isExposed():
            announced = True
            print("READY", int(window.winId()), app.platformName(), flush=True)

    timer = QTimer()
    timer.timeout.connect(poll)
    timer.start(50)
    return int(app.exec())


if __name__ == "__main__":
    raise SystemExit(main())
