"""Frame sources and the camera loop: files, folders, pacing, end of stream, loss and reconnection."""

from __future__ import annotations

import threading
from pathlib import Path

import cv2
import numpy as np
import pytest

from kiosk.camera.backoff import Backoff
from kiosk.camera.loop import CameraLoop, CameraStatus, Frame
from kiosk.camera.sources import (
    DeviceSource,
    ImageFolderSource,
    SourceError,
    StreamSource,
    VideoFileSource,
    open_source,
)
from kiosk.config import CameraConfig

CAM = CameraConfig(fps=10)


def write_frames(folder: Path, n: int, start: int = 0) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(start, start + n):
        img = np.full((48, 64, 3), i * 7 % 255, np.uint8)
        cv2.imwrite(str(folder / f"frame_{i:04d}.png"), img)


def test_open_source_picks_the_kind(tmp_path: Path, video_dir: Path) -> None:
    write_frames(tmp_path / "imgs", 1)
    assert isinstance(open_source("0", CAM), DeviceSource)
    assert isinstance(open_source("rtsp://user:secret@cam.local/stream", CAM), StreamSource)
    assert isinstance(open_source(str(tmp_path / "imgs"), CAM), ImageFolderSource)
    assert isinstance(open_source(str(video_dir / "short_hamilton_clip.mp4"), CAM), VideoFileSource)
    with pytest.raises(SourceError, match="no such camera index"):
        open_source(str(tmp_path / "missing.mp4"), CAM)
    with pytest.raises(SourceError, match="unsupported stream"):
        open_source("ftp://host/x", CAM)
    with pytest.raises(SourceError):
        open_source("  ", CAM)


def test_stream_password_is_not_shown() -> None:
    src = StreamSource("rtsp://admin:hunter2@10.0.0.5:554/live", CAM)
    assert "hunter2" not in src.describe() and "10.0.0.5" in src.describe()


def test_folder_frames_come_in_name_order_and_bad_files_are_skipped(tmp_path: Path) -> None:
    folder = tmp_path / "imgs"
    write_frames(folder, 3)
    (folder / "frame_0001b.jpg").write_bytes(b"not a jpeg")
    (folder / "notes.txt").write_text("ignored")
    src = open_source(str(folder), CAM)
    src.open()
    values = []
    while (img := src.read()) is not None:
        values.append(int(img[0, 0, 0]))
    assert values == [0, 7, 14]


def test_video_file_reads_every_frame_at_its_own_rate(video_dir: Path) -> None:
    src = open_source(str(video_dir / "short_hamilton_clip.mp4"), CAM)
    frames: list[Frame] = []
    state = CameraLoop(src, frames.append, pace=False, at_end="stop").run(threading.Event())
    assert state == "ended"
    assert len(frames) == 275
    assert src.fps == pytest.approx(29.97, abs=0.01)
    assert [f.index for f in frames[:3]] == [0, 1, 2]
    assert frames[30].video_time_s == pytest.approx(30 / 29.97)
    assert frames[0].image.shape == (360, 640, 3)


def test_a_folder_that_disappears_is_reported_lost_and_resumes(tmp_path: Path) -> None:
    folder = tmp_path / "share"
    write_frames(folder, 20)
    moved = tmp_path / "share-away"
    frames: list[Frame] = []
    statuses: list[CameraStatus] = []
    stop = threading.Event()
    lost = threading.Event()

    def on_frame(f: Frame) -> None:
        frames.append(f)
        if len(frames) == 5:
            folder.rename(moved)  # the network share goes away mid-stream

    def on_status(s: CameraStatus) -> None:
        statuses.append(s)
        if s.state == "lost" and not lost.is_set():
            lost.set()
            moved.rename(folder)  # ... and comes back

    loop = CameraLoop(ImageFolderSource(str(folder), CAM), on_frame, on_status, pace=False, at_end="stop",
                      backoff=Backoff(0.01, 2.0, 0.05))
    assert loop.run(stop) == "ended"
    states = [s.state for s in statuses]
    assert states[0] == "connecting" and "lost" in states and states[-1] == "ended"
    assert states.index("live") < states.index("lost") < len(states) - 1 - states[::-1].index("live")
    assert [int(f.image[0, 0, 0]) for f in frames] == [i * 7 % 255 for i in range(20)]  # nothing lost or repeated


def test_a_source_that_never_opens_retries_with_growing_delays(tmp_path: Path) -> None:
    statuses: list[CameraStatus] = []
    stop = threading.Event()

    def on_status(s: CameraStatus) -> None:
        statuses.append(s)
        if sum(x.state == "lost" for x in statuses) >= 5:
            stop.set()

    src = ImageFolderSource(str(tmp_path / "never"), CAM)
    assert CameraLoop(src, lambda f: None, on_status, backoff=Backoff(0.001, 2.0, 0.004)).run(stop) == "stopped"
    delays = [s.retry_in_s for s in statuses if s.state == "lost"]
    assert delays == [0.001, 0.002, 0.004, 0.004, 0.004]


def test_looping_restarts_a_file_with_rising_indexes(tmp_path: Path) -> None:
    write_frames(tmp_path / "imgs", 3)
    got: list[Frame] = []
    stop = threading.Event()

    def on_frame(f: Frame) -> None:
        got.append(f)
        if len(got) == 7:
            stop.set()

    CameraLoop(open_source(str(tmp_path / "imgs"), CAM), on_frame, pace=False, at_end="loop").run(stop)
    assert [f.index for f in got] == list(range(7))
    assert [int(f.image[0, 0, 0]) for f in got] == [0, 7, 14, 0, 7, 14, 0]
    assert got[6].video_time_s == pytest.approx(0.6)


def test_backoff_doubles_to_the_cap_and_resets() -> None:
    b = Backoff(0.25, 2.0, 5.0)
    assert [b.next() for _ in range(7)] == [0.25, 0.5, 1.0, 2.0, 4.0, 5.0, 5.0]
    b.reset()
    assert b.next() == 0.25
