"""Config file handling and the model manifest/locator: clear messages for every bad case."""

from __future__ import annotations

import json
import shutil
import tomllib

import pytest
from conftest import DEFAULT_MODELS, EXAMPLES, MODELS, run_cli

from kiosk.config import TEMPLATE, Config, config_from_dict, load_config
from kiosk.errors import ConfigError, ModelError
from kiosk.modelzoo import ModelLocator, load_manifest


def test_the_commented_template_is_exactly_the_defaults():
    assert config_from_dict(tomllib.loads(TEMPLATE)) == Config()


@pytest.mark.parametrize(("text", "message"), [
    ('[camera]\nfps = "fast"', "[camera] fps = 'fast' must be a whole number"),
    ("[attendance]\npolicy = 'weekly'", "must be one of 'daily', 'inout', 'cooldown'"),
    ("[recognition]\nthreshold = 3", "between 0.0 and 1.0"),
    ("[camera]\nresolution = 5", "unknown key(s) in [camera]: resolution"),
    ("[cammera]\nfps = 5", "unknown section(s): cammera"),
    ("[camera\nfps = 5", "not valid TOML"),
])
def test_bad_config_values_are_named(tmp_path, text, message):
    path = tmp_path / "config.toml"
    path.write_text(text)
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert message in str(info.value) and str(path) in str(info.value)


def test_config_init_writes_the_template_once(home):
    r = run_cli("config", "init", home=home)
    assert r.returncode == 0 and (home / "config.toml").read_text() == TEMPLATE
    r = run_cli("config", "init", home=home)
    assert r.returncode == 1 and "already exists" in r.stderr
    (home / "config.toml").write_text("[ui]\nlanguage = 'fr'\n")
    r = run_cli("models", home=home)
    assert r.returncode == 1 and "language" in r.stderr and "Traceback" not in r.stderr


def test_missing_model_names_the_file_every_place_and_the_source(tmp_path):
    spec = load_manifest().get("det_500m")
    loc = ModelLocator([("--model-dir", tmp_path / "a"), ("KIOSK_MODEL_DIR", tmp_path / "b")],
                       hash_cache=tmp_path / "cache.json")
    with pytest.raises(ModelError) as info:
        loc.resolve(spec)
    msg = str(info.value)
    assert "det_500m.onnx" in msg and str(tmp_path / "a" / "det_500m.onnx") in msg
    assert str(tmp_path / "b") in msg and spec.source in msg and spec.sha256 in msg


def test_corrupt_model_is_refused_with_both_hashes(tmp_path):
    spec = load_manifest().get("sface_2021dec_int8bq")
    data = bytearray((DEFAULT_MODELS / spec.file).read_bytes())
    data[1000] ^= 0xFF
    (tmp_path / spec.file).write_bytes(bytes(data))
    loc = ModelLocator([("--model-dir", tmp_path)], hash_cache=tmp_path / "cache.json")
    with pytest.raises(ModelError) as info:
        loc.resolve(spec)
    assert spec.sha256 in str(info.value) and "found" in str(info.value)
    assert loc.status(spec).status == "mismatch"


def test_hash_cache_is_keyed_by_size_and_mtime(tmp_path):
    spec = load_manifest().get("sface_2021dec_int8bq")
    shutil.copy(DEFAULT_MODELS / spec.file, tmp_path / spec.file)
    loc = ModelLocator([("d", tmp_path)], hash_cache=tmp_path / "cache.json")
    assert loc.status(spec).status == "ok"
    assert spec.sha256 in (tmp_path / "cache.json").read_text()
    (tmp_path / spec.file).write_bytes(b"x" + (tmp_path / spec.file).read_bytes()[1:])
    assert ModelLocator([("d", tmp_path)], hash_cache=tmp_path / "cache.json").status(spec).status == "mismatch"


def test_models_json_lists_status_and_licence(home, tmp_path):
    # No model folder at all: the default pack is complete from the pip package, the others are not.
    r = run_cli("models", "--json", home=home, env={"KIOSK_MODEL_DIR": str(tmp_path)})
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    by_id = {m["id"]: m for m in out["models"]}
    assert by_id["sface_2021dec_int8bq"]["status"] in ("ok", "convertible")
    sface = by_id["sface_2021dec_int8bq"]
    assert sface["commercial_use"] is True and "Apache-2.0" in sface["licence"]
    assert by_id["det_500m"]["status"] == "missing" and "non-commercial" in by_id["det_500m"]["licence"]
    assert by_id["w600k_r50"]["status"] == "missing"
    packs = {p["name"]: p for p in out["packs"]}
    assert set(packs) >= {"default", "insightface", "insightface-accurate", "dlib"}
    assert packs["default"]["active"] and packs["default"]["status"] == "ok" and packs["default"]["commercial_use"]
    assert packs["insightface"]["status"] == "incomplete" and not packs["insightface"]["commercial_use"]
    r = run_cli("--pack", "insightface", "detect", str(EXAMPLES / "obama.jpg"), home=home,
                env={"KIOSK_MODEL_DIR": str(tmp_path)})
    assert r.returncode == 1 and "det_500m.onnx" in r.stderr and "Traceback" not in r.stderr


@pytest.mark.shared_models
def test_insightface_packs_work_from_the_model_folder_and_old_names_give_a_notice(home):
    r = run_cli("--model-dir", str(MODELS), "models", "--json", home=home)
    by_id = {m["id"]: m for m in json.loads(r.stdout)["models"]}
    assert by_id["det_500m"]["status"] == "ok"
    r = run_cli("--model-dir", str(MODELS), "--pack", "accurate", "detect", str(EXAMPLES / "obama.jpg"), "--json",
                home=home)
    assert r.returncode == 0, r.stderr
    assert r.stderr.count("\n") == 1 and "'accurate' is now called 'insightface-accurate'" in r.stderr
    assert json.loads(r.stdout)["faces"]
