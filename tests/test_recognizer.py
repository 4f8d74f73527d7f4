"""FrameRecognizer on the real clip: tracks are embedded every few frames, votes name Lin, the database counts once."""

from __future__ import annotations

import cv2
import pytest
from kiosk_helpers import enroll, make_context

from kiosk.attendance.session import open_session

CLIP = "short_hamilton_clip.mp4"


@pytest.fixture(scope="module")
def clip_frames(video_dir) -> list:
    cap = cv2.VideoCapture(str(video_dir / CLIP))
    frames = []
    while True:
        ok, img = cap.read()
        if not ok:
            break
        frames.append(img)
    cap.release()
    return frames


@pytest.fixture()
def session_with_lin(tmp_path, model_dir, pipeline, video_dir):
    ctx = make_context(tmp_path / "home", model_dir, pipeline)
    session = open_session(ctx)
    pid = enroll(session.store, session.gallery, pipeline, video_dir / "lin-manuel-miranda.png", "Lin-Manuel")
    yield session, pid
    ctx.close()


def test_tracks_are_embedded_every_few_frames_not_every_frame(session_with_lin, clip_frames) -> None:
    session, pid = session_with_lin
    rec = session.recognizer
    every = rec.settings.embed_every
    detections = embedded = 0
    greetings = []
    for i, img in enumerate(clip_frames[:40]):
        r = rec.process(img, i, i / 29.97)
        detections += sum(1 for t in r.tracks if not t.missing)
        embedded += r.embedded
        greetings += r.greetings
    # Two faces for 20 frames, then a few more: far fewer embeddings than detections.
    assert 0 < embedded <= detections / every
    assert [(g.person_id, g.kind) for g in greetings] == [(pid, "checkin")]
    g = greetings[0]
    assert g.latency_s == pytest.approx(g.video_time_s)  # his track began at frame 0
    assert g.frame_index == every * (rec.settings.votes - 1)  # decided on the `votes`-th embedding


def test_the_close_up_after_the_cut_is_recognised_but_not_counted_again(session_with_lin, clip_frames) -> None:
    session, pid = session_with_lin
    rec = session.recognizer
    greetings = []
    states = {}
    for i, img in enumerate(clip_frames[:130]):
        r = rec.process(img, i, i / 29.97)
        greetings += r.greetings
        for t in r.tracks:
            states[t.track_id] = t.state
    assert [(g.person_id, g.kind) for g in greetings] == [(pid, "checkin"), (pid, None)]
    close_up = greetings[1]
    assert close_up.frame_index > 80 and close_up.previous_at == greetings[0].at
    assert close_up.latency_s < 0.5  # from the cut onto his face, not from the earlier face on that spot
    assert "unknown" in states.values()  # the crowd between the two shots
    events = session.store.events_between(greetings[0].at.replace(year=2000), greetings[0].at.replace(year=2100))
    assert [(e.person_id, e.kind) for e in events] == [(pid, "checkin")]
