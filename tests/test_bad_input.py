"""Bad input never crashes: each case is handled or refused with a clear message."""

from __future__ import annotations

import json

import cv2
import numpy as np
import pytest
from conftest import EXAMPLES, run_cli

from kiosk.errors import ImageError
from kiosk.vision.image_io import read_image


def make(tmp_path, name, writer):
    p = tmp_path / name
    writer(p)
    return p


OBAMA = str(EXAMPLES / "obama.jpg")
CASES = {
    "not_an_image.jpg": lambda p: p.write_text("hello, I am text"),
    "empty.jpg": lambda p: p.write_bytes(b""),
    "truncated.jpg": lambda p: p.write_bytes((EXAMPLES / "obama.jpg").read_bytes()[:20000]),
    "grey.png": lambda p: cv2.imwrite(str(p), cv2.cvtColor(cv2.imread(OBAMA), cv2.COLOR_BGR2GRAY)),
    "rgba.png": lambda p: cv2.imwrite(str(p), cv2.cvtColor(cv2.imread(OBAMA), cv2.COLOR_BGR2BGRA)),
    "deep16.png": lambda p: cv2.imwrite(str(p), cv2.imread(OBAMA).astype(np.uint16) * 257),
    "one_pixel.png": lambda p: cv2.imwrite(str(p), np.zeros((1, 1, 3), np.uint8)),
    "huge.png": lambda p: cv2.imwrite(str(p), np.full((8000, 8000, 3), 128, np.uint8)),
}
REFUSED = {"not_an_image.jpg": "not a readable image", "empty.jpg": "empty", "one_pixel.png": "too small",
           "truncated.jpg": "truncated"}
FACE_EXPECTED = {"grey.png", "rgba.png", "deep16.png"}


@pytest.mark.parametrize("name", sorted(CASES))
def test_cli_detect_handles_or_refuses_clearly(tmp_path, home, name):
    path = make(tmp_path, name, CASES[name])
    r = run_cli("detect", str(path), "--json", home=home)
    assert "Traceback" not in r.stderr, r.stderr
    if name in REFUSED:
        assert r.returncode == 1
        assert REFUSED[name] in r.stderr and str(path) in r.stderr
        return
    assert r.returncode == 0, r.stderr
    faces = json.loads(r.stdout)["faces"]
    if name in FACE_EXPECTED:
        assert len(faces) == 1, name
    else:
        assert faces == []


def test_read_image_converts_every_layout_to_bgr8(tmp_path):
    for name in ("grey.png", "rgba.png", "deep16.png"):
        img = read_image(make(tmp_path, name, CASES[name]))
        assert img.dtype == np.uint8 and img.ndim == 3 and img.shape[2] == 3


def test_missing_and_folder_paths(tmp_path):
    with pytest.raises(ImageError, match="no such file"):
        read_image(tmp_path / "nope.jpg")
    with pytest.raises(ImageError, match="folder"):
        read_image(tmp_path)


def test_compare_without_a_face_names_the_image(tmp_path, home):
    blank = make(tmp_path, "blank.png", lambda p: cv2.imwrite(str(p), np.full((300, 300, 3), 200, np.uint8)))
    r = run_cli("compare", str(blank), str(EXAMPLES / "obama.jpg"), "--json", home=home)
    assert r.returncode == 1 and "no face" in r.stderr and str(blank) in r.stderr
