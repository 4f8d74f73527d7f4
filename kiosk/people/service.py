"""The people service (Qt-free): every change to people and their face templates, in one place.

Enroll (from shots or photos, with the duplicate check), add shots, import a folder, edit (name,
external id, group), deactivate, reactivate, delete and re-embed. Each change is

1. one store call: one transaction that also bumps the change feed (the store's mutating methods
   do that), so every other kiosk on the database follows it (:class:`kiosk.gallery.FeedFollower`);
2. then the local gallery's update, with everything it needs read from the store *before* (names,
   vectors), so no store call runs under the gallery's locks and this kiosk sees the change at once
   rather than at the feed's next poll (applying the same step again from the feed changes nothing).

The command line and the admin screens use only this service for people (reads included), so the
rules (duplicates, re-import, audit with the actor, purge on delete) live here and nowhere else.
Turning photos and frames into faces stays with :class:`kiosk.enrollment.Enroller`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk.enrollment import Enroller, Rejected, Shot, list_images
from kiosk.errors import KioskError, NoFaceError
from kiosk.store import EventInfo, PersonInfo, Store, TemplateIn

if TYPE_CHECKING:
    from kiosk.gallery import Gallery
    from kiosk.reembed import ReembedProgress, ReembedResult

log = logging.getLogger(__name__)


class DuplicateFaceError(KioskError):
    """The face already belongs to another enrolled person."""

    def __init__(self, person_id: int, name: str, similarity: float) -> None:
        super().__init__(f"this face matches {name} (person {person_id}, similarity {similarity:.2f}); "
                         f"use --allow-duplicate to enroll anyway")
        self.person_id = person_id
        self.name = name
        self.similarity = similarity


@dataclass(frozen=True, slots=True)
class DuplicateMatch:
    """An enrolled person a new face already matches (above the gallery's threshold)."""

    person_id: int
    name: str
    similarity: float


@dataclass(frozen=True, slots=True)
class EnrollResult:
    """What an enrollment stored."""

    person_id: int
    template_ids: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class ImportProgress:
    """Where a folder import is: ``done`` of ``total`` person folders, the one being read now."""

    done: int
    total: int
    current: str


@dataclass(frozen=True, slots=True)
class ImportResult:
    """What a folder import stored and what it skipped."""

    people: int
    templates: int
    rejected: tuple[Rejected, ...]
    cancelled: bool = False

    def to_json(self) -> dict[str, object]:
        """The ``kiosk import --json`` form: people, templates, rejected."""
        return {"people": self.people, "templates": self.templates, "rejected": [r.to_json() for r in self.rejected]}


def person_folders(root: Path) -> list[Path]:
    """The person sub-folders of an import folder (``root/<person name>/``), sorted; KioskError when
    ``root`` is not a folder."""
    if not root.is_dir():
        raise KioskError(f"{root}: not a folder (expected {root}/<person name>/*.jpg)")
    return sorted(p for p in root.iterdir() if p.is_dir())


def groups(store: Store) -> list[str]:
    """The groups in use, sorted (for the group pickers)."""
    return sorted({p.group for p in store.people.list() if p.group}, key=str.lower)


class PeopleService:
    """Owns every people change across the store, the local gallery and the change feed.

    store: the database. gallery: returns the ready gallery of the active embedder (called only by
    changes that need it: opening the people list loads no model). enroller: returns the face finder
    (models; needed by enrollment, imports and re-embedding).
    """

    def __init__(self, store: Store, gallery: Callable[[], Gallery],
                 enroller: Callable[[], Enroller] | None = None) -> None:
        self.store = store
        self._gallery_factory = gallery
        self._enroller_factory = enroller
        self._gallery: Gallery | None = None

    # --- parts ------------------------------------------------------------------------------------

    @property
    def gallery(self) -> Gallery:
        """The local gallery (opened on first use)."""
        if self._gallery is None:
            self._gallery = self._gallery_factory()
        return self._gallery

    @property
    def enroller(self) -> Enroller:
        """The face finder: photos and camera frames to shots (models load on first use)."""
        if self._enroller_factory is None:
            raise KioskError("this people service was built without a face pipeline")
        return self._enroller_factory()

    @property
    def model_id(self) -> str:
        """The active embedder's id (templates are stored with it)."""
        return self.enroller.pipeline.model_id

    # --- reads ------------------------------------------------------------------------------------

    def list_people(self, search: str | None = None, active_only: bool = False) -> list[PersonInfo]:
        """People sorted by name; ``search`` matches name, external id or group."""
        return self.store.people.list(active_only=active_only, search=search)

    def get_person(self, person_id: int) -> PersonInfo | None:
        """One person, or None."""
        return self.store.people.get(person_id)

    def count_people(self, active_only: bool = True) -> int:
        """How many people (active ones by default)."""
        return self.store.people.count(active_only=active_only)

    def groups(self) -> list[str]:
        """The groups in use, sorted (for the group pickers)."""
        return groups(self.store)

    def face_crops(self, person_id: int) -> list[bytes]:
        """A person's stored aligned face crops (JPEG), oldest first (thumbnails)."""
        return self.store.templates.crops(person_id)

    def history(self, person_id: int, start: datetime, end: datetime) -> list[EventInfo]:
        """A person's attendance with start <= ts < end, oldest first."""
        return self.store.attendance.between(start, end, person_id=person_id)

    # --- enrollment -------------------------------------------------------------------------------

    def find_duplicate(self, shots: Sequence[Shot]) -> DuplicateMatch | None:
        """The enrolled person any of these faces already matches (above threshold), best first."""
        gallery = self.gallery
        best: DuplicateMatch | None = None
        for shot in shots:
            m = gallery.match(shot.face.embedding)
            if m.candidate_id is not None and m.similarity >= gallery.threshold and (
                    best is None or m.similarity > best.similarity):
                best = DuplicateMatch(m.candidate_id, "", m.similarity)
        if best is None:
            return None
        # The gallery's cached name first: it is current (the feed keeps it) and needs no database call.
        name = (gallery.current_name(best.person_id)
                or self.store.gallery_source.person_names([best.person_id]).get(best.person_id))
        return DuplicateMatch(best.person_id, name or "?", best.similarity)

    def _templates(self, shots: Sequence[Shot]) -> list[TemplateIn]:
        model_id = self.model_id
        return [TemplateIn(s.face.embedding, model_id, s.face.quality, s.source, s.crop_jpeg) for s in shots]

    def enroll(self, name: str, shots: Sequence[Shot], external_id: str | None = None, group: str | None = None,
               allow_duplicate: bool = False, consent_by: str | None = None, actor: str = "admin") -> EnrollResult:
        """Store a new person with these faces (one transaction, feed included) and add them to the gallery.

        DuplicateFaceError when a face matches someone enrolled (unless ``allow_duplicate``);
        NoFaceError without shots.
        """
        if not shots:
            raise NoFaceError(f"no usable face to enroll {name!r}")
        if not allow_duplicate:
            dup = self.find_duplicate(shots)
            if dup is not None:
                raise DuplicateFaceError(dup.person_id, dup.name, dup.similarity)
        gallery = self.gallery
        pid, tids = self.store.people.enroll(name, self._templates(shots), external_id, group, consent_by, actor)
        stored_name = name.strip()  # what the store saved: the gallery need not read it back under its lock
        for tid, s in zip(tids, shots, strict=True):
            gallery.add(tid, pid, s.face.embedding, name=stored_name)
        return EnrollResult(pid, tuple(tids))

    def add_shots(self, person_id: int, shots: Sequence[Shot]) -> tuple[int, ...]:
        """More templates for an existing person (one transaction); an inactive person's stay out of the gallery."""
        if not shots:
            return ()
        gallery = self.gallery
        tids = self.store.templates.add_many(person_id, self._templates(shots))
        info = self.store.people.get(person_id)
        if info is not None and info.active:
            for tid, s in zip(tids, shots, strict=True):
                gallery.add(tid, person_id, s.face.embedding, name=info.name)
        return tuple(tids)

    def import_folder(self, root: str | Path, group: str | None = None, allow_duplicate: bool = False,
                      on_progress: Callable[[ImportProgress], None] | None = None,
                      cancelled: Callable[[], bool] | None = None, consent_by: str = "import",
                      actor: str = "cli") -> ImportResult:
        """Enroll ``root/<person name>/*.jpg``: one person per sub-folder (the CLI and the admin screen).

        A folder whose name already belongs to exactly one person adds only the photos not stored yet
        (re-running an import is safe). A face that matches someone else is skipped (listed in
        ``rejected``) unless ``allow_duplicate``. Each person is one transaction, so ``cancelled``
        (checked between folders) stops cleanly with everything before it kept.
        ``on_progress`` is called before each folder and once at the end.
        """
        folders = person_folders(Path(root))
        people = templates = 0
        rejected: list[Rejected] = []
        total = len(folders)
        for i, folder in enumerate(folders):
            if cancelled is not None and cancelled():
                return ImportResult(people, templates, tuple(rejected), cancelled=True)
            if on_progress is not None:
                on_progress(ImportProgress(i, total, folder.name))
            images = list_images(folder)
            if not images:
                rejected.append(Rejected(str(folder), "no image files"))
                continue
            shots, bad = self.enroller.shots_from_images(images)
            rejected.extend(bad)
            if not shots:
                continue
            existing = self.store.people.by_name(folder.name)
            if len(existing) == 1:  # re-import: only photos not stored yet
                known = self.store.templates.sources(existing[0].id)
                templates += len(self.add_shots(existing[0].id, [s for s in shots if s.source not in known]))
                continue
            try:
                r = self.enroll(folder.name, shots, group=group, allow_duplicate=allow_duplicate,
                                consent_by=consent_by, actor=actor)
            except DuplicateFaceError as exc:
                rejected.extend(Rejected(s.source, f"matches {exc.name} (person {exc.person_id}, "
                                                   f"{exc.similarity:.2f})") for s in shots)
                continue
            people += 1
            templates += len(r.template_ids)
        if on_progress is not None:
            on_progress(ImportProgress(total, total, ""))
        return ImportResult(people, templates, tuple(rejected))

    # --- changes to enrolled people ---------------------------------------------------------------

    def edit(self, person_id: int, name: str | None = None, external_id: str | None = None,
             group: str | None = None, actor: str = "admin") -> PersonInfo:
        """Change name / external id / group (None leaves a field; "" clears id or group); the gallery's
        cached name follows so this kiosk greets the person by the new name at once."""
        gallery = self.gallery
        info = self.store.people.update(person_id, name=name, external_id=external_id, group=group, actor=actor)
        if info.active and gallery.has_person(person_id):
            gallery.set_name(person_id, info.name)
        return info

    def deactivate(self, person_id: int, actor: str = "admin") -> PersonInfo:
        """No longer recognised (their templates leave the gallery); their data is kept."""
        gallery = self.gallery
        info = self.store.people.update(person_id, active=False, actor=actor)
        gallery.remove_person(person_id)
        return info

    def reactivate(self, person_id: int, actor: str = "admin") -> PersonInfo:
        """Recognised again: their templates of the active embedder come back into the gallery."""
        gallery = self.gallery
        info = self.store.people.update(person_id, active=True, actor=actor)
        # Read the templates first, then hand them to the gallery: no database call under its lock.
        state = self.store.gallery_source.gallery_people(gallery.model_id, [person_id])
        name = state.names.get(person_id)
        if name is not None:
            for tid, vector in zip(state.keys.tolist(), state.vectors, strict=True):
                gallery.add(tid, person_id, vector, name=name)
        return info

    def set_active(self, person_id: int, active: bool, actor: str = "admin") -> PersonInfo:
        """:meth:`reactivate` or :meth:`deactivate`."""
        return self.reactivate(person_id, actor) if active else self.deactivate(person_id, actor)

    def delete(self, person_id: int, actor: str = "admin") -> PersonInfo | None:
        """Delete a person: their templates and crops go in the same transaction (audited with ``actor``),
        then their index entries, and the index files are rewritten at once (the old generation, which
        still holds their vectors, is deleted by the save); attendance rows stay with the name copied in.
        Returns the person as they were, or None when there was no such person."""
        gallery = self.gallery
        info = self.store.people.get(person_id)
        if info is None or not self.store.people.delete(person_id, actor):
            return None
        gallery.remove_person(person_id)
        gallery.flush()
        return info

    # --- re-embedding -----------------------------------------------------------------------------

    def reembed(self, on_progress: Callable[[ReembedProgress], None] | None = None,
                cancelled: Callable[[], bool] | None = None, retry_failed: bool = False,
                actor: str = "system") -> ReembedResult:
        """Move templates of other embedders to the active one from their stored crops (:mod:`kiosk.reembed`).

        Runs before the gallery opens at every start, so it never opens the gallery itself; when this
        service already has it open, the gallery is brought in line afterwards.
        """
        from kiosk.reembed import reembed_templates

        result = reembed_templates(self.store, self.enroller.pipeline, retry_failed=retry_failed,
                                   on_progress=on_progress, cancelled=cancelled, actor=actor)
        if result.moved and self._gallery is not None:
            self._gallery.sync()
        return result
