"""Errors the kiosk reports to a person: each message says what happened and what to do."""

from __future__ import annotations


class KioskError(Exception):
    """Base class for errors shown to the user as a clear message (never a traceback)."""


class ImageError(KioskError):
    """An image could not be read or used."""


class NoFaceError(KioskError):
    """No face was found where one was needed."""


class ModelError(KioskError):
    """A model file is missing, corrupt or unusable."""


class ConfigError(KioskError):
    """The configuration file holds a bad value."""


class StoreError(KioskError):
    """The database could not be used."""
