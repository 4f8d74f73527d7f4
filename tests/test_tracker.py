"""The IoU tracker: tracks follow boxes, survive brief misses, end, and never swap between faces."""

from __future__ import annotations

import numpy as np

from kiosk.attendance.tracker import IoUTracker
from kiosk.vision.boxes import iou_matrix
from kiosk.vision.types import Detection


def det(x1: float, y1: float, x2: float, y2: float) -> Detection:
    return Detection((x1, y1, x2, y2), 0.9, np.zeros((5, 2), np.float32))


def test_iou_matrix_values() -> None:
    a = np.array([[0, 0, 10, 10]], np.float32)
    b = np.array([[0, 0, 10, 10], [5, 0, 15, 10], [20, 20, 30, 30]], np.float32)
    m = iou_matrix(a, b)
    assert m.shape == (1, 3)
    assert m[0, 0] == 1.0
    assert abs(m[0, 1] - 50 / 150) < 1e-6
    assert m[0, 2] == 0.0
    assert iou_matrix(a, np.zeros((0, 4), np.float32)).shape == (1, 0)


def test_track_follows_a_moving_face_and_keeps_its_id() -> None:
    tr = IoUTracker()
    ids = set()
    for i in range(10):
        tracks = tr.update([det(100 + 3 * i, 100, 200 + 3 * i, 220)], i, i / 30)
        assert len(tracks) == 1
        ids.add(tracks[0].id)
    assert ids == {1}
    assert tracks[0].hits == 10 and tracks[0].first_tick == 0


def test_track_survives_a_few_missed_frames_then_ends() -> None:
    tr = IoUTracker(max_missed=3)
    tr.update([det(0, 0, 100, 100)], 0, 0.0)
    for tick in (1, 2, 3):
        tracks = tr.update([], tick, tick / 30)
        assert len(tracks) == 1 and tracks[0].detection is None and tracks[0].misses == tick
    # back after three misses: the same track
    tracks = tr.update([det(2, 0, 102, 100)], 4, 4 / 30)
    assert [t.id for t in tracks] == [1] and tracks[0].misses == 0
    for tick in range(5, 9):
        tracks = tr.update([], tick, tick / 30)
    assert tracks == []


def test_two_faces_keep_their_own_tracks_and_a_new_face_gets_a_new_id() -> None:
    tr = IoUTracker()
    a, b = tr.update([det(0, 0, 100, 100), det(300, 0, 400, 100)], 0, 0.0)
    # listed in the other order and slightly moved: ids must follow the boxes, not the list order
    tracks = tr.update([det(305, 0, 405, 100), det(4, 0, 104, 100)], 1, 0.03)
    by_id = {t.id: t for t in tracks}
    assert by_id[a.id].box[0] == 4 and by_id[b.id].box[0] == 305
    tracks = tr.update([det(4, 0, 104, 100), det(305, 0, 405, 100), det(600, 0, 700, 100)], 2, 0.06)
    assert sorted(t.id for t in tracks) == [1, 2, 3]


def test_a_far_jump_starts_a_new_track() -> None:
    tr = IoUTracker(max_missed=0)
    tr.update([det(0, 0, 100, 100)], 0, 0.0)
    tracks = tr.update([det(400, 300, 500, 400)], 1, 0.03)
    assert [t.id for t in tracks] == [2] and tracks[0].first_tick == 1


def test_split_starts_a_fresh_track_dated_after_the_last_embedding() -> None:
    tr = IoUTracker()
    (t,) = tr.update([det(0, 0, 100, 100)], 0, 0.0)
    t.last_embed_tick, t.last_embed_time = 4, 0.4
    t.vote.add(type("M", (), {"person_id": None, "name": None, "similarity": 0.1})())
    new = tr.split(t, 6, 0.6)
    assert new.id != t.id and tr.tracks == [new]
    assert (new.first_tick, new.box, new.vote.results) == (5, t.box, 0)
    assert 0.4 < new.first_time <= 0.6


def test_a_box_that_jumps_marks_its_track_and_a_split_is_dated_from_the_jump() -> None:
    tr = IoUTracker()
    (t,) = tr.update([det(100, 100, 159, 159)], 0, 0.0)
    t.last_embed_tick, t.last_embed_time = 0, 0.0
    # steady: a face moving and growing as a person walks up does not jump
    for tick in range(1, 6):
        grow = tick
        (t,) = tr.update([det(100 - grow, 100 - grow, 159 + grow, 159 + grow)], tick, tick / 30)
        assert not t.jumped
    # 69 px → 98 px between two frames on the same spot (like the clip's cut): the same track, marked
    (t,) = tr.update([det(80, 80, 178, 178)], 6, 0.2)
    assert t.id == 1 and t.jumped and (t.jump_tick, t.jump_time) == (6, 0.2)
    new = tr.split(t, 8, 0.27)
    assert (new.first_tick, new.first_time) == (6, 0.2)
    # a face sliding sideways by half its width in one frame jumps too; the same after missed frames not
    tr = IoUTracker()
    tr.update([det(0, 0, 100, 100)], 0, 0.0)
    (t,) = tr.update([det(50, 0, 150, 100)], 1, 0.03)
    assert t.jumped
    tr = IoUTracker()
    tr.update([det(0, 0, 100, 100)], 0, 0.0)
    tr.update([], 1, 0.03)
    (t,) = tr.update([det(50, 0, 150, 100)], 2, 0.06)
    assert not t.jumped


def test_a_track_matches_the_mean_of_its_latest_embeddings() -> None:
    tracker = IoUTracker()
    track = tracker.update([det(0, 0, 100, 100)], 0, 0.0)[0]
    e1, e2, e3 = np.eye(3, dtype=np.float32)
    # The first embedding is used as it is; then the unit mean of the last `keep` ones.
    np.testing.assert_array_equal(track.fused_embedding(e1, 2), e1)
    np.testing.assert_allclose(track.fused_embedding(e2, 2), (e1 + e2) / np.sqrt(2), atol=1e-6)
    np.testing.assert_allclose(track.fused_embedding(e3, 2), (e2 + e3) / np.sqrt(2), atol=1e-6)
    # A track split off (another face on the same box) starts from its own frames only.
    new = tracker.split(track, 1, 0.1)
    np.testing.assert_array_equal(new.fused_embedding(e1, 2), e1)
