"""The model manifest, finding and verifying model files, and converting the ones the kiosk makes itself (Qt-free)."""

from __future__ import annotations

from kiosk.modelzoo.locate import ModelLocator, ModelStatus
from kiosk.modelzoo.manifest import Manifest, ModelSpec, Pack, load_manifest

__all__ = ["Manifest", "ModelLocator", "ModelSpec", "ModelStatus", "Pack", "load_manifest"]
