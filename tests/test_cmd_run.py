"""``kiosk run`` headless on the clip: the same recognition and attendance as the window, as JSON lines."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from kiosk_helpers import enroll

from kiosk.cli.main import main


def _run(home: Path, model_dir: Path, video: Path, capsys) -> list[dict]:
    code = main(["--home", str(home), "--model-dir", str(model_dir), "run", "--source", str(video),
                 "--no-gui", "--json", "--exit-at-end"])
    assert code == 0
    return [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.strip()]


def _enroll_into_home(home: Path, pipeline, png: Path, name: str) -> int:
    from kiosk.store import Store

    store = Store.open(f"sqlite:///{home / 'kiosk.sqlite3'}")
    try:
        # The gallery of `kiosk run` is rebuilt from the store when it starts.
        return enroll(store, None, pipeline, png, name)
    finally:
        store.close()


@pytest.mark.slow
def test_run_checks_in_lin_once_and_not_again_after_a_restart(tmp_path, model_dir, pipeline, video_dir,
                                                              capsys) -> None:
    home = tmp_path / "home"
    home.mkdir()
    pid = _enroll_into_home(home, pipeline, video_dir / "lin-manuel-miranda.png", "Lin-Manuel")
    video = video_dir / "short_hamilton_clip.mp4"
    lines = _run(home, model_dir, video, capsys)
    events, summary = lines[:-1], lines[-1]
    assert [(e["event"], e["person_id"], e["name"]) for e in events] == [("checkin", pid, "Lin-Manuel")]
    e = events[0]
    assert e["similarity"] >= 0.3 and 0 <= e["latency_s"] <= e["video_time_s"]
    assert e["frame"] == round(e["video_time_s"] * 29.97)
    assert summary["event"] == "summary" and summary["frames"] == 275 and summary["checkins"] == 1
    # a restarted kiosk on the same database does not count him twice today
    again = _run(home, model_dir, video, capsys)
    assert [x["event"] for x in again] == ["summary"] and again[0]["checkins"] == 0


@pytest.mark.slow
def test_run_with_only_alex_enrolled_checks_in_nobody(tmp_path, model_dir, pipeline, video_dir, capsys) -> None:
    home = tmp_path / "home"
    home.mkdir()
    _enroll_into_home(home, pipeline, video_dir / "alex-lacamoire.png", "Alex")
    lines = _run(home, model_dir, video_dir / "short_hamilton_clip.mp4", capsys)
    assert [x["event"] for x in lines] == ["summary"] and lines[0]["checkins"] == 0


def test_run_refuses_a_missing_source(tmp_path, capsys) -> None:
    code = main(["--home", str(tmp_path), "run", "--source", str(tmp_path / "nope.mp4"), "--json"])
    assert code == 1
    assert "no such camera index, video file" in capsys.readouterr().err


def test_run_is_headless_and_reads_an_image_folder(tmp_path, model_dir, video_dir) -> None:
    import subprocess
    import sys

    import cv2

    folder = tmp_path / "frames"
    folder.mkdir()
    cap = cv2.VideoCapture(str(video_dir / "short_hamilton_clip.mp4"))
    for i in range(4):
        ok, img = cap.read()
        assert ok
        cv2.imwrite(str(folder / f"{i:02d}.jpg"), img)
    cap.release()
    code = (
        "import sys\n"
        "from kiosk.cli.main import main\n"
        f"rc = main(['--home', {str(tmp_path / 'home')!r}, '--model-dir', {str(model_dir)!r}, 'run', '--source',"
        f" {str(folder)!r}, '--json', '--exit-at-end'])\n"
        "print('QT', any(m.startswith('PySide6') for m in sys.modules))\n"
        "sys.exit(rc)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[-1] == "QT False"
    summary = json.loads(lines[-2])
    assert summary["event"] == "summary" and summary["frames"] == 4 and summary["checkins"] == 0
