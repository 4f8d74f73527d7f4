"""Threshold calibration on the site's own enrolled gallery.

Genuine pairs: two templates of the same person. Impostor pairs: templates of two different people.
From them a FAR/FRR table over thresholds, the threshold meeting a target false-accept rate, the
equal-error rate, and an open-set estimate closer to what the kiosk does: each template, as if its
owner were a stranger, scored against everyone else (its best score is what a stranger would need to
beat) → the false-positive identification rate (FPIR) over thresholds.

The plot (histograms + ROC) is drawn with OpenCV, already a dependency, rather than matplotlib.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from kiosk.errors import KioskError
from kiosk.gallery.source import TemplateSource

# Above these sizes pairs are sampled rather than enumerated (the estimate stays unbiased).
MAX_GENUINE = 2_000_000
MAX_IMPOSTOR = 4_000_000
MAX_OPEN_SET_PROBES = 2000
GRID = np.round(np.arange(-0.2, 1.0001, 0.01), 2)
_HIST_BINS = np.linspace(-0.4, 1.0, 71)


@dataclass(frozen=True, slots=True)
class CalibrationResult:
    """Similarity distributions of a gallery and the thresholds they imply."""

    model_id: str
    people: int
    templates: int
    genuine_pairs: int
    impostor_pairs: int
    target_far: float
    threshold: float  # lowest threshold with pair FAR ≤ target_far
    frr_at_threshold: float | None  # None: no person has two templates
    far_at_threshold: float
    threshold_open_set: float  # lowest threshold with open-set FPIR ≤ target_far
    eer: float | None
    eer_threshold: float | None
    grid: np.ndarray  # thresholds of the table
    far: np.ndarray  # pair false-accept rate at each grid threshold
    frr: np.ndarray  # pair false-reject rate (NaN without genuine pairs)
    fpir: np.ndarray  # open-set false-positive identification rate
    genuine: np.ndarray  # genuine similarities (possibly a sample)
    impostor: np.ndarray  # impostor similarities (possibly a sample)

    @property
    def reliable(self) -> bool:
        """Enough impostor pairs to resolve ``target_far`` (≥ 10 expected false accepts) and genuine pairs."""
        return self.impostor_pairs * self.target_far >= 10 and self.genuine_pairs >= 20

    def to_json(self) -> dict[str, object]:
        """The CLI's JSON fields (table rounded, every 0.05 of similarity)."""

        def r(x: float | None, n: int = 5) -> float | None:
            return None if x is None or not math.isfinite(x) else round(float(x), n)

        keep = np.isclose(np.round(self.grid * 20), self.grid * 20)
        return {
            "model_id": self.model_id,
            "people": self.people,
            "templates": self.templates,
            "genuine_pairs": self.genuine_pairs,
            "impostor_pairs": self.impostor_pairs,
            "target_far": self.target_far,
            "threshold": r(self.threshold, 4),
            "far_at_threshold": r(self.far_at_threshold, 6),
            "frr_at_threshold": r(self.frr_at_threshold),
            "threshold_open_set": r(self.threshold_open_set, 4),
            "eer": r(self.eer),
            "eer_threshold": r(self.eer_threshold, 4),
            "reliable": self.reliable,
            "table": [
                {"threshold": r(t, 2), "far": r(fa, 6), "frr": r(fr), "fpir": r(fp)}
                for t, fa, fr, fp, k in zip(self.grid, self.far, self.frr, self.fpir, keep, strict=True) if k
            ],
        }


def _threshold_at(scores: np.ndarray, rate: float) -> float:
    """Lowest threshold t with mean(scores >= t) ≤ rate."""
    if not len(scores):
        return 1.0
    desc = np.sort(scores)[::-1]
    allowed = math.floor(rate * len(desc) + 1e-9)
    if allowed >= len(desc):
        return float(desc[-1])
    return float(np.nextafter(np.float32(desc[allowed]), np.float32(np.inf)))


def _rate_ge(scores: np.ndarray, grid: np.ndarray) -> np.ndarray:
    """Share of scores ≥ each grid threshold."""
    if not len(scores):
        return np.full(len(grid), np.nan)
    s = np.sort(scores)
    return 1.0 - np.searchsorted(s, grid, side="left") / len(s)


def _genuine(vectors: np.ndarray, groups: list[np.ndarray], rng: np.random.Generator) -> tuple[np.ndarray, int]:
    total = sum(len(g) * (len(g) - 1) // 2 for g in groups)
    keep = 1.0 if total <= MAX_GENUINE else MAX_GENUINE / total
    out = []
    for g in groups:
        if len(g) < 2:
            continue
        s = vectors[g] @ vectors[g].T
        iu = np.triu_indices(len(g), 1)
        vals = s[iu]
        if keep < 1.0:
            vals = vals[rng.random(len(vals)) < keep]
        out.append(vals)
    return (np.concatenate(out) if out else np.zeros(0, np.float32)), total


def _impostor(vectors: np.ndarray, persons: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, int]:
    n = len(vectors)
    _, counts = np.unique(persons, return_counts=True)
    total = (n * n - int((counts.astype(np.int64) ** 2).sum())) // 2
    if total <= MAX_IMPOSTOR:
        out = []
        for i in range(0, n, 2048):
            s = vectors[i : i + 2048] @ vectors.T
            rows = np.arange(i, min(n, i + 2048))[:, None]
            mask = (np.arange(n)[None, :] > rows) & (persons[rows] != persons[None, :])
            out.append(s[mask])
        return (np.concatenate(out) if out else np.zeros(0, np.float32)), total
    a = rng.integers(0, n, MAX_IMPOSTOR + MAX_IMPOSTOR // 4)
    b = rng.integers(0, n, len(a))
    ok = persons[a] != persons[b]
    a, b = a[ok][:MAX_IMPOSTOR], b[ok][:MAX_IMPOSTOR]
    out = np.concatenate([np.einsum("ij,ij->i", vectors[a[i : i + 65536]], vectors[b[i : i + 65536]])
                          for i in range(0, len(a), 65536)])
    return out, total


def _open_set(vectors: np.ndarray, persons: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Best similarity of each (sampled) template to any template of another person."""
    n = len(vectors)
    probes = np.arange(n) if n <= MAX_OPEN_SET_PROBES else np.sort(rng.choice(n, MAX_OPEN_SET_PROBES, replace=False))
    best = np.full(len(probes), -np.inf, np.float32)
    for i in range(0, len(probes), 512):
        p = probes[i : i + 512]
        for j in range(0, n, 65536):
            s = vectors[p] @ vectors[j : j + 65536].T
            s[persons[p][:, None] == persons[None, j : j + 65536]] = -np.inf
            best[i : i + 512] = np.maximum(best[i : i + 512], s.max(axis=1))
    return best[np.isfinite(best)]


def calibrate_arrays(
    vectors: np.ndarray, persons: np.ndarray, model_id: str = "", target_far: float = 0.001, seed: int = 0,
) -> CalibrationResult:
    """Calibrate from template vectors (n, dim) and their person ids."""
    if not 0.0 < target_far < 1.0:
        raise KioskError(f"target FAR must be between 0 and 1, not {target_far}")
    vectors = np.asarray(vectors, np.float32)
    vectors = vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
    persons = np.asarray(persons, np.int64)
    people = np.unique(persons)
    if len(people) < 2:
        raise KioskError(f"calibration needs at least 2 enrolled people; the gallery has {len(people)}")
    rng = np.random.default_rng(seed)
    order = np.argsort(persons, kind="stable")
    bounds = np.flatnonzero(np.diff(persons[order])) + 1
    groups = np.split(order, bounds)
    genuine, n_gen = _genuine(vectors, groups, rng)
    impostor, n_imp = _impostor(vectors, persons, rng)
    open_set = _open_set(vectors, persons, rng)
    far = _rate_ge(impostor, GRID)
    frr = 1.0 - _rate_ge(genuine, GRID) if len(genuine) else np.full(len(GRID), np.nan)
    fpir = _rate_ge(open_set, GRID)
    t = _threshold_at(impostor, target_far)
    far_t = float(np.mean(impostor >= t)) if len(impostor) else 0.0
    frr_t = float(np.mean(genuine < t)) if len(genuine) else None
    eer = eer_t = None
    if len(genuine):
        fine = np.linspace(-0.2, 1.0, 1201)
        fa, fr = _rate_ge(impostor, fine), 1.0 - _rate_ge(genuine, fine)
        i = int(np.argmin(np.abs(fa - fr)))
        eer, eer_t = float((fa[i] + fr[i]) / 2), float(fine[i])
    return CalibrationResult(
        model_id=model_id, people=len(people), templates=len(vectors), genuine_pairs=n_gen,
        impostor_pairs=n_imp, target_far=target_far, threshold=t, frr_at_threshold=frr_t,
        far_at_threshold=far_t, threshold_open_set=_threshold_at(open_set, target_far), eer=eer,
        eer_threshold=eer_t, grid=GRID, far=far, frr=frr, fpir=fpir, genuine=genuine, impostor=impostor,
    )


def calibrate(source: TemplateSource, model_id: str, target_far: float = 0.001) -> CalibrationResult:
    """Calibrate on every template of ``model_id`` the source holds."""
    keys, persons = source.gallery_keys(model_id)
    if len(keys) == 0:
        raise KioskError(f"no templates of {model_id} are enrolled: enroll people first")
    vectors = np.concatenate([source.gallery_vectors(model_id, keys[i : i + 65536])
                              for i in range(0, len(keys), 65536)])
    return calibrate_arrays(vectors, persons, model_id, target_far)


# --- plot -------------------------------------------------------------------------------------

_W, _H = 1000, 460
_GREEN, _RED, _BLUE, _GREY, _BLACK = (60, 160, 60), (50, 50, 210), (200, 110, 30), (190, 190, 190), (30, 30, 30)
_PURPLE = (160, 50, 160)
_FONT = cv2.FONT_HERSHEY_SIMPLEX


def _text(img: np.ndarray, s: str, x: int, y: int, scale: float = 0.45, color: tuple = _BLACK) -> None:
    cv2.putText(img, s, (x, y), _FONT, scale, color, 1, cv2.LINE_AA)


def _panel(img: np.ndarray, x0: int, y0: int, w: int, h: int, title: str) -> None:
    cv2.rectangle(img, (x0, y0), (x0 + w, y0 + h), _BLACK, 1)
    _text(img, title, x0, y0 - 10, 0.5)


def plot(result: CalibrationResult, path: Path) -> None:
    """Write a PNG: similarity histograms with the threshold (left) and the ROC, log FAR (right)."""
    img = np.full((_H, _W, 3), 255, np.uint8)
    # Left: histograms as densities.
    x0, y0, w, h = 60, 50, 420, 340
    _panel(img, x0, y0, w, h, f"similarity ({result.model_id}): genuine vs impostor")
    lo, hi = float(_HIST_BINS[0]), float(_HIST_BINS[-1])

    def sx(v: float) -> int:
        return int(x0 + (v - lo) / (hi - lo) * w)

    hists = []
    for scores in (result.genuine, result.impostor):
        hist, _ = np.histogram(np.clip(scores, lo, hi), _HIST_BINS)
        hists.append(hist / max(1, hist.sum()))
    top = max(1e-9, max(float(hh.max()) for hh in hists))
    for hist, color in zip(hists, (_GREEN, _RED), strict=True):
        pts = [(sx(float(_HIST_BINS[i] + _HIST_BINS[i + 1]) / 2), int(y0 + h - v / top * (h - 10)))
               for i, v in enumerate(hist)]
        cv2.polylines(img, [np.array(pts, np.int32)], False, color, 2, cv2.LINE_AA)
    for v in np.arange(-0.4, 1.01, 0.2):
        _text(img, f"{v:.1f}", sx(float(v)) - 12, y0 + h + 18, 0.4)
        cv2.line(img, (sx(float(v)), y0 + h), (sx(float(v)), y0 + h + 4), _BLACK, 1)
    tx = sx(result.threshold)
    cv2.line(img, (tx, y0), (tx, y0 + h), _BLUE, 1, cv2.LINE_AA)
    ox = sx(result.threshold_open_set)
    for yy in range(y0, y0 + h, 8):  # dashed: the open-set threshold
        cv2.line(img, (ox, yy), (ox, min(yy + 4, y0 + h)), _PURPLE, 1, cv2.LINE_AA)
    # Legend in a box (drawn last so the curves never hide it).
    cv2.rectangle(img, (x0 + 4, y0 + 4), (x0 + 236, y0 + 84), (255, 255, 255), -1)
    cv2.rectangle(img, (x0 + 4, y0 + 4), (x0 + 236, y0 + 84), _GREY, 1)
    _text(img, f"genuine pairs ({result.genuine_pairs})", x0 + 10, y0 + 20, 0.4, _GREEN)
    _text(img, f"impostor pairs ({result.impostor_pairs})", x0 + 10, y0 + 36, 0.4, _RED)
    _text(img, f"t={result.threshold:.3f}: pair FAR {result.target_far:g}", x0 + 10, y0 + 54, 0.4, _BLUE)
    _text(img, f"t={result.threshold_open_set:.3f}: open-set FPIR {result.target_far:g}", x0 + 10, y0 + 72, 0.4,
          _PURPLE)
    # Right: ROC, TAR against log10 FAR.
    x1 = 560
    _panel(img, x1, y0, w, h, "ROC: true accepts vs false accepts (log)")
    lmin = -6.0

    def rx(far: float) -> int:
        return int(x1 + (max(lmin, math.log10(max(far, 1e-12))) - lmin) / -lmin * w)

    fine = np.linspace(-0.2, 1.0, 601)
    fa = _rate_ge(result.impostor, fine) if len(result.impostor) else np.zeros(0)
    ta = _rate_ge(result.genuine, fine) if len(result.genuine) else np.zeros(0)
    shown = ta[(fa >= 10**lmin)] if len(ta) else ta
    ylo = 0.8 if len(shown) and float(shown.min()) >= 0.8 else 0.0  # zoom in on a good ROC

    def ry(tar: float) -> int:
        return int(y0 + h - (tar - ylo) / (1.0 - ylo) * h)

    for e in range(int(lmin), 1):
        cv2.line(img, (rx(10.0**e), y0 + h), (rx(10.0**e), y0 + h + 4), _BLACK, 1)
        cv2.line(img, (rx(10.0**e), y0), (rx(10.0**e), y0 + h), (235, 235, 235), 1)
        _text(img, f"1e{e}", rx(10.0**e) - 14, y0 + h + 18, 0.4)
    for v in np.linspace(ylo, 1.0, 5):
        _text(img, f"{v:.2f}", x1 - 40, ry(float(v)) + 4, 0.4)
        cv2.line(img, (x1, ry(float(v))), (x1 + w, ry(float(v))), (235, 235, 235), 1)
    if len(result.genuine) and len(result.impostor):
        pts = [(rx(float(a)), ry(max(ylo, float(b)))) for a, b in zip(fa, ta, strict=True) if a > 0]
        if len(pts) > 1:
            cv2.polylines(img, [np.array(pts, np.int32)], False, _BLUE, 2, cv2.LINE_AA)
        if result.frr_at_threshold is not None:
            cv2.circle(img, (rx(max(result.far_at_threshold, 10**lmin)), ry(max(ylo, 1 - result.frr_at_threshold))),
                       5, _RED, 2)
            _text(img, f"TAR {1 - result.frr_at_threshold:.3f} at t={result.threshold:.3f}", x1 + 10, y0 + h - 12,
                  0.42, _RED)
    else:
        _text(img, "no genuine pairs (one template per person)", x1 + 20, y0 + h // 2, 0.45, _GREY)
    _text(img, f"{result.people} people, {result.templates} templates", 60, _H - 20, 0.45)
    ok, buf = cv2.imencode(".png", img)
    if not ok:
        raise KioskError(f"cannot encode the calibration plot for {path}")
    try:
        Path(path).write_bytes(buf.tobytes())
    except OSError as exc:
        raise KioskError(f"cannot write {path}: {exc.strerror or exc}") from None
