"""The model manifest, and finding and verifying model files (Qt-free)."""

from __future__ import annotations

from kiosk.modelzoo.locate import ModelLocator, ModelStatus
from kiosk.modelzoo.manifest import Manifest, ModelSpec, Pack, load_manifest

__all__ = ["Manifest", "ModelLocator", "ModelSpec", "ModelStatus", "Pack", "load_manifest"]
