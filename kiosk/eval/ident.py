"""Open-set identification on LFW: enrolled people, their later photos, and strangers never enrolled.

Protocol (the kiosk's real question: "is this one of my people, and who?"):

* known people: every LFW person with at least ``min_images`` photos (4 → 610 people); the first
  ``enroll`` photo(s) become their templates, the next ``max_probes`` (≤ 4) photos are probes;
* strangers: the first ``strangers`` people in sorted name order with exactly one photo (1000);
  their photo is a probe that must be rejected.

Figures: rank-1 (closed-set: the best-scoring person is right, no threshold), DIR at FPIR 1 % and
0.1 % (share of known probes identified correctly *and* accepted at the threshold where 1 % / 0.1 %
of the stranger probes are accepted), and that threshold. The acceptance rule is the gallery's:
similarity ≥ t and margin to the second-best person ≥ m, the curve traced over t with m fixed.

Embeddings come from the real pipeline (the LFW subject is the central face, ``pick_face``) and the
scores from the real :class:`kiosk.gallery.Gallery` over an :class:`ArraySource`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from kiosk.errors import KioskError
from kiosk.eval.lfw import pick_face
from kiosk.vision.image_io import read_image
from kiosk.vision.pipeline import FacePipeline

Wrap = Callable[[Iterable[Path], int], Iterator[Path]]


@dataclass(frozen=True, slots=True)
class IdentProtocol:
    """Who is enrolled with which photos, the known probes, and the stranger probes."""

    enroll: tuple[tuple[str, tuple[Path, ...]], ...]
    probes: tuple[tuple[str, Path], ...]
    strangers: tuple[Path, ...]

    @property
    def images(self) -> list[Path]:
        """Every image the protocol needs, sorted."""
        out = {p for _, ps in self.enroll for p in ps} | {p for _, p in self.probes} | set(self.strangers)
        return sorted(out)


def build_protocol(
    root: Path,
    enroll: int = 1,
    min_images: int = 4,
    max_probes: int = 4,
    strangers: int = 1000,
    people: int = 0,
) -> IdentProtocol:
    """The LFW open-set protocol from the folder layout ``root/NAME/NAME_0001.jpg``.

    ``people`` > 0 keeps the first N known people (sorted by name): a quick, real subset.
    """
    if not root.is_dir():
        raise KioskError(f"{root}: no such folder (expected LFW's NAME/NAME_0001.jpg layout)")
    counts: dict[str, list[Path]] = {}
    for d in sorted(p for p in root.iterdir() if p.is_dir()):
        imgs = sorted(d.glob("*.jpg"))
        if imgs:
            counts[d.name] = imgs
    if not counts:
        raise KioskError(f"{root}: no NAME/*.jpg images found (is this the LFW folder?)")
    known = [n for n, imgs in counts.items() if len(imgs) >= min_images]
    if people > 0:
        known = known[:people]
    single = [n for n, imgs in counts.items() if len(imgs) == 1][:strangers]
    if not known:
        raise KioskError(f"{root}: no person has {min_images} or more images")
    enroll_rows = tuple((n, tuple(counts[n][:enroll])) for n in known)
    probe_rows = tuple((n, p) for n in known for p in counts[n][enroll : enroll + max_probes])
    return IdentProtocol(enroll_rows, probe_rows, tuple(counts[n][0] for n in single))


def embed_images(
    pipeline: FacePipeline,
    paths: Sequence[Path],
    cache: Path | None = None,
    wrap: Wrap | None = None,
) -> dict[Path, np.ndarray | None]:
    """Embedding of the central face of each image (None: no face).

    ``cache`` (an .npz) keeps embeddings between runs, keyed by path and the pipeline's settings, so
    experiments on the gallery side do not re-run the networks.
    """
    tag = pipeline.signature
    known: dict[str, np.ndarray | None] = {}
    if cache is not None and cache.is_file():
        with np.load(cache, allow_pickle=False) as z:
            if str(z["tag"]) == tag:
                for name, emb, ok in zip(z["paths"].tolist(), z["emb"], z["ok"], strict=True):
                    known[name] = emb if ok else None
    todo = [p for p in paths if str(p) not in known]
    for path in wrap(todo, len(todo)) if wrap else todo:
        image = read_image(path)
        det = pick_face(pipeline.detect(image), image.shape[1], image.shape[0])
        known[str(path)] = None if det is None else pipeline.embed_detections(image, [det])[0].embedding
    if cache is not None and todo:
        names = sorted(known)
        emb = np.zeros((len(names), pipeline.dim), np.float32)
        ok = np.zeros(len(names), bool)
        for i, n in enumerate(names):
            v = known[n]
            if v is not None:
                emb[i], ok[i] = v, True
        cache.parent.mkdir(parents=True, exist_ok=True)
        tmp = cache.with_suffix(".tmp.npz")
        np.savez(tmp, tag=np.array(tag), paths=np.array(names), emb=emb, ok=ok)
        tmp.replace(cache)
    return {p: known[str(p)] for p in paths}


@dataclass(frozen=True, slots=True)
class OpenSetScores:
    """Per-probe outcome of matching against the gallery (no threshold applied yet)."""

    known_correct: np.ndarray  # bool (n_known,): best person is the right one (False: no face)
    known_sim: np.ndarray  # float (n_known,): best person's similarity (-inf: no face)
    known_margin: np.ndarray  # float (n_known,): margin to the second-best person
    stranger_sim: np.ndarray  # float (n_strangers,)
    stranger_margin: np.ndarray


def threshold_at_fpir(stranger_sim: np.ndarray, stranger_margin: np.ndarray, fpir: float, margin: float) -> float:
    """The lowest threshold accepting at most ``fpir`` of the strangers (with the margin rule)."""
    passing = np.sort(stranger_sim[stranger_margin >= margin])[::-1]
    allowed = math.floor(fpir * len(stranger_sim) + 1e-9)
    if allowed >= len(passing):
        return -1.0
    # Just above the (allowed+1)-th highest passing stranger score.
    return float(np.nextafter(np.float32(passing[allowed]), np.float32(np.inf)))


def dir_at(scores: OpenSetScores, threshold: float, margin: float) -> float:
    """Detection-and-identification rate of the known probes at (threshold, margin)."""
    hit = scores.known_correct & (scores.known_sim >= threshold) & (scores.known_margin >= margin)
    return float(hit.mean()) if len(hit) else 0.0


def fpir_at(scores: OpenSetScores, threshold: float, margin: float) -> float:
    """False-positive identification rate of the strangers at (threshold, margin)."""
    fa = (scores.stranger_sim >= threshold) & (scores.stranger_margin >= margin)
    return float(fa.mean()) if len(fa) else 0.0


@dataclass(frozen=True, slots=True)
class IdentResult:
    """The open-set figures at one margin rule."""

    rank1: float
    dir_1pct: float
    dir_01pct: float
    threshold_1pct: float
    threshold_01pct: float
    margin: float
    people: int
    templates: int
    known_probes: int
    strangers: int
    no_face: int
    margin_sweep: tuple[tuple[float, float, float], ...]  # (margin, DIR@1%, DIR@0.1%)

    def to_json(self) -> dict[str, object]:
        """The CLI's JSON fields."""
        return {
            "rank1": round(self.rank1, 5),
            "dir_at_fpir_1pct": round(self.dir_1pct, 5),
            "dir_at_fpir_0.1pct": round(self.dir_01pct, 5),
            "threshold_1pct": round(self.threshold_1pct, 4),
            "threshold_0.1pct": round(self.threshold_01pct, 4),
            "margin": self.margin,
            "people": self.people,
            "templates": self.templates,
            "known_probes": self.known_probes,
            "strangers": self.strangers,
            "no_face": self.no_face,
            "margin_sweep": [{"margin": m, "dir_at_fpir_1pct": round(a, 5), "dir_at_fpir_0.1pct": round(b, 5)}
                             for m, a, b in self.margin_sweep],
        }


def open_set_scores(
    protocol: IdentProtocol,
    embeddings: dict[Path, np.ndarray | None],
    model_id: str,
    dim: int,
    gallery_options: dict | None = None,
) -> tuple[OpenSetScores, int]:
    """Enrol the protocol's people in a real Gallery and score every probe; returns (scores, templates)."""
    from kiosk.gallery import Gallery
    from kiosk.gallery.array_source import ArraySource

    pid = {name: i for i, (name, _) in enumerate(protocol.enroll, 1)}
    persons, vectors = [], []
    for name, paths in protocol.enroll:
        for p in paths:
            v = embeddings[p]
            if v is not None:
                persons.append(pid[name])
                vectors.append(v)
    if not vectors:
        raise KioskError("no enrolment image had a detectable face")
    source = ArraySource.from_arrays(model_id, np.array(persons), np.array(vectors),
                                     {i: n for n, i in pid.items()})
    # Threshold and margin off: every probe gets its best candidate, the rule is applied afterwards.
    gallery = Gallery(source, model_id, dim, threshold=-2.0, margin=-2.0, **(gallery_options or {}))
    gallery.ready()

    def run(paths: list[Path]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        cand = np.full(len(paths), -1, np.int64)
        sim = np.full(len(paths), -np.inf, np.float64)
        mar = np.full(len(paths), -np.inf, np.float64)
        have = [i for i, p in enumerate(paths) if embeddings[p] is not None]
        if have:
            results = gallery.match_many(np.array([embeddings[paths[i]] for i in have]))
            for i, r in zip(have, results, strict=True):
                cand[i] = -1 if r.candidate_id is None else r.candidate_id
                sim[i], mar[i] = r.similarity, r.margin
        return cand, sim, mar

    truth = np.array([pid[n] for n, _ in protocol.probes], np.int64)
    k_cand, k_sim, k_mar = run([p for _, p in protocol.probes])
    _, s_sim, s_mar = run(list(protocol.strangers))
    return OpenSetScores(k_cand == truth, k_sim, k_mar, s_sim, s_mar), len(vectors)


MARGINS = (0.0, 0.02, 0.04, 0.05, 0.06, 0.08, 0.1)


def summarize(scores: OpenSetScores, margin: float, people: int, templates: int, no_face: int) -> IdentResult:
    """rank-1, DIR at FPIR 1 % / 0.1 % and thresholds at ``margin``, plus a sweep over margins."""
    sweep = []
    for m in sorted({*MARGINS, margin}):
        t1 = threshold_at_fpir(scores.stranger_sim, scores.stranger_margin, 0.01, m)
        t01 = threshold_at_fpir(scores.stranger_sim, scores.stranger_margin, 0.001, m)
        sweep.append((m, dir_at(scores, t1, m), dir_at(scores, t01, m)))
    t1 = threshold_at_fpir(scores.stranger_sim, scores.stranger_margin, 0.01, margin)
    t01 = threshold_at_fpir(scores.stranger_sim, scores.stranger_margin, 0.001, margin)
    return IdentResult(
        rank1=float(scores.known_correct.mean()) if len(scores.known_correct) else 0.0,
        dir_1pct=dir_at(scores, t1, margin),
        dir_01pct=dir_at(scores, t01, margin),
        threshold_1pct=t1,
        threshold_01pct=t01,
        margin=margin,
        people=people,
        templates=templates,
        known_probes=len(scores.known_sim),
        strangers=len(scores.stranger_sim),
        no_face=no_face,
        margin_sweep=tuple(sweep),
    )


def evaluate_ident(
    pipeline: FacePipeline,
    root: Path,
    margin: float = 0.05,
    protocol: IdentProtocol | None = None,
    cache: Path | None = None,
    wrap: Wrap | None = None,
    gallery_options: dict | None = None,
) -> IdentResult:
    """Run the open-set protocol end to end with the real pipeline and gallery."""
    protocol = protocol or build_protocol(root)
    embeddings = embed_images(pipeline, protocol.images, cache, wrap)
    no_face = sum(1 for v in embeddings.values() if v is None)
    scores, templates = open_set_scores(protocol, embeddings, pipeline.model_id, pipeline.dim, gallery_options)
    return summarize(scores, margin, len(protocol.enroll), templates, no_face)
