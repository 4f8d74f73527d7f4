"""People changes (Qt-free): the one owner of enroll, import, edit, (de)activate, delete and re-embed
across the store, the local gallery and the change feed. The admin screens and the command line reach
people only through :class:`PeopleService`."""

from __future__ import annotations

from kiosk.people.service import (
    DuplicateFaceError,
    DuplicateMatch,
    EnrollResult,
    ImportProgress,
    ImportResult,
    PeopleService,
    groups,
    person_folders,
)
from kiosk.store import EventInfo, PersonInfo

__all__ = ["DuplicateFaceError", "DuplicateMatch", "EnrollResult", "EventInfo", "ImportProgress", "ImportResult",
           "PeopleService", "PersonInfo", "groups",
           "person_folders"]
