"""Two processes on one data folder take turns with the gallery's files (the running kiosk and a
`kiosk people delete` both save the index): neither fails, and the files they leave load."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time

import numpy as np

from kiosk.gallery import Gallery, persist
from kiosk.gallery.array_source import ArraySource

SAVER = textwrap.dedent("""
    import sys
    from pathlib import Path
    import numpy as np
    from kiosk.gallery import Gallery
    from kiosk.gallery.array_source import ArraySource

    import time
    path, seed, start_at = Path(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
    rng = np.random.default_rng(seed)
    src = ArraySource("m", 64)
    for p in range(1, 40):
        src.add(p, rng.standard_normal(64).astype(np.float32))
    g = Gallery(src, "m", 64, threshold=0.5, index_path=path)
    time.sleep(max(0.0, start_at - time.time()))  # both loops start together, whatever the imports took
    g.ready()
    for i in range(150):  # every flush writes a new generation of the same files
        src.add(100 + i, rng.standard_normal(64).astype(np.float32))
        g.sync()
        assert g.flush(), "not saved"
    print("ok")
""")


def _source() -> ArraySource:
    src = ArraySource("m", 64)
    rng = np.random.default_rng(0)
    for p in range(1, 40):
        src.add(p, rng.standard_normal(64).astype(np.float32))
    return src


def test_two_processes_saving_one_index_take_turns(tmp_path) -> None:
    path = tmp_path / "gallery.usearch"
    start_at = time.time() + 4
    procs = [subprocess.Popen([sys.executable, "-c", SAVER, str(path), str(seed), str(start_at)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for seed in (1, 2)]
    for p in procs:
        out, err = p.communicate(timeout=120)
        assert p.returncode == 0 and out.strip() == "ok", err[-2000:]
    # Whatever generation won, it is whole: a fresh gallery loads it (and repairs it to its own source).
    assert persist.sidecar_path(path).exists() and len(persist.data_glob(path)) == 1
    g = Gallery(_source(), "m", 64, threshold=0.5, index_path=path)
    g.ready()
    assert g.size == 39


def test_files_that_cannot_be_locked_are_still_used(tmp_path, caplog) -> None:
    # Where no lock file can be made (read-only media; here a folder squats on its name) the gallery
    # still loads and saves, with a warning, instead of failing to start.
    path = tmp_path / "gallery.usearch"
    path.with_name(path.name + ".lock").mkdir()
    g = Gallery(_source(), "m", 64, threshold=0.5, index_path=path)
    with caplog.at_level("WARNING", logger="kiosk.gallery.persist"):
        g.ready()
        g.source.add(500, np.ones(64, np.float32))  # type: ignore[attr-defined]
        g.sync()
        assert g.flush()
    assert "cannot lock the gallery files" in caplog.text
    again = Gallery(_source(), "m", 64, threshold=0.5, index_path=path)
    again.ready()
    assert again.size == 39
