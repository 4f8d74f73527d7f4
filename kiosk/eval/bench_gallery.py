"""Gallery speed at kiosk scale: search latency, startup from the persisted index, enrol time, memory.

Synthetic but face-like embeddings: each person is a random unit centre, templates and queries are
noisy copies of it (genuine cosine ≈ 0.65, unrelated people ≈ 0 ± 0.09, like real embeddings).
The gallery is built once into a work folder; a *fresh process* then times ``Gallery(...).ready()``
from the persisted files (fingerprint checked against the source), single-query search, enrolment,
and its resident memory. recall@1 compares the gallery's best person with exact brute force.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from kiosk.gallery import persist
from kiosk.gallery.array_source import ArraySource

NOISE = 0.065  # per-dimension noise on a unit centre → genuine similarity ≈ 0.65 at 128-d


def _noisy(centres: np.ndarray, rng: np.random.Generator, dim: int) -> np.ndarray:
    # Noise scaled with the dimension so the genuine similarity does not depend on it.
    v = centres + rng.standard_normal(centres.shape, dtype=np.float32) * np.float32(NOISE * np.sqrt(128 / dim))
    v /= np.linalg.norm(v, axis=1, keepdims=True)
    return v


def synthetic(people: int, templates: int, dim: int, queries: int, seed: int = 0
              ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(person ids, template vectors, query vectors, query person ids), float32 unit vectors."""
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((people, dim), dtype=np.float32)
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    persons = np.repeat(np.arange(1, people + 1, dtype=np.int64), templates)
    vectors = np.empty((len(persons), dim), np.float32)
    step = 65536
    for i in range(0, len(persons), step):
        vectors[i : i + step] = _noisy(centres[persons[i : i + step] - 1], rng, dim)
    q_persons = rng.integers(1, people + 1, queries)
    return persons, vectors, _noisy(centres[q_persons - 1], rng, dim), q_persons


def exact_best_person(vectors: np.ndarray, persons: np.ndarray, queries: np.ndarray) -> np.ndarray:
    """Ground truth: the person of the most similar template, by brute force."""
    best_sim = np.full(len(queries), -np.inf, np.float32)
    best = np.zeros(len(queries), np.int64)
    for i in range(0, len(vectors), 65536):
        s = queries @ vectors[i : i + 65536].T
        j = s.argmax(axis=1)
        v = s[np.arange(len(queries)), j]
        better = v > best_sim
        best_sim[better] = v[better]
        best[better] = persons[i + j[better]]
    return best


def rss_mb() -> float:
    """Current resident memory of this process in MB (Linux /proc; peak RSS elsewhere)."""
    try:
        with open("/proc/self/statm") as f:
            pages = int(f.read().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE") / 1e6
    except (OSError, ValueError, AttributeError):
        import resource

        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return peak / 1e6 if sys.platform == "darwin" else peak / 1e3


def _source_from_dir(work: Path, model_id: str) -> ArraySource:
    persons = np.load(work / "persons.npy", mmap_mode="r")
    vectors = np.load(work / "vectors.npy", mmap_mode="r")
    src = ArraySource(model_id, vectors.shape[1], capacity=1)
    # Memory-mapped: like a database, the vectors are only read if the gallery asks for them.
    src._ids = np.arange(1, len(persons) + 1, dtype=np.int64)
    src._persons = np.asarray(persons)
    src._vectors = vectors
    src._active = np.ones(len(persons), bool)
    src._n = len(persons)
    return src


def _percentile_ms(samples: list[float], q: float) -> float:
    return round(float(np.percentile(np.asarray(samples) * 1000.0, q)), 4)


def child_run(work: Path, params: dict) -> dict:
    """The fresh-process half: ready() from the files, search latency, enrol time, RSS."""
    from kiosk.gallery import Gallery
    from kiosk.store.crypto import DataCipher

    model_id, dim = params["model_id"], params["dim"]
    # The index files sealed with a data key, as the kiosk's are (the key from the parent, which wrote them).
    cipher = DataCipher(bytes.fromhex(params["key"]), "bench") if params.get("key") else None
    src = _source_from_dir(work, model_id)
    rss0 = rss_mb()
    gallery = Gallery(src, model_id, dim, threshold=0.3, margin=0.05, index_path=work / "gallery.idx",
                      cipher=cipher, **params["gallery"])
    t0 = time.perf_counter()
    gallery.ready()
    ready_s = time.perf_counter() - t0
    how = gallery.last_ready
    queries = np.load(work / "queries.npy")
    for q in queries[:50]:  # warm-up
        gallery.match(q)
    lat = []
    for q in queries:
        t = time.perf_counter()
        gallery.match(q)
        lat.append(time.perf_counter() - t)
    candidates = np.array([r.candidate_id or -1 for r in gallery.match_many(queries)], np.int64)
    sweep = {}
    if not gallery.exact:  # recall/latency against the graph's search depth (the default is measured above)
        default_efs = gallery._index.graph.expansion_search
        for efs in (32, 64, 128, 256):
            gallery._index.graph.expansion_search = efs
            t = time.perf_counter()
            for q in queries[:300]:
                gallery.match(q)
            ms = (time.perf_counter() - t) / 300 * 1000
            sweep[efs] = {"mean_ms": round(ms, 4),
                          "candidates": [r.candidate_id or -1 for r in gallery.match_many(queries)]}
        gallery._index.graph.expansion_search = default_efs
    # Enrolment: a new person's template (the database commit is the store's, not measured here).
    rng = np.random.default_rng(1)
    enroll = []
    for i in range(params["enrolls"]):
        v = rng.standard_normal(dim).astype(np.float32)
        tid = src.add(10_000_000 + i, v / np.linalg.norm(v))
        t = time.perf_counter()
        gallery.add(tid, 10_000_000 + i, v)
        enroll.append(time.perf_counter() - t)
    rss = rss_mb()
    # The repair path: a restart after a crash that lost those enrolments' save.
    t0 = time.perf_counter()
    gallery2 = Gallery(src, model_id, dim, threshold=0.3, margin=0.05, index_path=work / "gallery.idx",
                       cipher=cipher, **params["gallery"])
    gallery2.ready()
    repair_s = time.perf_counter() - t0
    repaired = gallery2.last_ready
    t0 = time.perf_counter()
    gallery2.flush()
    flush_s = time.perf_counter() - t0
    return {
        "search_p50_ms": _percentile_ms(lat, 50),
        "search_p99_ms": _percentile_ms(lat, 99),
        "startup_ready_s": round(ready_s, 4),
        "startup_mode": how,
        "enroll_ms": _percentile_ms(enroll, 50),
        "enroll_max_ms": _percentile_ms(enroll, 100),
        "rss_mb": round(rss, 1),
        "rss_before_ready_mb": round(rss0, 1),
        "repair_ready_s": round(repair_s, 4),
        "repair_mode": repaired,
        "flush_s": round(flush_s, 3),
        "exact_search": gallery.exact,
        "candidates": candidates.tolist(),
        "expansion_search_sweep": sweep,
    }


def bench_gallery(
    people: int,
    templates: int,
    dim: int,
    model_id: str,
    queries: int = 2000,
    enrolls: int = 50,
    work: Path | None = None,
    gallery_options: dict | None = None,
    seed: int = 0,
    encrypt: bool = True,
) -> dict:
    """Build, persist, then measure a fresh start (see the module docstring); returns the figures.
    ``encrypt``: index files sealed with a random data key, as a kiosk's are (False: plain, to compare)."""
    from kiosk.gallery import Gallery
    from kiosk.store.crypto import DataCipher

    own = work is None
    tmp = tempfile.TemporaryDirectory(prefix="kiosk-bench-gallery-") if own else None
    work = Path(tmp.name) if tmp is not None else Path(work)  # type: ignore[arg-type]
    work.mkdir(parents=True, exist_ok=True)
    opts = dict(gallery_options or {})
    try:
        persons, vectors, qv, _ = synthetic(people, templates, dim, queries, seed)
        np.save(work / "persons.npy", persons)
        np.save(work / "vectors.npy", vectors)
        np.save(work / "queries.npy", qv)
        src = ArraySource.from_arrays(model_id, persons, vectors)
        t0 = time.perf_counter()
        key = os.urandom(32) if encrypt else None
        cipher = DataCipher(key, "bench") if key else None
        g = Gallery(src, model_id, dim, threshold=0.3, index_path=work / "gallery.idx", cipher=cipher, **opts)
        g.ready()
        build_s = time.perf_counter() - t0
        g.close()
        del g, src
        truth = exact_best_person(vectors, persons, qv)
        del vectors
        params = {"model_id": model_id, "dim": dim, "enrolls": enrolls, "gallery": opts,
                  "key": key.hex() if key else None}
        code = ("import json,sys; from pathlib import Path; from kiosk.eval.bench_gallery import child_run; "
                "print(json.dumps(child_run(Path(sys.argv[1]), json.loads(sys.argv[2]))))")
        env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(Path(__file__).resolve().parents[2]),
                                                            os.environ.get("PYTHONPATH", "")])}
        out = subprocess.run([sys.executable, "-c", code, str(work), json.dumps(params)], capture_output=True,
                             text=True, env=env, check=False)
        if out.returncode != 0:
            raise RuntimeError(f"benchmark child failed: {out.stderr.strip()[-2000:]}")
        res = json.loads(out.stdout.strip().splitlines()[-1])
        cands = np.asarray(res.pop("candidates"), np.int64)
        for efs, row in res["expansion_search_sweep"].items():
            row["recall_at_1"] = round(float(np.mean(np.asarray(row.pop("candidates")) == truth)), 5)
            res["expansion_search_sweep"][efs] = row
        index_path = work / "gallery.idx"
        files = sum(p.stat().st_size for p in [persist.sidecar_path(index_path), *persist.data_glob(index_path)])
        return {
            **res,
            "recall_at_1": round(float(np.mean(cands == truth)), 5),
            "people": people,
            "templates_per_person": templates,
            "templates": people * templates,
            "dim": dim,
            "queries": queries,
            "build_s": round(build_s, 2),
            "encrypted": encrypt,
            "index_mb": round(files / 1e6, 1),
            **{k: v for k, v in opts.items()},
        }
    finally:
        if tmp is not None:
            tmp.cleanup()


def exact_crossover(dim: int, sizes: tuple[int, ...] = (512, 1024, 2048, 4096, 8192, 16384, 32768),
                    queries: int = 300, seed: int = 0) -> dict:
    """Median single-query ms of exact numpy search vs the graph at each gallery size (3 per person)."""
    from kiosk.gallery import Gallery

    rows = []
    for n in sizes:
        persons, vectors, qv, _ = synthetic(max(1, n // 3), 3, dim, queries, seed)
        src = ArraySource.from_arrays("bench", persons, vectors)
        row = {"templates": len(vectors)}
        for mode in ("exact", "graph"):
            g = Gallery(src, "bench", dim, threshold=0.3, exact_limit=1 << 40 if mode == "exact" else 0)
            g.ready()
            for q in qv[:30]:
                g.match(q)
            lat = []
            for q in qv:
                t = time.perf_counter()
                g.match(q)
                lat.append(time.perf_counter() - t)
            row[f"{mode}_p50_ms"] = _percentile_ms(lat, 50)
        rows.append(row)
    faster = [r["templates"] for r in rows if r["graph_p50_ms"] < r["exact_p50_ms"]]
    return {"dim": dim, "sizes": rows, "graph_faster_from": min(faster) if faster else None}
