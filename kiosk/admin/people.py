"""People management that keeps the gallery in step with the store (Qt-free; used by the admin screens).

The store is the truth and the gallery a cache of its active people's templates, so every change
that affects matching goes through here: a rename updates the gallery's cached name, deactivation
drops the person's templates from the gallery, reactivation brings them back from the store.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kiosk.store import PersonInfo, Store

if TYPE_CHECKING:
    from kiosk.gallery import Gallery


def resync_gallery(gallery: Gallery) -> None:
    """Bring the gallery in line with the store (its fingerprint diff adds/removes what changed)."""
    sync = getattr(gallery, "sync", None)
    if callable(sync):
        sync()
    else:
        gallery.ready()


def edit_person(store: Store, gallery: Gallery, person_id: int, name: str | None = None,
                external_id: str | None = None, group: str | None = None, actor: str = "admin") -> PersonInfo:
    """Change name / external id / group (None leaves a field; "" clears id or group); the gallery's
    cached name follows so the kiosk greets the person by the new name at once."""
    info = store.update_person(person_id, name=name, external_id=external_id, group=group, actor=actor)
    set_name = getattr(gallery, "set_name", None)
    if callable(set_name):
        set_name(person_id, info.name)
    return info


def set_active(store: Store, gallery: Gallery, person_id: int, active: bool, actor: str = "admin") -> PersonInfo:
    """Deactivate (no longer recognised, data kept) or reactivate a person."""
    info = store.update_person(person_id, active=active, actor=actor)
    apply_people = getattr(gallery, "apply_people", None)
    if callable(apply_people):  # just this person, from the database (what the change feed does too)
        apply_people([person_id])
    elif active:
        resync_gallery(gallery)
    else:
        gallery.remove_person(person_id)
    return info


def groups(store: Store) -> list[str]:
    """The groups in use, sorted (for the group pickers)."""
    return sorted({p.group for p in store.list_people() if p.group}, key=str.lower)
