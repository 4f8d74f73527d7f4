"""Entry script of the frozen bundle: the ``kiosk`` command (no command opens the kiosk window)."""

from __future__ import annotations

import multiprocessing

from kiosk.cli.main import main

if __name__ == "__main__":
    # A frozen program that ever starts a worker process must answer its own re-launch first.
    multiprocessing.freeze_support()
    raise SystemExit(main())
