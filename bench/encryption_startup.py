"""What sealing the gallery index costs at startup and in search, at 100k people x 3 templates.

One index is built once and written plain (what key-less sources write), then sealed with a new random
data key (what every kiosk writes; the key goes to the child processes in their environment, never to a
file beside the data). Fresh processes then start a gallery on each, alternately (plain, sealed,
sealed, plain, ...) ``--runs`` times each, so both see the same machine load. Figures: medians, the
median of each round's sealed/plain ratio (steadier when the load drifts) and the best start of each.
Each start is timed as a kiosk's is (``Gallery.ready()``: files, checks, fingerprint) and split into its
parts by timing the persistence calls it makes; search latency (p50/p99) is measured on each started
gallery with the same queries.

Like with like: both paths read each file once into one buffer and have usearch *load* the graph from
it into its own memory (the kiosk edits its graph; a memory-mapped ``view`` would be read-only). Both
check every byte: the plain path with CRC-32 (graph) and the zip's CRCs (sidecar), the sealed path with
the AES-GCM tags instead (:mod:`kiosk.gallery.file_buffers`).

    python bench/encryption_startup.py --people 100000 --templates 3 --runs 9 --work /tmp/enc-bench --json

``--work`` keeps the built plain index (a 100k x 3 build takes minutes) for later runs with the same sizes.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

_KEY_VAR = "KIOSK_BENCH_KEY"

# Parts of a start, by the function that does them (the rest of ready() is "checks": keys against the
# graph, person sums, fingerprint, names). graph_read: the file into a buffer, CRC-checked or decrypted;
# graph_crc: the CRC pass of the code before this benchmark's last change (plain files only), absent now.
_PARTS = {
    "sidecar": ("kiosk.gallery.persist", "read_sidecar"),
    "graph_crc": ("kiosk.gallery.persist", "verify_data"),
    "graph_read": ("kiosk.gallery.persist", "read_graph"),
    "graph_load": ("usearch.index", "Index.load"),
}


def _timed_parts() -> dict[str, float]:
    """Wrap the functions of _PARTS so that each call adds its seconds to the returned dict."""
    import importlib

    spent: dict[str, float] = {}
    for part, (module, name) in _PARTS.items():
        owner: object = importlib.import_module(module)
        *path, attr = name.split(".")
        for p in path:
            owner = getattr(owner, p)
        real = getattr(owner, attr, None)
        if real is None:
            continue

        def timed(*args: object, _real: object = real, _part: str = part, **kwargs: object) -> object:
            t = time.perf_counter()
            try:
                return _real(*args, **kwargs)  # type: ignore[operator]
            finally:
                spent[_part] = spent.get(_part, 0.0) + time.perf_counter() - t

        setattr(owner, attr, timed)
    return spent


def child(work: Path, kind: str) -> dict:
    """One fresh start on ``work/kind`` (the child process): ready seconds, its parts, search latency."""
    import onnxruntime  # noqa: F401  # the kiosk's import order (usearch >= 2.26.2 first segfaults)

    from kiosk.eval.bench_gallery import _source_from_dir
    from kiosk.gallery import Gallery
    from kiosk.store.crypto import DataCipher

    spent = _timed_parts()
    cipher = DataCipher(bytes.fromhex(os.environ[_KEY_VAR]), "bench") if kind == "sealed" else None
    src = _source_from_dir(work, "m")
    g = Gallery(src, "m", 128, threshold=0.3, margin=0.05, index_path=work / kind / "g.usearch", cipher=cipher)
    t0 = time.perf_counter()
    g.ready()
    ready = time.perf_counter() - t0
    assert g.last_ready == "loaded", g.last_ready
    queries = np.load(work / "queries.npy")
    for q in queries[:50]:
        g.match(q)
    lat = []
    for q in queries:
        t = time.perf_counter()
        g.match(q)
        lat.append(time.perf_counter() - t)
    g.close()
    ms = np.asarray(lat) * 1000
    return {"ready_s": ready, **{f"{k}_s": v for k, v in spent.items()},
            "checks_s": ready - sum(spent.values()),
            "search_p50_ms": float(np.percentile(ms, 50)), "search_p99_ms": float(np.percentile(ms, 99))}


def build(work: Path, people: int, templates: int) -> None:
    """The plain index of ``people`` x ``templates`` synthetic templates, with its source arrays, in ``work``."""
    from kiosk.eval.bench_gallery import synthetic
    from kiosk.gallery import Gallery
    from kiosk.gallery.array_source import ArraySource

    persons, vectors, queries, _ = synthetic(people, templates, 128, 1000, 0)
    work.mkdir(parents=True, exist_ok=True)
    np.save(work / "persons.npy", persons)
    np.save(work / "vectors.npy", vectors)
    np.save(work / "queries.npy", queries)
    g = Gallery(ArraySource.from_arrays("m", persons, vectors), "m", 128, threshold=0.3,
                index_path=work / "plain" / "g.usearch")
    g.ready()
    g.close()
    (work / "sizes.json").write_text(json.dumps([people, templates]))  # last: marks the folder complete


def seal(work: Path, key: bytes) -> None:
    """The plain index of ``work`` written again, sealed with ``key``, as a kiosk writes it."""
    from kiosk.gallery.index import IndexParams, TemplateIndex
    from kiosk.store.crypto import DataCipher

    shutil.rmtree(work / "sealed", ignore_errors=True)
    index = TemplateIndex.load(IndexParams("m", 128), work / "plain" / "g.usearch")
    index.save(work / "sealed" / "g.usearch", DataCipher(key, "bench"))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--people", type=int, default=100_000)
    ap.add_argument("--templates", type=int, default=3)
    ap.add_argument("--runs", type=int, default=9, help="fresh starts of each kind")
    ap.add_argument("--work", type=Path, help="folder keeping the built index (default: a temporary one)")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--child", nargs=2, metavar=("WORK", "KIND"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(child(Path(args.child[0]), args.child[1])))
        return
    tmp = None if args.work else tempfile.TemporaryDirectory(prefix="kiosk-bench-seal-")
    work = args.work or Path(tmp.name)  # type: ignore[union-attr]
    try:
        sizes = work / "sizes.json"
        if not sizes.is_file() or json.loads(sizes.read_text()) != [args.people, args.templates]:
            build(work, args.people, args.templates)
        key = os.urandom(32)
        seal(work, key)
        env = {**os.environ, _KEY_VAR: key.hex()}
        runs: dict[str, list[dict]] = {"plain": [], "sealed": []}
        for r in range(args.runs):
            for kind in ("plain", "sealed") if r % 2 == 0 else ("sealed", "plain"):
                out = subprocess.run([sys.executable, __file__, "--child", str(work), kind], capture_output=True,
                                     text=True, env=env, check=False)
                if out.returncode:
                    raise RuntimeError(f"the {kind} start failed: {out.stderr.strip()[-2000:]}")
                runs[kind].append(json.loads(out.stdout.strip().splitlines()[-1]))
        size = {k: sum(p.stat().st_size for p in (work / k).iterdir()) for k in runs}
    finally:
        if tmp is not None:
            tmp.cleanup()
        else:  # useless without the key, which is gone
            shutil.rmtree(work / "sealed", ignore_errors=True)
    med = {k: {f: statistics.median(x.get(f, 0.0) for x in v) for f in v[0] | v[-1]} for k, v in runs.items()}
    ready = {k: med[k]["ready_s"] for k in runs}
    out = {
        "people": args.people, "templates": args.people * args.templates, "runs": args.runs,
        "startup_ready_s_plain": round(ready["plain"], 4), "startup_ready_s_sealed": round(ready["sealed"], 4),
        "startup_overhead_pct": round((ready["sealed"] / ready["plain"] - 1) * 100, 1),
        # The same from each round's pair (run back to back): steadier when the machine's load drifts.
        "startup_overhead_pct_paired": round(statistics.median(
            s["ready_s"] / p["ready_s"] - 1 for p, s in zip(runs["plain"], runs["sealed"], strict=True)) * 100, 1),
        "startup_ready_s_best": {k: round(min(x["ready_s"] for x in v), 4) for k, v in runs.items()},
        "parts_ms": {k: {f.removesuffix("_s"): round(v * 1000, 1) for f, v in med[k].items()
                         if f.endswith("_s") and f != "ready_s"} for k in runs},
        **{f"search_{p}_ms_{k}": round(med[k][f"search_{p}_ms"], 4) for p in ("p50", "p99") for k in runs},
        "index_mb_plain": round(size["plain"] / 1e6, 1), "index_mb_sealed": round(size["sealed"] / 1e6, 1),
        "ready_s_all": {k: [round(x["ready_s"], 4) for x in v] for k, v in runs.items()},
        "parts_ms_all": {k: {f.removesuffix("_s"): [round(x.get(f, 0) * 1000) for x in v] for f in v[0]
                             if f.endswith("_s")} for k, v in runs.items()},
        "loadavg": os.getloadavg(),
    }
    print(json.dumps(out, indent=None if args.json else 2))


if __name__ == "__main__":
    main()
