"""Presentation-attack detection: the networks on real faces, the motion cue on real keypoint tracks, the
kiosk (kiosk run) checking a real person in and refusing a photo of him moved by hand, and liveness off
changing nothing."""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np
import pytest
from conftest import LFW_ROOT, MODELS
from kiosk_helpers import enroll, make_context

from kiosk.cli.main import main
from kiosk.eval.liveness_set import FPS, lfw_attack_images, read_video, render_attack
from kiosk.vision.antispoof import AntiSpoofEnsemble, scaled_crop_box
from kiosk.vision.liveness import LivenessSettings, TrackEvidence
from kiosk.vision.planarity import parallax, relief, texture_crop, texture_parallax, usable
from kiosk.vision.types import Detection

CLIP = "short_hamilton_clip.mp4"
FAS_FILES = ("2.7_80x80_MiniFASNetV2.onnx", "4_0_0_80x80_MiniFASNetV1SE.onnx")
STRICT_RELIEF = LivenessSettings().strict_relief


@pytest.fixture(scope="module")
def clip(video_dir) -> list[np.ndarray]:
    return read_video(video_dir / CLIP)


@pytest.fixture()
def fas_dir(tmp_path) -> Path:
    """A model folder holding only the two MiniFASNet files (linked from ../shared/models)."""
    d = tmp_path / "fas"
    d.mkdir()
    for name in FAS_FILES:
        (d / name).symlink_to(MODELS / name)
    return d


def _track_keypoints(pipeline, frames, pick) -> list[np.ndarray]:
    """Keypoints of the face ``pick(detections)`` chooses on each frame (profile views left out)."""
    return [kps for kps, _ in _track(pipeline, frames, pick)]


def _track(pipeline, frames, pick) -> list[tuple[np.ndarray, np.ndarray | None]]:
    """Keypoints and texture crop of the face ``pick(detections)`` chooses on each frame (profiles left out)."""
    out = []
    for f in frames:
        d = pick(pipeline.detect(f))
        if d is not None and usable(d.kps, d.width):
            out.append((d.kps, texture_crop(f, d.kps)))
    return out


def _relief(track: list[tuple[np.ndarray, np.ndarray | None]], fps: float = 29.97) -> tuple[float, float, float]:
    """(nose parallax, texture parallax, relief) of a track as strict judges it (texture pairs every 0.1 s)."""
    ev = TrackEvidence(0.0)
    for i, (_, crop) in enumerate(track):
        ev.add_texture(i / fps, crop)
    par = parallax([k for k, _ in track])
    return par, ev.texture(), relief(par, ev.texture())


def _largest(dets: list[Detection]) -> Detection | None:
    return max(dets, key=lambda d: d.area, default=None)


def _moving_photo(pipeline, photo: np.ndarray, backgrounds, seed: int, seconds: float = 1.5):
    face = _largest(pipeline.detect(photo))
    assert face is not None
    return render_attack(photo, face.box, backgrounds, "print", seed, seconds=seconds)


# --- the motion cue on real keypoint tracks ------------------------------------------------------------

def test_a_real_head_leaves_the_plane_and_a_photo_moved_by_hand_does_not(pipeline, clip) -> None:
    # Lin-Manuel's close-up (a real head turning and talking), one second of it.
    real = _track_keypoints(pipeline, clip[126:156], _largest)
    assert len(real) >= 25
    # An LFW photo printed and moved smoothly by hand (turned, tilted, shifted) in front of real frames.
    photo_path = lfw_attack_images(LFW_ROOT, 1, seed=3)[0]
    pres = _moving_photo(pipeline, cv2.imread(str(photo_path)), clip[:60], seed=11, seconds=1.0)

    def on_medium(i):
        box = pres.boxes[i]
        return lambda dets: max((d for d in dets if box and d.box[0] < (box[0] + box[2]) / 2 < d.box[2]),
                                key=lambda d: d.area, default=None)

    flat = []
    for i, f in enumerate(pres.frames):
        d = on_medium(i)(pipeline.detect(f))
        if d is not None:
            flat.append(d.kps)
    assert len(flat) >= 25
    p_real, p_flat = parallax(real), parallax(flat)
    assert p_real > p_flat, (p_real, p_flat)
    # The cue needs motion: a still frame repeated is flat for both.
    assert parallax([real[0]] * 10) == pytest.approx(0.0, abs=1e-9)


def test_the_texture_of_a_real_face_leaves_the_plane_and_a_photos_does_not(pipeline, clip) -> None:
    """Strict's motion figure on real data: Lin-Manuel's head against a print and a phone screen of his photo."""
    real = _track(pipeline, clip[126:156], _largest)
    assert len(real) >= 25 and all(c is not None and c.shape == (128, 128) for _, c in real)
    r_par, r_tex, r_rel = _relief(real)
    assert r_rel >= STRICT_RELIEF, (r_par, r_tex)
    lin = cv2.imread(str(MODELS.parent / "data" / "video" / "lin-manuel-miranda.png"))
    face = _largest(pipeline.detect(lin))
    for medium, seed in (("print", 11), ("screen", 4)):
        pres = render_attack(lin, face.box, clip[:60], medium, seed, seconds=1.0)
        # The face on the medium (not a face of the background video), as the kiosk's tracker follows it.
        flat = [t for f, box in zip(pres.frames, pres.boxes, strict=True) if box is not None
                for t in _track(pipeline, [f], lambda dets, box=box: max(
                    (d for d in dets if d.box[0] < (box[0] + box[2]) / 2 < d.box[2]), key=lambda d: d.area,
                    default=None))]
        assert len(flat) >= 25
        f_par, f_tex, f_rel = _relief(flat)
        # The texture of a flat medium leaves its plane several times less than a real face's.
        assert f_tex < r_tex / 2 and f_rel < STRICT_RELIEF, (medium, f_par, f_tex, r_tex)
    # The same crop twice: nothing moved, nothing left the plane.
    assert texture_parallax(real[0][1], real[0][1]) == pytest.approx(0.0, abs=1e-3)


def test_track_evidence_modes() -> None:
    rng = np.random.default_rng(0)
    base = np.array([[38.3, 51.7], [73.5, 51.5], [56.0, 71.7], [41.5, 92.4], [70.7, 92.2]]) * 2
    det = lambda k: Detection((0.0, 0.0, 230.0, 230.0), 0.9, k)  # noqa: E731
    # Passive: the networks decide at the second score.
    ev = TrackEvidence(0.0)
    s = LivenessSettings(mode="passive")
    ev.add_detection(det(base))
    ev.add_score(0.9)
    assert ev.judge(s, 0.0, nets=True).state == "pending"
    ev.add_score(0.8)
    assert ev.judge(s, 0.07, nets=True).state == "live"
    ev = TrackEvidence(0.0)
    ev.add_score(0.1)
    ev.add_score(0.2)
    v = ev.judge(s, 0.07, nets=True)
    assert (v.state, v.reason) == ("spoof", "networks")
    # Strict: a still face (no parallax) is an attack once the window is over, not before.
    s = LivenessSettings(mode="strict")
    ev = TrackEvidence(0.0)
    for i in range(30):
        ev.add_detection(det(base + rng.normal(0, 0.2, base.shape)))
        if i % 2 == 0:
            ev.add_score(0.95)
        v = ev.judge(s, i / 30, nets=True)
        if i / 30 < s.strict_window_s - 0.04:
            assert v.state == "pending"
    assert (v.state, v.reason) == ("spoof", "no_parallax")
    # Strict: a nose that leaves the plane is not enough without the face's texture (the keypoints alone
    # can be fooled by a turned photo): the motion cue needs texture pairs too.
    ev = TrackEvidence(0.0)
    for i in range(30):
        k = base.copy()
        k[2, 0] += 1.0 * i  # the nose moves across, the eyes and mouth stay: a turning head
        ev.add_detection(det(k))
        ev.add_score(0.9)
        v = ev.judge(s, i / 30, nets=True)
    assert v.parallax >= 0.1 and v.texture == 0.0 and (v.state, v.reason) == ("spoof", "no_parallax")
    # Off judges nothing.
    assert TrackEvidence(0.0).judge(LivenessSettings(), 5.0, nets=True).state == "pending"


# --- the networks on real images -----------------------------------------------------------------------

def test_crop_box_is_scaled_about_the_centre_and_kept_inside_the_frame() -> None:
    assert scaled_crop_box((100, 100, 140, 150), 2.0, 640, 480) == (80, 75, 160, 175)
    x1, y1, x2, y2 = scaled_crop_box((0, 0, 100, 100), 4.0, 640, 480)
    assert (x1, y1) == (0, 0) and x2 - x1 == 400 and y2 - y1 == 400  # shifted inside, not cut
    x1, y1, x2, y2 = scaled_crop_box((200, 100, 400, 300), 4.0, 640, 480)
    assert y2 - y1 <= 479  # the scale shrinks to fit the frame


def test_missing_network_files_are_named_with_their_sha256(tmp_path, ctx) -> None:
    from kiosk.modelzoo.locate import ModelLocator

    ens = AntiSpoofEnsemble.load(ctx.manifest, ModelLocator([("empty", tmp_path)], hash_cache=tmp_path / "h.json"))
    assert not ens.available and ens.score(np.zeros((10, 10, 3), np.uint8), (0, 0, 5, 5)) is None
    assert set(ens.status.missing) == set(FAS_FILES)
    assert any("7886c41bcbcc1be00cf8700eddbd8cbd4b1ad138e69010790de2a57a3b01d7e5" in p for p in ens.status.problems)


@pytest.mark.shared_models
def test_networks_on_real_faces(ctx, pipeline, clip, fas_dir) -> None:
    from kiosk.modelzoo.locate import ModelLocator

    ens = AntiSpoofEnsemble.load(ctx.manifest, ModelLocator([("fas", fas_dir)], hash_cache=fas_dir / "h.json"))
    assert ens.status.complete and ens.available and len(ens.nets) == 2
    # Lin-Manuel's real face, frame after frame: both networks call it real on average.
    scores = []
    for f in clip[126:186:4]:
        d = _largest(pipeline.detect(f))
        assert d is not None
        for net in ens.nets:
            patch = net.crop(f, d.box)
            assert patch.shape == (80, 80, 3)
        scores.append(ens.score(f, d.box))
    assert all(0.0 <= s <= 1.0 for s in scores)
    assert np.mean(scores) >= 0.8, scores
    # The same frames shown on a phone screen moved by hand score lower on average.
    lin = cv2.imread(str(Path(clip_dir := MODELS.parent / "data" / "video") / "lin-manuel-miranda.png"))
    assert clip_dir.is_dir() and lin is not None
    face = _largest(pipeline.detect(lin))
    pres = render_attack(lin, face.box, clip[:60], "screen", seed=5, seconds=0.6)
    fake = [ens.score(f, b) for f, b in zip(pres.frames, pres.boxes, strict=True) if b is not None][::2]
    assert np.mean(fake) < np.mean(scores)


# --- the kiosk ----------------------------------------------------------------------------------------

def _run(args: list[str], capsys) -> list[dict]:
    assert main(args) == 0
    return [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.strip()]


def _home_with_lin(tmp_path, pipeline, video_dir) -> Path:
    from kiosk.store import Store

    home = tmp_path / "home"
    home.mkdir()
    store = Store.open(f"sqlite:///{home / 'kiosk.sqlite3'}")
    try:
        enroll(store, None, pipeline, video_dir / "lin-manuel-miranda.png", "Lin-Manuel")
    finally:
        store.close()
    return home


@pytest.mark.slow
@pytest.mark.shared_models
def test_run_strict_still_checks_lin_in_within_a_second(tmp_path, model_dir, pipeline, video_dir, fas_dir,
                                                        capsys) -> None:
    home = _home_with_lin(tmp_path, pipeline, video_dir)
    lines = _run(["--home", str(home), "--model-dir", str(fas_dir), "--liveness", "strict", "run", "--source",
                  str(video_dir / CLIP), "--json", "--exit-at-end"], capsys)
    events, summary = lines[:-1], lines[-1]
    assert [(e["event"], e["name"]) for e in events] == [("checkin", "Lin-Manuel")]
    assert events[0]["latency_s"] <= 1.0
    assert summary["liveness"] == "strict" and summary["spoofs"] == 0 and summary["checkins"] == 1


@pytest.mark.slow
def test_a_moving_photo_of_lin_gets_a_spoof_event_and_no_checkin(tmp_path, pipeline, video_dir, clip,
                                                                 capsys) -> None:
    # The motion cue alone (no network files here): strict still refuses a printed photo moved by hand.
    home = _home_with_lin(tmp_path, pipeline, video_dir)
    lin = cv2.imread(str(video_dir / "lin-manuel-miranda.png"))
    pres = _moving_photo(pipeline, lin, clip[:50], seed=2, seconds=2.0)
    folder = tmp_path / "attack"
    folder.mkdir()
    for i, f in enumerate(pres.frames):
        cv2.imwrite(str(folder / f"{i:03d}.png"), f)
    lines = _run(["--home", str(home), "--liveness", "strict", "run", "--source", str(folder), "--json",
                  "--exit-at-end"], capsys)
    events, summary = lines[:-1], lines[-1]
    assert summary["checkins"] == 0 and summary["spoofs"] == 1
    (spoof,) = events
    assert spoof["event"] == "spoof" and spoof["liveness"] == "spoof" and spoof["latency_s"] <= 1.0
    assert spoof["reason"] == "no_parallax" and spoof["relief"] < STRICT_RELIEF
    # audited, with a small snapshot kept in the data home
    from kiosk.store import Store

    store = Store.open(f"sqlite:///{home / 'kiosk.sqlite3'}")
    try:
        entry = next(e for e in store.audit.latest() if e.action == "spoof")
    finally:
        store.close()
    assert "presentation attack" in entry.detail
    snaps = list((home / "spoof").glob("*/*.jpg"))
    assert len(snaps) == 1 and max(cv2.imread(str(snaps[0])).shape[:2]) <= 128
    # The same frames with liveness off: the photo checks him in (what liveness is for).
    off = _run(["--home", str(home), "--liveness", "off", "run", "--source", str(folder), "--json",
                "--exit-at-end"], capsys)
    assert [e["event"] for e in off] == ["checkin", "summary"]


def test_liveness_off_changes_nothing(tmp_path, model_dir, pipeline, video_dir, clip) -> None:
    """The recognizer with liveness off gives the same tracks, greetings and timings as without liveness."""
    results = []
    for mode in (None, "off"):
        sections = {} if mode is None else {"liveness": {"mode": mode}}
        ctx = make_context(tmp_path / f"home-{mode}", model_dir, pipeline, **sections)
        enroll(ctx.store, ctx.gallery, pipeline, video_dir / "lin-manuel-miranda.png", "Lin-Manuel")
        session = ctx.open_session()
        rec = session.recognizer
        if mode is None:
            rec.liveness = None
        seen = []
        for i, img in enumerate(clip[60:130], start=60):
            r = rec.process(img, i, i / 29.97)
            seen.append(([(t.track_id, t.state, t.box) for t in r.tracks],
                         [(g.person_id, g.kind, g.frame_index, g.latency_s) for g in r.greetings], r.spoofs))
        ctx.close()
        results.append(seen)
    assert results[0] == results[1]
    assert any(g for _, g, _ in results[0])  # he was greeted in that stretch


def test_config_section_and_precedence(tmp_path) -> None:
    from kiosk.attendance.liveness import ModeSource
    from kiosk.config import config_from_dict
    from kiosk.errors import ConfigError

    cfg = config_from_dict({"liveness": {"mode": "strict", "strict_window_s": 0.8}})
    assert cfg.liveness.mode == "strict" and LivenessSettings.from_config(cfg.liveness).strict_window_s == 0.8
    with pytest.raises(ConfigError, match="must be one of"):
        config_from_dict({"liveness": {"mode": "on"}})
    settings = {"liveness_mode": "passive"}
    assert ModeSource(None, "off", settings.get)() == "passive"  # the admin's setting over the config
    assert ModeSource("strict", "off", settings.get)() == "strict"  # --liveness over both
    assert ModeSource(None, "off", {}.get)() == "off"


def test_a_config_with_the_old_nose_parallax_key_still_loads_and_says_what_replaced_it(caplog) -> None:
    from kiosk.config import config_from_dict

    with caplog.at_level("WARNING", logger="kiosk.config"):
        cfg = config_from_dict({"liveness": {"mode": "strict", "strict_parallax": 0.07}}, where="site.toml")
    assert cfg.liveness.strict_relief == STRICT_RELIEF  # the old value meant something else: not carried over
    assert "site.toml: [liveness] strict_parallax" in caplog.text and "strict_relief" in caplog.text


def test_spoof_log_and_retention(tmp_path, monkeypatch) -> None:
    from datetime import datetime, timedelta

    from kiosk import paths
    from kiosk.admin.privacy import PrivacySettings
    from kiosk.attendance.recognizer import SpoofFace
    from kiosk.attendance.spoof_log import SpoofLog, purge_snapshots
    from kiosk.store import Store
    from kiosk.vision.liveness import LivenessVerdict

    monkeypatch.setattr(paths, "_home_override", tmp_path)  # `kiosk --home` of an earlier test set it
    store = Store.open(f"sqlite:///{tmp_path / 'k.sqlite3'}")
    now = datetime.now().astimezone()
    log = SpoofLog(store.audit, "k1", clock=lambda: now)
    sf = SpoofFace(3, 10, 0.33, 0.33, LivenessVerdict("spoof", "planar", 0.2, 0.03, 10, 5), (0, 0, 10, 10), 1,
                   "Ada", np.full((40, 30, 3), 128, np.uint8))
    path = log(sf)
    assert path is not None and path.is_file() and path.parent.parent == tmp_path / "spoof"
    (entry,) = [e for e in store.audit.latest() if e.action == "spoof"]
    assert entry.actor == "kiosk:k1" and "claimed Ada (person 1)" in entry.detail and "planar" in entry.detail
    old = tmp_path / "spoof" / (now.date() - timedelta(days=40)).isoformat()
    old.mkdir()
    (old / "000000-000000-track1.jpg").write_bytes(b"x")
    PrivacySettings(store).apply_retention(30, now)  # the attendance retention takes the old snapshots too
    assert not old.exists() and path.is_file()
    assert purge_snapshots(tmp_path / "spoof", max_files=0) == 1 and not path.exists()
    store.close()


def test_doctor_names_each_missing_network_and_its_sha256(tmp_path) -> None:
    from kiosk.context import AppContext, Overrides
    from kiosk.doctor import DoctorOptions, run_check

    empty = tmp_path / "models"
    empty.mkdir()
    ctx = AppContext(Overrides(home=str(tmp_path / "home"), model_dir=str(empty), liveness="strict"))
    r = run_check("liveness", ctx, DoctorOptions())
    assert r.status == "warn" and "motion cue works alone" in r.detail and r.fix
    for spec in (ctx.manifest.get("minifasnet_v2"), ctx.manifest.get("minifasnet_v1se")):
        assert spec.file in r.detail and spec.sha256 in r.detail
    off = run_check("liveness", AppContext(Overrides(home=str(tmp_path / "home"), model_dir=str(empty),
                                                     liveness="off")), DoctorOptions())
    assert off.status == "ok" and "off" in off.detail


def test_window_shows_the_red_banner_and_no_welcome(qtbot) -> None:
    from kiosk.attendance.recognizer import FrameResult, SpoofFace, TrackView
    from kiosk.ui.window import KioskWindow
    from kiosk.vision.liveness import LivenessVerdict

    window = KioskWindow()
    qtbot.addWidget(window)
    window.set_liveness("strict", ("4_0_0_80x80_MiniFASNetV1SE.onnx",))
    assert "4_0_0_80x80_MiniFASNetV1SE.onnx" in window.status_text()
    seen = []
    window.spoof_seen.connect(seen.append)
    sf = SpoofFace(4, 20, 0.7, 0.7, LivenessVerdict("spoof", "no_parallax"), (10, 10, 90, 90), 1, "Ada")
    window._on_result(FrameResult(20, 0.7, (TrackView(4, (10, 10, 90, 90), "spoof"),), spoofs=(sf,)))
    assert window.banner.kind == "spoof" and window.banner.plain_text == "Please look at the camera yourself"
    assert seen == [sf] and window.view._label(TrackView(4, (0, 0, 1, 1), "spoof")) == "Not live"
    window.set_liveness("off")
    assert "liveness" not in window.status_text()


@pytest.mark.slow
def test_eval_liveness_json_contract(tmp_path, video_dir, capsys) -> None:
    """``kiosk eval liveness`` on the clip with two attacks: the JSON the issue names, and a plot."""
    plot = tmp_path / "liveness.png"
    lines = _run(["--home", str(tmp_path / "home"), "eval", "liveness", "--root", str(LFW_ROOT), "--video",
                  str(video_dir / CLIP), "--no-package-videos", "--attacks", "2", "--json", "--plot", str(plot)],
                 capsys)
    (doc,) = lines
    assert doc["attacks"] == 2 and doc["bona_fide"] > 10
    for mode in ("passive", "strict"):
        assert {"apcer", "bpcer", "threshold"} <= set(doc[mode])
        assert 0.0 <= doc[mode]["apcer"] <= 1.0 and 0.0 <= doc[mode]["bpcer"] <= 1.0
    assert doc["networks"] == []  # no network files in the test's model folder: the motion cue alone
    assert plot.is_file() and cv2.imread(str(plot)) is not None


def test_the_eval_ends_a_presentation_at_the_clips_cut(pipeline, clip) -> None:
    # Frames 70-95: a crowd, then (frame 82) only his close-up, landing on the box of a background face.
    # No face track may run across the cut: a "presentation" of two people would judge neither.
    from kiosk.eval.liveness import video_tracks

    cut = 12 / FPS  # frame 82, counted from frame 70
    tracks = video_tracks(clip[70:96], pipeline, lambda f, b: None, min_face_px=40, embed_every=2)
    after = [t for t in tracks if t[-1].t >= cut]
    assert after and sum(len(t) for t in after) >= 12  # his close-up is followed
    assert [round(t[0].t * FPS) for t in after] == [12] * len(after)
