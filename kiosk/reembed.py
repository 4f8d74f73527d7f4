"""Moving face templates to the active embedder from their stored aligned crops (Qt-free).

When the model pack changes (a new embedder), the templates in the database were made by another
embedder and match nothing. Every template keeps the padded canonical crop it was made from
(:func:`kiosk.vision.align.canonical_crop`), so the active embedder can re-embed it without anyone
re-enrolling. :func:`reembed_templates` does that at startup (the window, ``kiosk run`` and every
command that opens the gallery, through :meth:`kiosk.context.AppContext.move_templates`) and for
``kiosk reembed``.

Crash safety and resume: templates are moved in batches of whole people. A batch is embedded
first (the slow part, outside any transaction), then one transaction inserts a new row per template
for the active model and deletes the row it came from (``store.templates.replace``). At every
commit each template exists exactly once, for one model, so a kill at any point leaves every
person with their old templates or their new ones (never neither) and nothing is lost; what is
still tagged with another model is exactly what is left to do, so the next start simply carries on.

A template whose crop cannot be re-embedded (none stored, unreadable, no face to align) keeps its
old row: it is unused by the new embedder but not lost, and it is reported (:class:`NotMoved`).
Those ids are remembered per target model in the settings table so that later startups report
them without trying again (``kiosk reembed`` tries them again).
"""

from __future__ import annotations

import json
import logging
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import cv2
import numpy as np

from kiosk.vision.align import CANONICAL_KPS, CANONICAL_SIZE

if TYPE_CHECKING:
    from kiosk.store import Store
    from kiosk.vision.pipeline import FacePipeline

log = logging.getLogger(__name__)

# Templates per transaction (whole people, so a batch can be a little larger). 32 dlib-ResNet
# embeddings take ~0.5 s on one core: a kill loses at most that much work, and the commit cost
# (one fsync with SQLite) stays negligible.
BATCH_TEMPLATES = 32
# Settings key (per target model) listing the templates that could not be moved, with the reason.
STUCK_KEY = "reembed_stuck:{model}"

NO_CROP = "no stored face crop"
UNREADABLE = "the stored face crop is unreadable"
NO_ALIGNMENT = "no face found in the stored crop: it cannot be aligned"
BAD_EMBEDDING = "the embedder gave no usable embedding for the stored crop"


@dataclass(frozen=True, slots=True)
class ReembedProgress:
    """Where a move is: ``done`` of ``total`` templates handled (moved or not), ``moved`` of them moved."""

    done: int
    total: int
    moved: int
    model_id: str


@dataclass(frozen=True, slots=True)
class NotMoved:
    """A template that could not be moved to the active embedder (its old row is kept), and why."""

    template_id: int
    person_id: int
    name: str
    reason: str
    from_model: str

    def to_json(self) -> dict[str, object]:
        """JSON form."""
        return {"template_id": self.template_id, "person_id": self.person_id, "name": self.name,
                "reason": self.reason, "from_model": self.from_model}


@dataclass(frozen=True, slots=True)
class PersonNotMoved:
    """A person with templates left behind; ``recognised`` when they still have templates for the new model."""

    person_id: int
    name: str
    templates: tuple[int, ...]
    reasons: tuple[str, ...]
    recognised: bool

    def to_json(self) -> dict[str, object]:
        """JSON form."""
        return {"person_id": self.person_id, "name": self.name, "templates": list(self.templates),
                "reasons": list(self.reasons), "recognised": self.recognised}

    def describe(self) -> str:
        """One line for logs and the command line."""
        state = "still recognised by their other photos" if self.recognised else "NOT recognised until re-enrolled"
        return (f"{self.name} (person {self.person_id}): {len(self.templates)} template(s) not moved "
                f"({'; '.join(self.reasons)}); {state}")


@dataclass(frozen=True, slots=True)
class ReembedResult:
    """What a move did.

    ``moved``: templates moved by this run; ``from_models``: how many came from each other model;
    ``failed``: templates tried in this run that could not be moved; ``not_moved``: every template
    still left with another model (``failed`` plus those that failed before and were not retried),
    grouped by person in :attr:`people_not_moved`.
    """

    model_id: str
    moved: int
    people: int
    from_models: dict[str, int] = field(default_factory=dict)
    failed: tuple[NotMoved, ...] = ()
    not_moved: tuple[NotMoved, ...] = ()
    people_not_moved: tuple[PersonNotMoved, ...] = ()
    seconds: float = 0.0
    cancelled: bool = False

    @property
    def nothing_to_do(self) -> bool:
        """True when no template needed moving (and none is left behind)."""
        return self.moved == 0 and not self.not_moved and not self.cancelled

    def to_json(self) -> dict[str, object]:
        """The ``kiosk reembed --json`` form (``model``, ``reembedded`` and ``failed`` as before)."""
        return {"model": self.model_id, "reembedded": self.moved, "people": self.people,
                "from_models": dict(self.from_models), "failed": [f.to_json() for f in self.failed],
                "not_moved": [p.to_json() for p in self.people_not_moved],
                "seconds": round(self.seconds, 3), "cancelled": self.cancelled}


def _decode(crop: bytes | None) -> tuple[np.ndarray | None, str]:
    """The crop as a BGR image, or None and why not."""
    if not crop:
        return None, NO_CROP
    # A truncated JPEG still decodes (libjpeg fills the rest with grey): its end-of-image marker is missing.
    if not crop.startswith(b"\xff\xd8") or not crop.rstrip(b"\x00").endswith(b"\xff\xd9"):
        return None, UNREADABLE
    img = cv2.imdecode(np.frombuffer(crop, np.uint8), cv2.IMREAD_COLOR)
    if img is None or img.ndim != 3 or min(img.shape[:2]) < 16:
        return None, UNREADABLE
    return img, ""


def _keypoints(pipeline: FacePipeline, img: np.ndarray) -> np.ndarray | None:
    """The five keypoints of the face in a stored crop.

    A canonical crop has them at CANONICAL_KPS by construction: re-aligning from there reproduces
    the enrollment's alignment (measured on 150 LFW faces, MobileFaceNet crops re-embedded by dlib's
    ResNet: cosine 0.996 to embedding the original photo; detecting the face in the crop instead:
    0.996, at 1.6x the time). A crop of another size (made by another version) is searched with
    the active detector; None when it holds no face.
    """
    if img.shape[:2] == (CANONICAL_SIZE, CANONICAL_SIZE):
        return CANONICAL_KPS.astype(np.float32)
    dets = pipeline.detect(img)
    if not dets:
        return None
    return max(dets, key=lambda d: d.area).kps


def embed_crops(pipeline: FacePipeline, crops: Sequence[bytes | None]) -> list[np.ndarray | str]:
    """The active embedder's embedding of each stored crop, or the reason it has none.

    Runs the embedder directly (one batch): call it while nothing else uses the pipeline (at
    startup, before recognition begins).
    """
    emb = pipeline.embedder
    out: list[np.ndarray | str] = []
    aligned: list[np.ndarray] = []
    slots: list[int] = []
    for crop in crops:
        img, why = _decode(crop)
        kps = None if img is None else _keypoints(pipeline, img)
        if img is not None and kps is None:
            why = NO_ALIGNMENT
        if img is None or kps is None:
            out.append(why)
            continue
        slots.append(len(out))
        out.append("")
        aligned.append(emb.align(img, kps))
    if aligned:
        # In slices: one person's batch can be large, and the network's input grows with it.
        vectors = np.vstack([emb.embed(aligned[i : i + BATCH_TEMPLATES])
                             for i in range(0, len(aligned), BATCH_TEMPLATES)])
        for slot, v in zip(slots, vectors, strict=True):
            ok = bool(np.all(np.isfinite(v))) and float(np.linalg.norm(v)) > 0.5
            out[slot] = np.asarray(v, np.float32) if ok else BAD_EMBEDDING
    return out


def _batches(todo: Sequence[tuple[int, int, str]], size: int) -> list[list[tuple[int, int, str]]]:
    """Whole people per batch, about ``size`` templates each (todo is ordered by person)."""
    batches: list[list[tuple[int, int, str]]] = []
    current: list[tuple[int, int, str]] = []
    for row in todo:
        if len(current) >= size and current[-1][1] != row[1]:
            batches.append(current)
            current = []
        current.append(row)
    if current:
        batches.append(current)
    return batches


def _read_stuck(store: Store, model_id: str) -> dict[int, str]:
    raw = store.settings.get(STUCK_KEY.format(model=model_id))
    if not raw:
        return {}
    try:
        return {int(k): str(v) for k, v in json.loads(raw).items()}
    except (ValueError, AttributeError):
        log.warning("ignoring an unreadable %s setting", STUCK_KEY.format(model=model_id))
        return {}


def _write_stuck(store: Store, model_id: str, stuck: dict[int, str], before: dict[int, str]) -> None:
    if stuck != before:
        store.settings.set(STUCK_KEY.format(model=model_id), json.dumps({str(k): v for k, v in sorted(stuck.items())}))


def count_to_move(store: Store, model_id: str) -> int:
    """How many templates a startup move would try (other models' templates not already known to fail).

    Cheap (ids only, no model loaded): the window asks this before showing its progress screen.
    """
    stuck = _read_stuck(store, model_id)
    return sum(1 for tid, _, _ in store.templates.of_other_models(model_id) if tid not in stuck)


def left_behind(store: Store, model_id: str) -> tuple[list[NotMoved], list[PersonNotMoved], int]:
    """Templates of other models that a move could not take, grouped by person, and how many other-model
    templates are still waiting to be tried (``kiosk doctor``; nothing is loaded or changed)."""
    rows = store.templates.of_other_models(model_id)
    stuck = _read_stuck(store, model_id)
    left = [(tid, pid, m) for tid, pid, m in rows if tid in stuck]
    items = _not_moved(store, left, stuck)
    return items, _by_person(store, model_id, items), len(rows) - len(left)


# People per query when naming those left behind (a database whose crops are all missing can leave
# everyone behind: SQLite allows at most 32766 bound values in one statement).
_QUERY_CHUNK = 5000


def _not_moved(store: Store, rows: Sequence[tuple[int, int, str]], reasons: dict[int, str]) -> list[NotMoved]:
    pids = sorted({pid for _, pid, _ in rows})
    names: dict[int, str] = {}
    for i in range(0, len(pids), _QUERY_CHUNK):
        names.update(store.gallery_source.person_names(pids[i : i + _QUERY_CHUNK]))
    return [NotMoved(tid, pid, names.get(pid, "?"), reasons[tid], m) for tid, pid, m in rows]


def _by_person(store: Store, model_id: str, items: Sequence[NotMoved]) -> list[PersonNotMoved]:
    groups: dict[int, list[NotMoved]] = {}
    for item in items:
        groups.setdefault(item.person_id, []).append(item)
    pids = sorted(groups)
    with_new: set[int] = set()
    for i in range(0, len(pids), _QUERY_CHUNK):
        with_new |= store.templates.people_with(pids[i : i + _QUERY_CHUNK], model_id)
    out = [PersonNotMoved(pid, mine[0].name, tuple(i.template_id for i in mine),
                          tuple(dict.fromkeys(i.reason for i in mine)), pid in with_new)
           for pid, mine in groups.items()]
    return sorted(out, key=lambda p: (p.recognised, p.name.lower(), p.person_id))


def reembed_templates(store: Store, pipeline: FacePipeline, *, retry_failed: bool = False,
                      on_progress: Callable[[ReembedProgress], None] | None = None,
                      cancelled: Callable[[], bool] | None = None, batch: int = BATCH_TEMPLATES,
                      actor: str = "system") -> ReembedResult:
    """Move every template made by another embedder to ``pipeline``'s embedder (see the module doc).

    Resumable: run it again after a crash or ``cancelled`` and it does what is left. Templates that
    failed before are reported without being tried again unless ``retry_failed``. ``on_progress``
    is called once before the first batch and after each committed batch; ``cancelled`` is checked
    between batches. One audit-log entry records a run that moved anything.
    """
    start = time.perf_counter()
    model_id = pipeline.model_id
    stuck_before = _read_stuck(store, model_id)
    rows = store.templates.of_other_models(model_id)
    still_there = {tid for tid, _, _ in rows}
    # Forget failures of templates that are gone (person deleted or re-enrolled, moved by `kiosk reembed`).
    stuck = {tid: why for tid, why in stuck_before.items() if tid in still_there}
    todo = rows if retry_failed else [r for r in rows if r[0] not in stuck]
    if retry_failed:
        stuck = {}
    total = len(todo)
    moved, people, done = 0, 0, 0
    from_models: dict[str, int] = {}
    failed_rows: list[tuple[int, int, str]] = []
    is_cancelled = False
    if total:
        log.info("moving %d face template(s) to the embedder %s from their stored crops", total, model_id)
    if on_progress is not None and total:
        on_progress(ReembedProgress(0, total, 0, model_id))
    batches = _batches(todo, max(1, batch))
    # Kiosks sharing a database and started together (one update for all) would otherwise embed the
    # same batches in lockstep, one of them always losing the race: each starts at a random batch.
    first = random.randrange(len(batches)) if len(batches) > 1 else 0
    for chunk in batches[first:] + batches[:first]:
        if cancelled is not None and cancelled():
            is_cancelled = True
            break
        crops = store.templates.crops_by_id([tid for tid, _, _ in chunk])
        present = [r for r in chunk if r[0] in crops]  # a person deleted meanwhile: nothing to move
        results = embed_crops(pipeline, [crops[tid] for tid, _, _ in present])
        good = [(r, v) for r, v in zip(present, results, strict=True) if not isinstance(v, str)]
        bad = [(r, v) for r, v in zip(present, results, strict=True) if isinstance(v, str)]
        replaced = store.templates.replace(model_id, [(r[0], v) for r, v in good])
        for (tid, _pid, m), _ in good:
            if tid in replaced:
                from_models[m] = from_models.get(m, 0) + 1
        moved += len(replaced)
        people += len({r[1] for r, _ in good if r[0] in replaced})
        for r, why in bad:
            stuck[r[0]] = str(why)
            failed_rows.append(r)
        done += len(chunk)
        if on_progress is not None:
            on_progress(ReembedProgress(done, total, moved, model_id))
    failed = _not_moved(store, failed_rows, stuck)
    # What was tried and failed, plus what failed in an earlier run and was not tried now.
    _write_stuck(store, model_id, stuck, stuck_before)
    left_rows = [r for r in rows if r[0] in stuck]
    not_moved = _not_moved(store, left_rows, stuck)
    by_person = _by_person(store, model_id, not_moved)
    seconds = time.perf_counter() - start
    if moved:
        store.audit.record(actor, "reembed", f"{moved} template(s) of {people} people moved to {model_id} from "
                    + ", ".join(f"{m} ({n})" for m, n in sorted(from_models.items()))
                    + (f"; {len(failed)} could not be moved" if failed else ""))
        log.info("moved %d template(s) of %d people to %s in %.1f s", moved, people, model_id, seconds)
    return ReembedResult(model_id, moved, people, from_models, tuple(failed), tuple(not_moved), tuple(by_person),
                         seconds, is_cancelled)
