"""Unit tests of the geometry: similarity transform, ArcFace alignment, SCRFD decoding, NMS."""

from __future__ import annotations

import math

import numpy as np

from kiosk.vision.align import ARCFACE_112, arcface_align, similarity_transform
from kiosk.vision.detector import anchor_centers, decode_scrfd, nms
from kiosk.vision.quality import estimate_yaw


def test_similarity_transform_recovers_rotation_scale_translation():
    angle, scale, t = math.radians(17), 1.7, np.array([12.0, -5.0])
    rot = np.array([[math.cos(angle), -math.sin(angle)], [math.sin(angle), math.cos(angle)]])
    src = ARCFACE_112.copy()
    dst = (scale * (rot @ src.T)).T + t
    m = similarity_transform(src, dst)
    np.testing.assert_allclose(m[:, :2], scale * rot, atol=1e-9)
    np.testing.assert_allclose(m[:, 2], t, atol=1e-9)


def test_similarity_transform_is_never_a_shear_or_reflection():
    rng = np.random.default_rng(0)
    src = ARCFACE_112 + rng.normal(0, 3, ARCFACE_112.shape)
    m = similarity_transform(src, ARCFACE_112)
    a = m[:, :2]
    assert abs(a[0, 0] - a[1, 1]) < 1e-9 and abs(a[0, 1] + a[1, 0]) < 1e-9
    assert np.linalg.det(a) > 0


def test_alignment_puts_keypoints_on_the_template():
    img = np.zeros((400, 400, 3), np.uint8)
    kps = ARCFACE_112 * 2.5 + np.array([60.0, 40.0])
    for x, y in kps.astype(int):
        img[y - 2 : y + 3, x - 2 : x + 3] = 255
    crop = arcface_align(img, kps.astype(np.float32))
    assert crop.shape == (112, 112, 3)
    for x, y in ARCFACE_112.round().astype(int):
        assert crop[y, x].max() > 100


def test_anchor_centers_layout():
    c = anchor_centers(2, 3, 8, 2)
    assert c.shape == (12, 2)
    np.testing.assert_array_equal(c[:4], [[0, 0], [0, 0], [8, 0], [8, 0]])
    np.testing.assert_array_equal(c[6], [0, 8])


def test_decode_scrfd_one_face_at_a_known_anchor():
    h = w = 64
    outs = []
    for dim in (1, 4, 10):
        for stride in (8, 16, 32):
            n = (h // stride) * (w // stride) * 2
            outs.append(np.zeros((n, dim), np.float32))
    # stride 16, cell (x=2, y=1), first anchor: centre (32, 16)
    idx = (1 * (w // 16) + 2) * 2
    outs[1][idx, 0] = 0.9
    outs[4][idx] = [1, 1, 2, 2]  # distances in stride units
    outs[7][idx] = [0, 0, 1, 0, 0, 1, -1, 1, 1, 1]
    boxes, scores, kps = decode_scrfd(outs, h, w, 0.5)
    assert scores.tolist() == [np.float32(0.9)]
    np.testing.assert_allclose(boxes[0], [16, 0, 64, 48])
    np.testing.assert_allclose(kps[0][1], [48, 16])


def test_nms_keeps_the_best_of_overlapping_boxes():
    boxes = np.array([[0, 0, 10, 10], [1, 1, 11, 11], [50, 50, 60, 60]], np.float32)
    scores = np.array([0.8, 0.9, 0.7], np.float32)
    assert nms(boxes, scores, 0.4) == [1, 2]


def test_yaw_is_zero_for_a_frontal_template_and_grows_with_turn():
    assert abs(estimate_yaw(ARCFACE_112)) < 2.0
    turned = ARCFACE_112.copy()
    turned[2, 0] += 12
    assert estimate_yaw(turned) > 30


def test_similarity_transform_is_the_weighted_least_squares_fit():
    # Independent reference: the 4-DoF similarity is linear in (a, b, tx, ty); solve it with lstsq.
    rng = np.random.default_rng(3)
    src = rng.normal(0, 40, (5, 2)) + 100
    dst = ARCFACE_112 + rng.normal(0, 2, (5, 2))
    w = np.array([1.0, 1.0, 1.0, 0.25, 0.25])
    rows, rhs = [], []
    for (x, y), (u, v), wi in zip(src, dst, w, strict=True):
        r = math.sqrt(wi)
        rows += [[r * x, -r * y, r, 0.0], [r * y, r * x, 0.0, r]]
        rhs += [r * u, r * v]
    a, b, tx, ty = np.linalg.lstsq(np.array(rows), np.array(rhs), rcond=None)[0]
    m = similarity_transform(src, dst, w)
    np.testing.assert_allclose(m, [[a, -b, tx], [b, a, ty]], atol=1e-9)


def test_blob_writer_matches_opencv_blob_and_reuses_its_buffer():
    import cv2

    from kiosk.vision.blob import BlobWriter

    rng = np.random.default_rng(1)
    images = [rng.integers(0, 256, (37, 53, 3), np.uint8) for _ in range(2)]
    for color, mean, std in (("RGB", (127.5,) * 3, (128.0,) * 3), ("BGR", (104.0, 117.0, 123.0), (1.0,) * 3),
                             ("RGB", (122.782, 117.001, 104.298), (256.0,) * 3)):
        writer = BlobWriter(mean, std, color)
        blob = writer.write(images)
        ref = cv2.dnn.blobFromImages(images, 1.0 / std[0], None, mean, swapRB=color == "RGB")
        np.testing.assert_allclose(blob, ref, atol=1e-5)
        assert writer.write(images) is blob  # same shape: the same buffer, no allocation
    per_channel = BlobWriter((1.0, 2.0, 3.0), (2.0, 4.0, 8.0), "RGB").write(images[:1])
    expect = (images[0][..., ::-1].astype(np.float32) - [1.0, 2.0, 3.0]) / [2.0, 4.0, 8.0]
    np.testing.assert_allclose(per_channel[0], expect.transpose(2, 0, 1), atol=1e-5)
