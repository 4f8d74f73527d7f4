"""dlib's face-recognition ResNet converted to ONNX: same descriptors as dlib, clear errors, caching.

Real files only: the .dat of the face_recognition_models package, the shared model folder's YuNet,
and real face photographs. dlib-bin (the test extra) is the reference implementation.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import cv2
import numpy as np
import pytest

from kiosk.errors import ModelError
from kiosk.modelzoo.dlib_convert import (
    ONNX_NAME,
    convert_dlib_resnet,
    default_dat_path,
    ensure_dlib_onnx,
    parse_dlib_resnet,
    sidecar_path,
)
from kiosk.modelzoo.locate import ModelLocator, default_model_dirs, sha256_file
from kiosk.modelzoo.manifest import load_manifest
from kiosk.vision.align import ALIGNERS, dlib_align
from kiosk.vision.embedder import FaceEmbedder
from kiosk.vision.image_io import read_image
from kiosk.vision.pipeline import FacePipeline, PipelineOptions, cosine

SHARED = Path(__file__).resolve().parents[2] / "shared"
if not (SHARED / "models").is_dir():
    SHARED = Path("/work/shared")
EXAMPLES = SHARED / "data" / "faces" / "examples"
LFW = SHARED / "data" / "lfw" / "lfw-deepfunneled"
MODEL_ID = "dlib_resnet_v1"
# dlib's 5-point landmark model (shipped beside the ResNet): for dlib's own reference chips only.
SHAPE_5 = default_dat_path().with_name("shape_predictor_5_face_landmarks.dat")


@pytest.fixture(scope="session")
def dat_path() -> Path:
    return default_dat_path()


@pytest.fixture(scope="session")
def converted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The ONNX conversion, made once per session in a temporary cache folder."""
    return ensure_dlib_onnx(tmp_path_factory.mktemp("dlib-cache"))


@pytest.fixture(scope="session")
def dlib_chips() -> list[np.ndarray]:
    """dlib's own 150x150 RGB face chips (HOG detector + 5-point predictor) of real faces."""
    dlib = pytest.importorskip("dlib")
    hog = dlib.get_frontal_face_detector()
    sp = dlib.shape_predictor(str(SHAPE_5))
    files = [EXAMPLES / n for n in ("obama.jpg", "obama2.jpg", "biden.jpg", "two_people.jpg")]
    files += [sorted((LFW / n).glob("*.jpg"))[0] for n in ("Aaron_Eckhart", "Serena_Williams",
                                                           "Colin_Powell", "Gloria_Macapagal_Arroyo")]
    chips = []
    for f in files:
        rgb = dlib.load_rgb_image(str(f))
        # the example photographs are large: only LFW's 250x250 faces need upsampling
        for rect in hog(rgb, 1 if rgb.shape[0] <= 250 else 0):
            chips.append(np.asarray(dlib.get_face_chip(rgb, sp(rgb, rect), size=150, padding=0.25)))
    assert len(chips) >= 8
    return chips


def test_descriptor_equals_dlib(converted: Path, dat_path: Path, dlib_chips: list[np.ndarray]) -> None:
    """Through the manifest's preprocessing, the ONNX model gives dlib's compute_face_descriptor."""
    dlib = pytest.importorskip("dlib")
    facerec = dlib.face_recognition_model_v1(str(dat_path))
    ref = np.array([np.array(facerec.compute_face_descriptor(c)) for c in dlib_chips])
    emb = FaceEmbedder(converted, load_manifest().get(MODEL_ID), threads=1, flip=False)
    assert emb.input_size == 150 and emb.dim == 128
    bgr = [np.ascontiguousarray(c[:, :, ::-1]) for c in dlib_chips]
    ours = emb.raw_forward(emb.blob(bgr))
    assert ours.shape == ref.shape
    assert np.abs(ours - ref).max() <= 1e-4
    # dynamic batch: one at a time gives the same
    single = emb.raw_forward(emb.blob(bgr[:1]))
    assert np.abs(single[0] - ours[0]).max() <= 1e-5


def test_input_layer_matches_manifest(dat_path: Path) -> None:
    """The manifest's mean/std/colour are dlib's input_rgb_image_sized<150> from the file."""
    net = parse_dlib_resnet(dat_path.read_bytes(), str(dat_path))
    spec = load_manifest().get(MODEL_ID)
    assert net.input_size == (150, 150)
    assert np.allclose(net.mean_rgb, spec.mean, atol=1e-4)
    assert spec.std == (256.0, 256.0, 256.0) and spec.color == "RGB"
    assert (spec.input_size, spec.dim, spec.alignment) == (150, 128, "dlib150")
    assert spec.commercial_use and spec.extra["converter"] == "dlib"


def test_conversion_is_deterministic_and_pinned(converted: Path, dat_path: Path, tmp_path: Path) -> None:
    spec = load_manifest().get(MODEL_ID)
    assert sha256_file(dat_path) == spec.extra["source_sha256"]
    again = tmp_path / "again.onnx"
    convert_dlib_resnet(dat_path, again)
    assert sha256_file(again) == sha256_file(converted) == spec.sha256


def test_clean_pack_same_and_different_person(converted: Path, tmp_path: Path) -> None:
    """obama vs obama2 is the same person, obama vs biden is not, with the commercial-use pack."""
    manifest = load_manifest()
    pack = manifest.pack("dlib")
    assert manifest.pack("clean") == pack  # the former name still works
    assert (pack.detector, pack.embedder) == ("yunet_2023mar_int8bq", MODEL_ID)
    # No model folder: YuNet from the pip package (converted), dlib's network from face_recognition_models.
    locator = ModelLocator(default_model_dirs(tmp_path / "no-models"), hash_cache=tmp_path / "h.json",
                           convert_dir=converted.parent)
    options = PipelineOptions(detector=pack.detector, embedder=pack.embedder, threads=2)
    pipe = FacePipeline.build(manifest, locator, options)
    faces = {n: pipe.largest_face(read_image(EXAMPLES / f"{n}.jpg")) for n in ("obama", "obama2", "biden")}
    assert all(f is not None for f in faces.values())
    threshold = manifest.get(MODEL_ID).threshold
    same = cosine(faces["obama"].embedding, faces["obama2"].embedding)  # type: ignore[union-attr]
    diff = cosine(faces["obama"].embedding, faces["biden"].embedding)  # type: ignore[union-attr]
    assert same > threshold > diff
    assert faces["obama"].aligned.shape == (150, 150, 3)  # type: ignore[union-attr]


def test_locator_converts_when_missing(dat_path: Path, tmp_path: Path) -> None:
    """A converter model in no model dir is 'convertible'; resolve() converts and verifies it."""
    spec = load_manifest().get(MODEL_ID)
    locator = ModelLocator([("empty", tmp_path / "none")], hash_cache=tmp_path / "h.json",
                           convert_dir=tmp_path / "conv")
    assert locator.status(spec).status == "convertible"
    path = locator.resolve(spec)
    assert path == tmp_path / "conv" / ONNX_NAME
    assert locator.status(spec).status == "ok"
    # a damaged cached conversion is made again, not reported as a mismatch
    path.write_bytes(b"damaged")
    assert locator.resolve(spec) == path and sha256_file(path) == spec.sha256


def test_dlib150_aligner_close_to_dlib_chip(converted: Path, dat_path: Path, tmp_path: Path) -> None:
    """Our keypoints + the fitted template give nearly dlib's own chip (same descriptor)."""
    dlib = pytest.importorskip("dlib")
    assert ALIGNERS["dlib150"] is dlib_align
    hog = dlib.get_frontal_face_detector()
    sp = dlib.shape_predictor(str(SHAPE_5))
    manifest = load_manifest()
    locator = ModelLocator(default_model_dirs(SHARED / "models"), hash_cache=tmp_path / "h.json",
                           convert_dir=converted.parent)
    pipe = FacePipeline.build(manifest, locator, PipelineOptions(detector="yunet_2023mar", embedder=MODEL_ID,
                                                                 flip=False, threads=2))
    sims = []
    for name in ("obama", "obama2", "biden"):
        bgr = read_image(EXAMPLES / f"{name}.jpg")
        rgb = np.ascontiguousarray(bgr[:, :, ::-1])
        ref_chip = np.asarray(dlib.get_face_chip(rgb, sp(rgb, hog(rgb, 0)[0]), size=150, padding=0.25))
        face = pipe.largest_face(bgr)
        assert face is not None
        ref = pipe.embedder.embed([np.ascontiguousarray(ref_chip[:, :, ::-1])])[0]
        sims.append(cosine(face.embedding, ref))
    assert min(sims) > 0.97, sims


def test_dlib150_pyramid_keeps_geometry() -> None:
    """A large face (pyramid path) gives the same chip as the same face at a quarter the size."""
    img = read_image(EXAMPLES / "obama.jpg")
    kps = np.array([[320, 210], [400, 210], [360, 255], [328, 300], [392, 300]], np.float64)
    small = dlib_align(img, kps, 150)
    big = cv2.resize(img, None, fx=4, fy=4, interpolation=cv2.INTER_CUBIC)
    # the same points in the 4x image (pixel centres: x' = 4x + 1.5)
    large = dlib_align(big, kps * 4 + 1.5, 150)
    assert large.shape == small.shape == (150, 150, 3)
    diff = np.abs(large.astype(np.float32) - small.astype(np.float32))[10:-10, 10:-10]
    assert diff.mean() < 4.0, diff.mean()


# ----------------------------------------------------------------------------------------- errors


def _expect_model_error(path: Path, *needles: str) -> str:
    with pytest.raises(ModelError) as info:
        convert_dlib_resnet(path, path.with_suffix(".onnx"))
    msg = str(info.value)
    assert str(path) in msg
    for needle in needles:
        assert needle in msg, msg
    assert not path.with_suffix(".onnx").exists()
    return msg


def test_truncated_dat(dat_path: Path, tmp_path: Path) -> None:
    data = dat_path.read_bytes()
    for cut in (3, 300, 20_000, len(data) // 2, len(data) - 1):
        bad = tmp_path / f"cut{cut}.dat"
        bad.write_bytes(data[:cut])
        _expect_model_error(bad, "truncated")


def test_corrupt_dat(dat_path: Path, tmp_path: Path) -> None:
    data = dat_path.read_bytes()
    # a layer's version tag damaged
    at = data.index(b"con_4")
    bad = tmp_path / "tag.dat"
    bad.write_bytes(data[:at] + b"con_9" + data[at + 5:])
    _expect_model_error(bad, "con_4", "con_9", f"byte {at - 2}")
    # garbage where the layer versions should be
    bad = tmp_path / "garbage.dat"
    bad.write_bytes(data[:40] + bytes(range(256)) * 8 + data[40 + 2048:])
    _expect_model_error(bad, "not a usable dlib face-recognition network")
    # NaN weights (eight 0xff bytes cover at least one whole float32 of the last layer)
    bad = tmp_path / "nan.dat"
    bad.write_bytes(data[:-3000] + b"\xff" * 8 + data[-2992:])
    _expect_model_error(bad, "NaN or infinite")
    # trailing bytes
    bad = tmp_path / "trailing.dat"
    bad.write_bytes(data + b"\x00\x00")
    _expect_model_error(bad, "2 unexpected bytes")
    # an empty file, a file that is not dlib at all, and another dlib model
    bad = tmp_path / "empty.dat"
    bad.write_bytes(b"")
    _expect_model_error(bad, "empty")
    bad = tmp_path / "text.dat"
    bad.write_bytes(b"<html>404 Not Found</html>\n" * 10)
    _expect_model_error(bad)
    other = dat_path.with_name("shape_predictor_5_face_landmarks.dat")
    if other.is_file():
        bad = tmp_path / "shape_predictor.dat"
        shutil.copy(other, bad)
        _expect_model_error(bad)
    with pytest.raises(ModelError, match="no such file"):
        convert_dlib_resnet(tmp_path / "missing.dat", tmp_path / "missing.onnx")


# ----------------------------------------------------------------------------------------- cache


def test_cache_rebuilt_when_source_changes(dat_path: Path, tmp_path: Path) -> None:
    src = tmp_path / "model.dat"
    shutil.copy(dat_path, src)
    cache = tmp_path / "cache"
    first = ensure_dlib_onnx(cache, src)
    meta = json.loads(sidecar_path(first).read_text())
    assert meta["source_sha256"] == sha256_file(src)
    assert meta["onnx_sha256"] == sha256_file(first)
    stamp = first.stat().st_mtime_ns
    # unchanged source: the cached file is used as is
    assert ensure_dlib_onnx(cache, src) == first and first.stat().st_mtime_ns == stamp
    # a changed source (one weight of the last layer): rebuilt
    data = bytearray(src.read_bytes())
    data[-2000] ^= 0x01
    src.write_bytes(bytes(data))
    second = ensure_dlib_onnx(cache, src)
    meta2 = json.loads(sidecar_path(second).read_text())
    assert second == first
    assert meta2["source_sha256"] == sha256_file(src) != meta["source_sha256"]
    assert meta2["onnx_sha256"] == sha256_file(second) != meta["onnx_sha256"]
    # a damaged cached ONNX is rebuilt too
    second.write_bytes(b"broken")
    assert sha256_file(ensure_dlib_onnx(cache, src)) == meta2["onnx_sha256"]
    # and a source that is not the manifest's is refused when a hash is expected
    with pytest.raises(ModelError, match="does not match the manifest"):
        pinned = str(load_manifest().get(MODEL_ID).extra["source_sha256"])
        ensure_dlib_onnx(cache, src, expected_source_sha256=pinned)
