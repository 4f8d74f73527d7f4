"""One inference in flight, newest frame wins: the mailbox and the background recognizer."""

from __future__ import annotations

import queue
import threading
import time

import cv2
from kiosk_helpers import make_context

from kiosk.attendance.background import BackgroundRecognizer
from kiosk.attendance.recognizer import FrameRecognizer, FrameResult
from kiosk.camera.loop import Frame
from kiosk.camera.mailbox import NewestMailbox


def test_keeps_only_the_newest_item_and_counts_the_dropped() -> None:
    box: NewestMailbox[int] = NewestMailbox()
    assert box.put(1) is True  # into an empty mailbox: the consumer needs a nudge
    assert box.put(2) is False and box.put(3) is False  # replaced an unread item: no second nudge
    assert box.pending == 1 and box.dropped == 2
    assert box.take(0) == 3
    assert box.pending == 0 and box.take(0.01) is None and box.poll() is None
    assert box.put(4) is True  # empty again: the next item is a first one
    assert (box.puts, box.delivered, box.dropped, box.pending) == (4, 1, 2, 1)


def test_clear_drops_the_unread_item_and_rearms_the_nudge() -> None:
    box: NewestMailbox[str] = NewestMailbox()
    box.put("stale")
    box.clear()
    assert box.poll() is None and box.dropped == 1
    assert box.put("fresh") is True and box.poll() == "fresh"


def test_close_wakes_a_waiting_consumer() -> None:
    box: NewestMailbox[int] = NewestMailbox()
    got: list[object] = []
    started = threading.Event()

    def consume() -> None:
        started.set()
        got.append(box.take(None))

    t = threading.Thread(target=consume)
    t.start()
    started.wait(5)
    time.sleep(0.05)  # let it block in take
    box.close()
    t.join(5)
    assert got == [None] and not t.is_alive()


def test_close_drops_the_unread_item_and_later_puts() -> None:
    box: NewestMailbox[int] = NewestMailbox()
    box.put(1)
    box.close()
    assert box.closed and box.take(None) is None  # closed: never waits, never delivers
    assert box.put(2) is False and box.pending == 0
    assert (box.puts, box.delivered, box.dropped) == (2, 0, 2)


def test_take_waits_for_its_timeout_and_returns_an_item_put_meanwhile() -> None:
    box: NewestMailbox[int] = NewestMailbox()
    t0 = time.monotonic()
    assert box.take(0.1) is None
    assert time.monotonic() - t0 >= 0.09
    timer = threading.Timer(0.05, box.put, args=(7,))
    timer.start()
    t0 = time.monotonic()
    assert box.take(5) == 7
    assert time.monotonic() - t0 < 4  # woken by the put, not by the timeout
    timer.join()


def test_wake_ends_a_wait_without_an_item_and_is_not_lost_before_the_wait() -> None:
    box: NewestMailbox[int] = NewestMailbox()
    timer = threading.Timer(0.05, box.wake)
    timer.start()
    t0 = time.monotonic()
    assert box.take(5) is None
    assert time.monotonic() - t0 < 4
    timer.join()
    box.wake()  # no consumer waits yet: the next take returns at once
    t0 = time.monotonic()
    assert box.take(5) is None and time.monotonic() - t0 < 1
    box.wake()
    box.put(3)
    assert box.take(5) == 3  # a wake-up with an item there delivers the item
    assert box.take(0.05) is None  # and the wake-up was used up


def test_a_slow_consumer_gets_ever_newer_items_and_always_the_last() -> None:
    """Real threads: a producer far faster than its consumer never builds a queue or loses the newest."""
    box: NewestMailbox[int] = NewestMailbox()
    n = 20_000
    got: list[int] = []
    produced = threading.Event()
    max_pending = 0

    def produce() -> None:
        nonlocal max_pending
        for i in range(n):
            box.put(i)
            max_pending = max(max_pending, box.pending)
        produced.set()

    def consume() -> None:
        while True:
            item = box.take(0.05)
            if item is not None:
                got.append(item)
                time.sleep(0.0005)  # "inference"
            elif produced.is_set() and not box.pending:
                return

    threads = [threading.Thread(target=produce), threading.Thread(target=consume)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert not any(t.is_alive() for t in threads)
    assert got[-1] == n - 1  # the newest item always gets through
    assert got == sorted(set(got))  # strictly newer each time: nothing stale, nothing twice
    assert max_pending <= 1 and box.dropped > 0
    assert box.puts == n == box.delivered + box.dropped + box.pending


def test_nudged_consumer_gets_one_nudge_per_delivery_and_never_a_backlog() -> None:
    """The Qt pattern (CameraThread, CameraTap, VideoFileFeed): nudge when put says so, take on each nudge."""
    box: NewestMailbox[int] = NewestMailbox()
    nudges: queue.Queue[bool] = queue.Queue()
    n = 5_000
    got: list[int | None] = []
    max_in_flight = 0

    def produce() -> None:
        nonlocal max_in_flight
        for i in range(n):
            if box.put(i):
                nudges.put(True)
                max_in_flight = max(max_in_flight, nudges.qsize())
        nudges.put(False)  # end of stream

    def consume() -> None:
        while nudges.get(timeout=10):
            got.append(box.poll())
            time.sleep(0.0002)  # a busy UI thread
        if (last := box.poll()) is not None:  # the final item may have replaced one already nudged
            got.append(last)

    threads = [threading.Thread(target=produce), threading.Thread(target=consume)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert not any(t.is_alive() for t in threads)
    assert None not in got  # every nudge found an item waiting
    assert max_in_flight <= 1
    assert got[-1] == n - 1 and got == sorted(set(got))  # type: ignore[type-var]
    assert box.delivered == len(got) and box.delivered + box.dropped == n


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
