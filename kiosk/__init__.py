"""Face check-in kiosk: real-time CPU face recognition and attendance."""

from __future__ import annotations

__version__ = "0.1.0"
