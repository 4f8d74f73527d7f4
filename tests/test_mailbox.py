"""One inference in flight, newest frame wins: the mailbox and the background recognizer."""

from __future__ import annotations

import threading

import cv2
from kiosk_helpers import make_context

from kiosk.attendance.background import BackgroundRecognizer
from kiosk.attendance.recognizer import FrameRecognizer, FrameResult
from kiosk.camera.loop import Frame
from kiosk.camera.mailbox import LatestSlot


def test_slot_keeps_only_the_newest_item() -> None:
    slot: LatestSlot[int] = LatestSlot()
    assert slot.put(1) is False
    assert slot.put(2) is True and slot.put(3) is True
    assert slot.pending == 1 and slot.dropped == 2
    assert slot.take(0) == 3
    assert slot.pending == 0 and slot.take(0.01) is None


def test_close_wakes_a_waiting_consumer() -> None:
    slot: LatestSlot[int] = LatestSlot()
    got: list[object] = []
    t = threading.Thread(target=lambda: got.append(slot.take(None)))
    t.start()
    slot.close()
    t.join(5)
    assert got == [None] and not t.is_alive()


def test_background_recognizer_never_queues_and_ends_on_the_newest_frame(tmp_path, model_dir, pipeline,
                                                                          video_dir) -> None:
    cap = cv2.VideoCapture(str(video_dir / "short_hamilton_clip.mp4"))
    frames = []
    for i in range(60):
        ok, img = cap.read()
        assert ok
        frames.append(Frame(img, i, i / 30, 0.0))
    cap.release()
    results: list[FrameResult] = []
    idle = threading.Event()
    ctx = make_context(tmp_path / "home", model_dir, pipeline)  # real store, real (empty) gallery
    recognizer = FrameRecognizer(pipeline, ctx.gallery, None)
    bg = BackgroundRecognizer(recognizer, results.append)
    bg.start()
    pending_seen = []
    for f in frames:  # the camera delivers far faster than recognition runs
        bg.submit(f)
        pending_seen.append(bg.slot.pending)
    while bg.slot.pending:
        idle.wait(0.01)
    bg.stop()
    ctx.close()
    assert max(pending_seen) <= 1 and bg.max_pending <= 1
    assert bg.dropped > 0 and bg.processed + bg.dropped == len(frames)
    assert results[-1].frame_index == 59  # the newest frame always gets processed
    indexes = [r.frame_index for r in results]
    assert indexes == sorted(indexes)
