"""`kiosk models add`: a site's own embedder (tested with a renamed copy of a known one), then used."""

from __future__ import annotations

import json
import shutil

from conftest import DEFAULT_MODELS, EXAMPLES, run_cli

from kiosk.modelzoo.manifest import load_manifest

SFACE = load_manifest().get("sface_2021dec_int8bq")


def test_a_renamed_sface_is_added_read_from_its_graph_and_recognises_people(tmp_path):
    home = tmp_path / "home"
    # Enrolled with the default pack first: switching to the site's model moves the template.
    r = run_cli("enroll", "--name", "Obama", str(EXAMPLES / "obama.jpg"), "--json", home=home)
    assert r.returncode == 0, r.stderr
    mine = tmp_path / "download" / "facelivt_like.onnx"
    mine.parent.mkdir()
    shutil.copy(DEFAULT_MODELS / SFACE.file, mine)
    r = run_cli("models", "add", str(mine), "--kind", "embedder", "--name", "site-net", "--licence", "Apache-2.0",
                "--commercial-use", "--json", home=home)
    assert r.returncode == 0, r.stderr
    added = json.loads(r.stdout)
    # Read from the graph: 128-d, 112 px crops, and SFace normalises its input itself (mean 0, std 1).
    assert added["dim"] == 128 and added["input_size"] == 112
    assert added["preprocessing"] == "normalised in the graph" and added["mean"] == [0.0, 0.0, 0.0]
    assert (home / "models" / "site-net.onnx").read_bytes() == mine.read_bytes()
    assert added["sha256"] == SFACE.sha256
    # Listed with its licence; the manifest's own models are untouched.
    r = run_cli("models", "--json", home=home)
    by_id = {m["id"]: m for m in json.loads(r.stdout)["models"]}
    assert by_id["site-net"]["status"] == "ok" and by_id["site-net"]["commercial_use"] is True

    (home / "config.toml").write_text('[models]\nembedder = "site-net"\n', encoding="utf-8")
    r = run_cli("identify", str(EXAMPLES / "obama2.jpg"), str(EXAMPLES / "biden.jpg"), "--json", home=home)
    assert r.returncode == 0, r.stderr
    faces = [res["faces"][0] for res in json.loads(r.stdout)["results"]]
    assert faces[0]["name"] == "Obama" and faces[0]["similarity"] > 0.6
    assert faces[1]["person_id"] is None
    r = run_cli("reembed", "--json", home=home)
    assert json.loads(r.stdout)["model"] == "site-net" and json.loads(r.stdout)["reembedded"] == 0  # already moved

    # The same name twice needs --force; a manifest id is refused; a non-model file gets a message.
    r = run_cli("models", "add", str(mine), "--name", "site-net", home=home)
    assert r.returncode == 1 and "--force" in r.stderr
    r = run_cli("models", "add", str(mine), "--name", "sface_2021dec_int8bq", home=home)
    assert r.returncode == 1 and "project's manifest" in r.stderr
    junk = tmp_path / "junk.onnx"
    junk.write_bytes(b"not a model")
    r = run_cli("models", "add", str(junk), "--name", "junk", home=home)
    assert r.returncode == 1 and str(junk) in r.stderr and "Traceback" not in r.stderr


def test_given_preprocessing_wins_and_a_bad_value_count_is_refused(tmp_path):
    home = tmp_path / "home"
    r = run_cli("models", "add", str(DEFAULT_MODELS / SFACE.file), "--name", "given", "--mean", "127.5",
                "--std", "128", "--color", "BGR", "--json", home=home)
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["preprocessing"] == "given on the command line"
    assert out["mean"] == [127.5] * 3 and out["std"] == [128.0] * 3 and out["color"] == "BGR"
    r = run_cli("models", "add", str(DEFAULT_MODELS / SFACE.file), "--name", "bad", "--mean", "1", "2", home=home)
    assert r.returncode == 1 and "one value or three" in r.stderr
