"""Gallery benchmark at kiosk scale: the same measurement as ``kiosk bench gallery``.

    python bench/bench_gallery.py --people 100000 --templates 3 [--crossover]

Prints one JSON document: search p50/p99 (ms), startup_ready_s (a fresh process loading the persisted
index, fingerprint checked), enroll_ms, rss_mb, recall_at_1 against brute force, build_s, and with
--crossover the exact-vs-graph search time by gallery size.
"""

from __future__ import annotations

import sys

from kiosk.cli.main import main

if __name__ == "__main__":
    raise SystemExit(main(["bench", "gallery", "--json", *sys.argv[1:]]))
