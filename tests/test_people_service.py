"""The people service end to end, with the real models and a real SQLite file: every change (enroll, add
shots, import, rename, edit, deactivate, reactivate, re-embed, delete) lands in the store, this kiosk's
gallery and the change feed together (the feed's last step names the person and the kind), a second gallery
following the feed ends up the same, and the service never calls the store under the gallery's lock."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import numpy as np
import pytest
from admin_helpers import ALEX_PNG, BIDEN, LIN_PNG, OBAMA, admin_context

from kiosk.enrollment import Enroller
from kiosk.gallery import FeedFollower, Gallery
from kiosk.people import DuplicateFaceError, PeopleService
from kiosk.store import Store, TemplateIn
from kiosk.vision.image_io import read_image

# Store calls that change people or templates: the service must never make them with a gallery lock held.
MUTATING = {"people.enroll", "templates.add_many", "people.update", "people.delete", "templates.replace",
            "templates.delete"}


class WatchedStore:
    """The real store, recording every call of its repositories made while the calling thread holds one of
    the gallery's locks (as "repository.method")."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self.gallery: Gallery | None = None
        self.under_index_lock: list[str] = []  # any store call under the lock searches take
        self.mutations_under_write: list[str] = []  # a change written while the gallery is mid-update

    def _note(self, name: str) -> None:
        g = self.gallery
        if g is not None:
            if g._lock._is_owned():
                self.under_index_lock.append(name)
            if name in MUTATING and g._write._is_owned():
                self.mutations_under_write.append(name)

    def __getattr__(self, part: str):
        return _WatchedPart(self, part, getattr(self._store, part))


class _WatchedPart:
    """One repository of a :class:`WatchedStore`: its calls are noted, its plain attributes passed through."""

    def __init__(self, watch: WatchedStore, part: str, repo) -> None:
        self._watch = watch
        self._part = part
        self._repo = repo

    def __getattr__(self, name: str):
        attr = getattr(self._repo, name)
        if not callable(attr):
            return attr

        def call(*args, **kwargs):
            self._watch._note(f"{self._part}.{name}")
            return attr(*args, **kwargs)

        return call


@pytest.fixture()
def world(tmp_path, pipeline):
    """A kiosk's context on a fresh SQLite file, its service over a watched store and its own gallery, and
    a second kiosk's gallery (own store connection) following the change feed."""
    ctx = admin_context(tmp_path / "home", pipeline)
    watched = WatchedStore(ctx.store)
    gallery = Gallery(watched.gallery_source, pipeline.model_id, pipeline.dim, ctx.match_threshold, ctx.match_margin)
    watched.gallery = gallery
    gallery.ready()
    enroller = Enroller(pipeline)
    service = PeopleService(watched, lambda: gallery, lambda: enroller)  # type: ignore[arg-type]
    other_store = Store.open(ctx.database_url)
    other = Gallery(other_store.gallery_source, pipeline.model_id, pipeline.dim, ctx.match_threshold, ctx.match_margin)
    other.ready()
    follower = FeedFollower(other, other_store.feed)
    yield ctx, service, gallery, other, follower, watched
    gallery.close()
    other.close()
    other_store.close()
    ctx.close()


def _embedding(pipeline, path: Path) -> np.ndarray:
    face = pipeline.largest_face(read_image(path))
    assert face is not None
    return face.embedding


def _state(gallery: Gallery) -> tuple[list[int], dict[int, str]]:
    return sorted(gallery.template_ids().tolist()), gallery.names()


def _check(ctx, gallery: Gallery, other: Gallery, follower: FeedFollower, watched: WatchedStore, since: int,
           person_id: int, kind: str) -> int:
    """The feed's last step is (person, kind); this gallery equals the database; the follower's gallery
    equals this one after catching up; no store call ran under the gallery's lock. Returns the new step."""
    store = ctx.store
    batch = store.feed.changes_since(since)
    assert batch.changes, f"no feed step for {kind}"
    last = batch.changes[-1].seq
    assert [(c.person_id, c.kind) for c in batch.changes if c.seq == last] == [(person_id, kind)]
    keys, _persons = store.gallery_source.gallery_keys(gallery.model_id)
    assert sorted(keys.tolist()) == sorted(gallery.template_ids().tolist()), f"{kind}: gallery != database"
    assert gallery.names() == store.gallery_source.gallery_names(gallery.model_id), f"{kind}: names != database"
    follower.catch_up()
    assert _state(other) == _state(gallery), f"{kind}: the second kiosk differs"
    assert other.synced_seq == store.feed.change_seq()
    assert watched.under_index_lock == [] and watched.mutations_under_write == []
    return last


def test_every_change_reaches_store_gallery_and_feed(world, pipeline) -> None:
    ctx, people, gallery, other, follower, watched = world
    store = ctx.store
    lin_face, alex_face = _embedding(pipeline, LIN_PNG), _embedding(pipeline, ALEX_PNG)
    seq = store.feed.change_seq()

    # enroll (from photos): person, templates, consent and audit in one transaction, then the gallery
    shots, rejected = people.enroller.shots_from_images([LIN_PNG])
    result = people.enroll("Lin-Manuel Miranda", shots, external_id="E-1", group="Cast", consent_by="desk",
                           actor="desk")
    lin = result.person_id
    assert rejected == [] and len(result.template_ids) == 1
    assert gallery.match(lin_face).person_id == lin
    seq = _check(ctx, gallery, other, follower, watched, seq, lin, "enroll")
    assert other.match(lin_face).name == "Lin-Manuel Miranda"  # the other kiosk recognises him
    assert any(a.actor == "desk" and a.action == "enroll" for a in store.audit.latest())

    # the duplicate check refuses the same face under another name, and writes nothing
    with pytest.raises(DuplicateFaceError) as dup:
        people.enroll("Someone Else", shots)
    assert dup.value.person_id == lin and dup.value.name == "Lin-Manuel Miranda"
    assert store.feed.change_seq() == seq and store.people.count() == 1

    # add shots to the person
    alex_shots, _ = people.enroller.shots_from_images([ALEX_PNG])
    assert len(people.add_shots(lin, alex_shots)) == 1
    assert gallery.size == 2
    seq = _check(ctx, gallery, other, follower, watched, seq, lin, "templates")

    # rename: both kiosks greet the new name at once
    people.edit(lin, name="Lin-Manuel", actor="desk")
    assert gallery.match(lin_face).name == "Lin-Manuel"
    seq = _check(ctx, gallery, other, follower, watched, seq, lin, "rename")
    assert other.match(lin_face).name == "Lin-Manuel"

    # edit without a rename (group, external id)
    info = people.edit(lin, external_id="", group="Band")
    assert (info.external_id, info.group) == (None, "Band") and people.groups() == ["Band"]
    seq = _check(ctx, gallery, other, follower, watched, seq, lin, "edit")

    # deactivate: never named again, anywhere; the data is kept
    people.deactivate(lin, actor="desk")
    assert gallery.match(lin_face).person_id is None and gallery.current_name(lin) is None
    seq = _check(ctx, gallery, other, follower, watched, seq, lin, "deactivate")
    assert other.match(lin_face).person_id is None
    assert not store.people.get(lin).active and len(store.templates.crops(lin)) == 2

    # reactivate: the templates come back from the database
    people.reactivate(lin, actor="desk")
    assert gallery.match(lin_face).person_id == lin and gallery.size == 2
    seq = _check(ctx, gallery, other, follower, watched, seq, lin, "reactivate")
    assert other.match(alex_face).person_id == lin

    # re-embed: a template made by another embedder moves to the active one from its crop
    old = store.people.enroll("Joe Biden", [TemplateIn(np.ones(pipeline.dim, np.float32), "old-embedder", None,
                                                       str(BIDEN), _crop(people, BIDEN))])[0]
    seq = _check(ctx, gallery, other, follower, watched, seq, old, "enroll")
    assert not gallery.has_person(old)  # nothing of the active embedder yet
    moved = people.reembed(actor="desk")
    assert moved.moved == 1 and gallery.has_person(old)
    assert gallery.match(_embedding(pipeline, BIDEN)).person_id == old
    seq = _check(ctx, gallery, other, follower, watched, seq, old, "reembed")

    # delete: templates and crops purged with the person, index entries gone, audited with the actor
    gone = people.delete(lin, actor="desk")
    assert gone is not None and gone.name == "Lin-Manuel" and gone.templates == 2
    assert store.people.get(lin) is None and store.templates.crops(lin) == []
    assert gallery.match(lin_face).person_id is None and gallery.size == 1
    seq = _check(ctx, gallery, other, follower, watched, seq, lin, "delete")
    assert other.match(lin_face).person_id is None
    assert any(a.actor == "desk" and a.action == "delete" and "purged" in a.detail for a in store.audit.latest())
    assert people.delete(lin) is None  # already gone: nothing happens
    assert store.feed.change_seq() == seq


def _crop(people: PeopleService, path: Path) -> bytes:
    shots, _ = people.enroller.shots_from_images([path])
    return shots[0].crop_jpeg


def test_import_enrolls_each_folder_and_reimport_adds_only_new_photos(world, pipeline, tmp_path) -> None:
    ctx, people, gallery, other, follower, watched = world
    store = ctx.store
    root = tmp_path / "photos"
    (root / "Barack Obama").mkdir(parents=True)
    shutil.copy(OBAMA[0], root / "Barack Obama" / OBAMA[0].name)
    (root / "Joe Biden").mkdir()
    shutil.copy(BIDEN, root / "Joe Biden" / BIDEN.name)
    seq = store.feed.change_seq()
    first = people.import_folder(root, group="Staff", consent_by="desk", actor="desk")
    assert (first.people, first.templates, first.rejected) == (2, 2, ())
    biden = store.people.by_name("Joe Biden")[0].id
    seq = _check(ctx, gallery, other, follower, watched, seq, biden, "enroll")  # one step per person
    obama = store.people.by_name("Barack Obama")[0].id
    assert {p.name: p.group for p in people.list_people()} == {"Barack Obama": "Staff", "Joe Biden": "Staff"}

    shutil.copy(OBAMA[1], root / "Barack Obama" / OBAMA[1].name)
    again = people.import_folder(root)
    assert (again.people, again.templates) == (0, 1)  # only the new photo
    _check(ctx, gallery, other, follower, watched, seq, obama, "templates")
    assert store.people.get(obama).templates == 2


def test_list_reads_open_no_gallery(tmp_path, pipeline) -> None:
    """Listing people (the admin's people page) opens neither the models nor the gallery."""
    ctx = admin_context(tmp_path / "home", pipeline)
    opened = threading.Event()

    def gallery() -> Gallery:
        opened.set()
        return ctx.gallery

    service = PeopleService(ctx.store, gallery)
    pid = ctx.store.people.add("Ada Lovelace", group="Maths")
    assert [p.id for p in service.list_people(search="math")] == [pid]
    assert service.get_person(pid).name == "Ada Lovelace" and service.groups() == ["Maths"]
    assert service.face_crops(pid) == [] and not opened.is_set()
    ctx.close()
