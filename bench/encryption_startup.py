"""What sealing the gallery index costs at startup and in search, at 100k people x 3 templates.

One index is built once and written twice: plain (the code path before encryption at rest, still used by
key-less sources) and sealed with a data key (what every kiosk now writes). Fresh galleries then load
each, alternately, ``--runs`` times in this process under the same machine load, so the ratio is fair
even on a busy machine; search latency is measured on each loaded gallery with the same queries.

    python bench/encryption_startup.py --people 100000 --templates 3 --runs 5 --json
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np

from kiosk.eval.bench_gallery import synthetic
from kiosk.gallery import Gallery
from kiosk.gallery.array_source import ArraySource
from kiosk.store.crypto import DataCipher


def _load(src: ArraySource, path: Path, cipher: DataCipher | None, queries: np.ndarray) -> tuple[float, float]:
    """(ready seconds, search p50 ms) of a fresh gallery on ``path``."""
    g = Gallery(src, "m", 128, threshold=0.3, margin=0.05, index_path=path, cipher=cipher)
    t0 = time.perf_counter()
    g.ready()
    ready = time.perf_counter() - t0
    assert g.last_ready == "loaded", g.last_ready
    for q in queries[:50]:
        g.match(q)
    lat = []
    for q in queries:
        t = time.perf_counter()
        g.match(q)
        lat.append(time.perf_counter() - t)
    g.close()
    return ready, float(np.percentile(lat, 50) * 1000)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--people", type=int, default=100_000)
    ap.add_argument("--templates", type=int, default=3)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    persons, vectors, queries, _ = synthetic(args.people, args.templates, 128, 1000, 0)
    src = ArraySource.from_arrays("m", persons, vectors)
    cipher = DataCipher(os.urandom(32), "bench")
    with tempfile.TemporaryDirectory(prefix="kiosk-bench-seal-") as tmp:
        plain, sealed = Path(tmp) / "plain" / "g.usearch", Path(tmp) / "sealed" / "g.usearch"
        t0 = time.perf_counter()
        g = Gallery(src, "m", 128, threshold=0.3, index_path=plain)
        g.ready()
        build_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        g._index.save(sealed, cipher)  # type: ignore[union-attr]  # the same index, sealed
        seal_save_s = time.perf_counter() - t0
        g.close()
        runs: dict[str, list[tuple[float, float]]] = {"plain": [], "sealed": []}
        for r in range(args.runs):
            order = [("plain", plain, None), ("sealed", sealed, cipher)]
            for kind, path, c in order if r % 2 == 0 else order[::-1]:
                runs[kind].append(_load(src, path, c, queries))
        size = {k: sum(p.stat().st_size for p in (plain if k == "plain" else sealed).parent.iterdir())
                for k in runs}
    ready = {k: statistics.median(x[0] for x in v) for k, v in runs.items()}
    search = {k: statistics.median(x[1] for x in v) for k, v in runs.items()}
    out = {
        "people": args.people, "templates": args.people * args.templates, "runs": args.runs,
        "build_s": round(build_s, 2), "sealed_save_s": round(seal_save_s, 3),
        "startup_ready_s_plain": round(ready["plain"], 4), "startup_ready_s_sealed": round(ready["sealed"], 4),
        "startup_overhead_pct": round((ready["sealed"] / ready["plain"] - 1) * 100, 1),
        "search_p50_ms_plain": round(search["plain"], 4), "search_p50_ms_sealed": round(search["sealed"], 4),
        "index_mb_plain": round(size["plain"] / 1e6, 1), "index_mb_sealed": round(size["sealed"] / 1e6, 1),
        "ready_s_all": {k: [round(x[0], 4) for x in v] for k, v in runs.items()},
    }
    print(json.dumps(out, indent=None if args.json else 2))


if __name__ == "__main__":
    main()
