"""Log files: ``logs/kiosk.log`` in the data folder, size-capped and rotated.

A kiosk runs unattended for months; when recognition stops or the database goes away, the site admin
needs to see what happened after the fact, not only on a console nobody watches. The file gets the
config's ``[logging] level``; the console keeps WARNING (``-v``: DEBUG).
"""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

LOG_FILE = "kiosk.log"
# 5 files of 1 MB: weeks of INFO lines at a busy site, and a bound on the disk a fault loop can fill.
MAX_BYTES = 1 << 20
BACKUPS = 4
FORMAT = "%(asctime)s %(levelname)s %(process)d %(threadName)s %(name)s: %(message)s"


def start_file_log(folder: Path, level: str) -> logging.Handler | None:
    """Add a rotating file handler at ``level`` to the root logger; None (and a console warning) when
    the folder cannot be written: a read-only data folder must not stop the kiosk."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(folder / LOG_FILE, maxBytes=MAX_BYTES, backupCount=BACKUPS,
                                                       encoding="utf-8")
    except OSError as exc:
        logging.getLogger(__name__).warning("cannot write log files in %s: %s", folder, exc)
        return None
    handler.setLevel(getattr(logging, level.upper(), logging.INFO))
    handler.setFormatter(logging.Formatter(FORMAT))
    root = logging.getLogger()
    root.addHandler(handler)
    # The root passes on what the most talkative handler wants; each handler filters for itself.
    root.setLevel(min(root.level or logging.WARNING, handler.level))
    return handler
