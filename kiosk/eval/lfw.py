"""LFW verification with the official View 2 protocol: 10 folds, threshold chosen on nine, tested on one."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from kiosk.errors import KioskError
from kiosk.vision.image_io import read_image
from kiosk.vision.pipeline import FacePipeline
from kiosk.vision.types import Detection


@dataclass(frozen=True, slots=True)
class Pair:
    """One LFW pair: two image paths, same person or not, and its fold."""

    a: Path
    b: Path
    same: bool
    fold: int


@dataclass(frozen=True, slots=True)
class LfwResult:
    """10-fold verification result."""

    accuracy: float
    std: float
    threshold: float
    pairs: int
    no_face: int
    fold_accuracies: tuple[float, ...]

    def to_json(self) -> dict[str, object]:
        """The CLI's JSON fields."""
        return {
            "accuracy": round(self.accuracy, 5),
            "std": round(self.std, 5),
            "threshold": round(self.threshold, 4),
            "pairs": self.pairs,
            "no_face": self.no_face,
            "fold_accuracies": [round(a, 4) for a in self.fold_accuracies],
        }


def lfw_image(root: Path, name: str, number: int) -> Path:
    """Path of image ``number`` of person ``name`` (``NAME/NAME_0001.jpg``)."""
    return root / name / f"{name}_{number:04d}.jpg"


def read_pairs(path: Path, root: Path, per_fold: int = 0) -> list[Pair]:
    """Parse ``pairs.txt`` (first line: folds and pairs per half-fold). ``per_fold`` > 0 keeps the first
    N same and N different pairs of every fold: a real subset with the protocol's structure."""
    try:
        lines = path.read_text(encoding="utf-8").split("\n")
    except OSError as exc:
        raise KioskError(f"cannot read LFW pairs file {path}: {exc.strerror or exc}") from None
    try:
        folds, n = (int(x) for x in lines[0].split())
        pairs: list[Pair] = []
        i = 1
        for fold in range(folds):
            for same in (True, False):
                for k in range(n):
                    parts = lines[i].split()
                    i += 1
                    if per_fold and k >= per_fold:
                        continue
                    if same:
                        a, b = lfw_image(root, parts[0], int(parts[1])), lfw_image(root, parts[0], int(parts[2]))
                    else:
                        a, b = lfw_image(root, parts[0], int(parts[1])), lfw_image(root, parts[2], int(parts[3]))
                    pairs.append(Pair(a, b, same, fold))
    except (ValueError, IndexError):
        raise KioskError(f"{path}: not an LFW pairs file (expected the View 2 pairs.txt layout)") from None
    return pairs


def best_threshold(sims: np.ndarray, labels: np.ndarray) -> float:
    """The threshold maximising accuracy on (sims, labels): midpoint between neighbouring scores."""
    order = np.argsort(sims)
    s, y = sims[order], labels[order]
    # Accuracy when thresholding just above index i: negatives at or below i count right, positives above.
    neg_le = np.cumsum(~y)
    pos_gt = y.sum() - np.cumsum(y)
    correct = np.concatenate([[y.sum()], neg_le + pos_gt])
    best = int(np.argmax(correct))
    if best == 0:
        return float(s[0] - 1e-6)
    if best == len(s):
        return float(s[-1] + 1e-6)
    return float((s[best - 1] + s[best]) / 2.0)


def ten_fold(sims: np.ndarray, labels: np.ndarray, folds: np.ndarray) -> tuple[float, float, float, list[float]]:
    """Mean accuracy, its std and mean threshold over folds (each fold tested at its complement's best)."""
    accs, thresholds = [], []
    for f in np.unique(folds):
        test = folds == f
        t = best_threshold(sims[~test], labels[~test])
        accs.append(float(((sims[test] >= t) == labels[test]).mean()))
        thresholds.append(t)
    return float(np.mean(accs)), float(np.std(accs)), float(np.mean(thresholds)), accs


def pick_face(dets: list[Detection], width: int, height: int) -> Detection | None:
    """LFW's subject: the face whose box holds the image centre (largest such), else the largest."""
    if not dets:
        return None
    cx, cy = width / 2.0, height / 2.0
    central = [d for d in dets if d.box[0] <= cx <= d.box[2] and d.box[1] <= cy <= d.box[3]]
    return max(central or dets, key=lambda d: d.area)


class EmbeddingCache:
    """Embeds each image once (the largest central face); counts images with no face."""

    def __init__(self, pipeline: FacePipeline) -> None:
        self.pipeline = pipeline
        self.cache: dict[Path, np.ndarray | None] = {}

    def embed(self, path: Path) -> np.ndarray | None:
        """Embedding of the subject of ``path`` or None when no face is found."""
        if path not in self.cache:
            image = read_image(path)
            det = pick_face(self.pipeline.detect(image), image.shape[1], image.shape[0])
            self.cache[path] = None if det is None else self.pipeline.embed_detections(image, [det])[0].embedding
        return self.cache[path]

    @property
    def no_face(self) -> int:
        """Images in which no face was found."""
        return sum(1 for v in self.cache.values() if v is None)


def evaluate(
    pipeline: FacePipeline,
    pairs: list[Pair],
    wrap: Callable[[Iterable[Path], int], Iterator[Path]] | None = None,
) -> LfwResult:
    """Run the 10-fold protocol. A pair with a faceless image scores -1 (counted as "different")."""
    cache = EmbeddingCache(pipeline)
    images = sorted({p.a for p in pairs} | {p.b for p in pairs})
    for path in wrap(images, len(images)) if wrap else images:
        cache.embed(path)
    sims = np.empty(len(pairs), np.float64)
    for i, p in enumerate(pairs):
        ea, eb = cache.embed(p.a), cache.embed(p.b)
        sims[i] = -1.0 if ea is None or eb is None else float(np.dot(ea, eb))
    labels = np.array([p.same for p in pairs])
    folds = np.array([p.fold for p in pairs])
    acc, std, thr, accs = ten_fold(sims, labels, folds)
    return LfwResult(acc, std, thr, len(pairs), cache.no_face, tuple(accs))
