"""Scoring: from a query's nearest templates to one answer, a known person or "unknown" (open-set).

A query finds its nearest templates (:meth:`kiosk.gallery.index.TemplateIndex.hits`), groups them into
candidate people, and scores each candidate by the cosine to the centroid of that person's templates
(``scoring="centroid"``, measured better than the best single template, ``"max"``; see
:mod:`kiosk.gallery.person_sums`). The answer is the best person, accepted when its similarity reaches
``threshold`` and it leads the second-best person by at least ``margin``.

Pure functions of an index and the query: no store, no lock (the gallery holds its lock around them).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from kiosk.gallery.index import TemplateIndex

# Templates fetched per query before grouping them into people.
TOP_K = 16
SCORINGS = ("centroid", "max")


@dataclass(frozen=True, slots=True)
class MatchResult:
    """Who a face is, or that it is nobody enrolled.

    ``person_id``/``name`` are None for an unknown face; ``candidate_id`` and ``similarity`` are the
    best-scoring person either way (None/0.0 only for an empty gallery); ``margin`` is the lead of the
    best person over the second-best one (a lone person counts its rival as similarity 0).
    """

    person_id: int | None
    name: str | None
    candidate_id: int | None
    similarity: float
    margin: float

    @property
    def known(self) -> bool:
        """True when the face was accepted as an enrolled person."""
        return self.person_id is not None


NOBODY = MatchResult(None, None, None, 0.0, 0.0)


@dataclass(frozen=True, slots=True)
class BestTwo:
    """Per query row: the best person (-1: none), their score and the runner-up person's score (0: none)."""

    best: np.ndarray
    top: np.ndarray
    second: np.ndarray


def best_two(index: TemplateIndex, q: np.ndarray, scoring: str = "centroid", top_k: int = TOP_K) -> BestTwo:
    """Score the candidate people of each (unit) query row and keep the best two."""
    persons, sims = index.hits(q, top_k)
    n, many = index.size, index.people > 1
    best = np.full(len(q), -1, np.int64)
    top = np.zeros(len(q), np.float32)
    second = np.zeros(len(q), np.float32)
    for i in range(len(q)):
        row_p, row_s = persons[i], sims[i]
        cands, first = np.unique(row_p[row_p >= 0], return_index=True)
        k = row_p.shape[0]
        # The best person filled all k hits: look further for a rival (≥ k templates of one person).
        while many and len(cands) < 2 and k < n:
            k = min(n, k * 4)
            p2, s2 = index.hits(q[i : i + 1], k)
            row_p, row_s = p2[0], s2[0]
            cands, first = np.unique(row_p[row_p >= 0], return_index=True)
        if not len(cands):
            continue
        # max: hits come best first, so a person's first hit is their best template.
        scores = (row_s[row_p >= 0][first] if scoring == "max"
                  else index.centroids(cands.tolist()) @ q[i])
        order = np.argsort(-scores, kind="stable")
        best[i], top[i] = cands[order[0]], scores[order[0]]
        if len(order) > 1:
            second[i] = scores[order[1]]
    return BestTwo(best, top, second)


def decide(scores: BestTwo, threshold: float, margin: float, names: dict[int, str]) -> list[MatchResult]:
    """The open-set decision for each row: known when similarity >= threshold and lead >= margin."""
    accepted = (scores.top >= threshold) & ((scores.top - scores.second) >= margin)
    out = []
    for p, s, s2, a in zip(scores.best.tolist(), scores.top.tolist(), scores.second.tolist(), accepted.tolist(),
                           strict=True):
        pid = int(p) if p >= 0 else None
        a = a and pid is not None
        out.append(MatchResult(pid if a else None, names.get(int(p)) if a else None, pid, float(s), float(s - s2)))
    return out
