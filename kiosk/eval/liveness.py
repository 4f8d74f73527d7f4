"""``kiosk eval liveness``: APCER and BPCER of the passive and strict modes on a set built from real data.

The set (kiosk.eval.liveness_set): bona fide presentations are windows of real face tracks in real
video (and the same under camera nuisances); attacks are LFW photos shown as prints and phone
screens, moved by hand-like motion in real background frames. Each presentation is judged exactly
as the kiosk judges a track (kiosk.vision.liveness.TrackEvidence with the config's thresholds):
keypoints from the real detector on every frame with a face of at least ``min_face_px``, the
face's aligned texture crop of every such frame (strict's texture cue), the networks on every
``embed_every``-th frame (the kiosk's embedding schedule), a verdict after each frame, and a final
one at the end of the window.

Each presentation also carries ``split``: "dev" or "test" for a bona fide window that lies wholly in the
first or the second half of its video (None for one across the middle), so thresholds can be chosen on
one half (with another seed's LFW people) and reported on the other (``held_out`` in the JSON).

APCER: share of attacks judged live (ISO/IEC 30107-3; per attack kind in ``by_kind``); BPCER: share of
bona fide presentations not judged live (one never decided counts as not live).
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from kiosk.errors import KioskError
from kiosk.eval.liveness_set import (
    BONA_FIDE_VARIANTS,
    FPS,
    Box,
    Presentation,
    attack_plan,
    bona_fide_variant,
    lfw_attack_images,
    read_video,
    render_attack,
)
from kiosk.vision.boxes import jumped
from kiosk.vision.liveness import LivenessSettings, LivenessVerdict, TrackEvidence
from kiosk.vision.pipeline import FacePipeline
from kiosk.vision.types import Detection

Wrap = Callable[[Iterable[Any], int, str], Iterator[Any]]
ScoreFn = Callable[[np.ndarray, Box], "float | None"]


@dataclass(frozen=True, slots=True)
class Observation:
    """One frame of a presentation's track: video time, the detection, the networks' score (if embedded) and
    the face's texture crop (kiosk.vision.planarity.texture_crop; None for a profile view)."""

    t: float
    detection: Detection
    score: float | None
    crop: np.ndarray | None = None


@dataclass(frozen=True, slots=True)
class Judged:
    """One presentation judged in both modes."""

    label: str
    kind: str
    source: str
    passive: LivenessVerdict
    strict: LivenessVerdict
    net_mean: float | None
    parallax: float
    frames: int
    strict_after_s: float = 0.0  # video time from the first frame to the strict verdict
    relief: float = 0.0  # strict's motion figure over the whole presentation
    split: str | None = None  # bona fide: "dev" / "test" half of its video (None: across the middle)


def _iou(a: Box, b: Box) -> float:
    x1, y1 = max(a[0], b[0]), max(a[1], b[1])
    x2, y2 = min(a[2], b[2]), min(a[3], b[3])
    inter = max(0.0, x2 - x1) * max(0.0, y2 - y1)
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union > 0 else 0.0


def judge(obs: Sequence[Observation], settings: LivenessSettings, nets: bool) -> tuple[LivenessVerdict, ...]:
    """The kiosk's verdict of one track in passive and strict mode, fed frame by frame."""
    out = []
    for mode in ("passive", "strict"):
        s = replace(settings, mode=mode)
        ev = TrackEvidence(obs[0].t)
        verdict = ev.verdict
        for o in obs:
            ev.add_detection(o.detection)
            if verdict.state == "pending":
                ev.add_score(o.score)
                if mode == "strict":
                    ev.add_texture(o.t, o.crop)
            verdict = ev.judge(s, o.t, nets)
        if verdict.state == "pending":
            verdict = ev.judge(s, obs[-1].t, nets, final=True)
        out.append(verdict)
    return tuple(out)


def _summary(obs: Sequence[Observation]) -> tuple[float | None, float, float]:
    """The networks' mean, the nose parallax and strict's relief over the whole presentation (for the plot)."""
    from kiosk.vision.planarity import parallax, relief

    scores = [o.score for o in obs if o.score is not None]
    kps = [o.detection.kps for o in obs]
    par = parallax(kps) if len(kps) >= 2 else 0.0
    ev = TrackEvidence(obs[0].t)
    for o in obs:
        ev.add_texture(o.t, o.crop)
    return (float(np.mean(scores)) if scores else None), par, relief(par, ev.texture())


def _crop(frame: np.ndarray, det: Detection) -> np.ndarray | None:
    from kiosk.vision.planarity import texture_crop, usable

    return texture_crop(frame, det.kps) if usable(det.kps, det.width) else None


def video_tracks(frames: Sequence[np.ndarray], pipeline: FacePipeline, score: ScoreFn, min_face_px: float,
                 embed_every: int, iou_threshold: float = 0.3, max_missed: int = 5) -> list[list[Observation]]:
    """Every face track of a video (greedy IoU, as the kiosk's tracker), frames with a face of at least
    ``min_face_px``; the networks scored on every ``embed_every``-th frame of each track. A box that
    jumps (kiosk.vision.boxes.jumped: the video cut to another face on that spot) ends its track and
    starts a new one, so no presentation spans two people."""
    live: list[dict[str, Any]] = []
    done: list[list[Observation]] = []
    for i, frame in enumerate(frames):
        t = i / FPS
        dets = pipeline.detect(frame)
        pairs = sorted(((_iou(tr["box"], d.box), k, j) for k, tr in enumerate(live) for j, d in enumerate(dets)),
                       reverse=True)
        used_t: set[int] = set()
        used_d: set[int] = set()
        for o, k, j in pairs:
            if o < iou_threshold:
                break
            if k in used_t or j in used_d:
                continue
            used_t.add(k)
            used_d.add(j)
            if jumped(live[k]["box"], dets[j].box, live[k]["missed"] + 1):
                done.append(live[k]["obs"])
                live[k].update(obs=[], n=0)
            live[k].update(box=dets[j].box, det=dets[j], missed=0)
        for k, tr in enumerate(live):
            if k not in used_t:
                tr["missed"] += 1
                tr["det"] = None
        for j, d in enumerate(dets):
            if j not in used_d:
                live.append({"box": d.box, "det": d, "missed": 0, "obs": [], "n": 0})
        keep = []
        for tr in live:
            d = tr["det"]
            if d is not None and min(d.width, d.height) >= min_face_px:
                s = score(frame, d.box) if tr["n"] % embed_every == 0 else None
                tr["n"] += 1
                tr["obs"].append(Observation(t, d, s, _crop(frame, d)))
            if tr["missed"] > max_missed:
                done.append(tr["obs"])
            else:
                keep.append(tr)
        live = keep
    done.extend(tr["obs"] for tr in live)
    return [o for o in done if o]


def windows(track: Sequence[Observation], seconds: float, stride_s: float, min_frames: int = 8
            ) -> Iterator[list[Observation]]:
    """Overlapping presentations cut from one long track: ``seconds`` long, one every ``stride_s``."""
    if not track:
        return
    start = track[0].t
    end = track[-1].t
    # Only whole windows: a track that ends sooner is someone walking past, not a presentation.
    while start + seconds <= end + 1.0 / FPS + 1e-9:
        w = [o for o in track if start <= o.t < start + seconds]
        if len(w) >= min_frames:
            yield w
        start += stride_s


def attack_observations(p: Presentation, pipeline: FacePipeline, score: ScoreFn, min_face_px: float,
                        embed_every: int) -> list[Observation]:
    """The track of the attack's face: on each frame the detection that overlaps the medium's face."""
    obs: list[Observation] = []
    n = 0
    for i, (frame, box) in enumerate(zip(p.frames, p.boxes, strict=True)):
        if box is None:
            continue
        best = max(pipeline.detect(frame), key=lambda d: _iou(d.box, box), default=None)
        if best is None or _iou(best.box, box) < 0.3 or min(best.width, best.height) < min_face_px:
            continue
        s = score(frame, best.box) if n % embed_every == 0 else None
        n += 1
        obs.append(Observation(i / p.fps, best, s, _crop(frame, best)))
    return obs


def _rates(items: Sequence[Judged], mode: str) -> tuple[float, float]:
    att = [j for j in items if j.label == "attack"]
    bona = [j for j in items if j.label == "bona_fide"]
    apcer = sum(getattr(j, mode).state == "live" for j in att) / len(att) if att else 0.0
    bpcer = sum(getattr(j, mode).state != "live" for j in bona) / len(bona) if bona else 0.0
    return apcer, bpcer


@dataclass(frozen=True, slots=True)
class LivenessEvalResult:
    """Figures of ``kiosk eval liveness``."""

    settings: LivenessSettings
    judged: tuple[Judged, ...]
    nets: tuple[str, ...]
    videos: tuple[str, ...]

    def _held_out(self) -> dict[str, Any]:
        items = [j for j in self.judged if j.label == "attack" or j.split == "test"]
        pa, pb = _rates(items, "passive")
        sa, sb = _rates(items, "strict")
        return {"bona_fide": sum(j.label == "bona_fide" for j in items),
                "passive": {"apcer": round(pa, 4), "bpcer": round(pb, 4)},
                "strict": {"apcer": round(sa, 4), "bpcer": round(sb, 4)}}

    def to_json(self) -> dict[str, Any]:
        """The JSON document: counts, per-mode APCER/BPCER/threshold, and the breakdown."""
        s = self.settings
        items = self.judged
        pa, pb = _rates(items, "passive")
        sa, sb = _rates(items, "strict")
        kinds = sorted({(j.label, j.kind) for j in items})
        by_kind = {}
        for label, kind in kinds:
            sub = [j for j in items if j.kind == kind and j.label == label]
            key = "apcer" if label == "attack" else "bpcer"
            by_kind[f"{label}:{kind}"] = {
                "n": len(sub),
                "passive_" + key: round(_rates(sub, "passive")[0 if label == "attack" else 1], 4),
                "strict_" + key: round(_rates(sub, "strict")[0 if label == "attack" else 1], 4),
            }
        live_bona = [j.strict_after_s for j in items if j.label == "bona_fide" and j.strict.state == "live"]
        reasons: dict[str, int] = {}
        for j in items:
            for mode in ("passive", "strict"):
                v = getattr(j, mode)
                if v.state == "spoof":
                    reasons[f"{j.label}:{mode}:{v.reason}"] = reasons.get(f"{j.label}:{mode}:{v.reason}", 0) + 1
        return {
            "attacks": sum(j.label == "attack" for j in items),
            "bona_fide": sum(j.label == "bona_fide" for j in items),
            "passive": {"apcer": round(pa, 4), "bpcer": round(pb, 4), "threshold": s.passive_threshold},
            "strict": {"apcer": round(sa, 4), "bpcer": round(sb, 4), "threshold": s.strict_threshold,
                       "relief_threshold": s.strict_relief, "window_s": s.strict_window_s,
                       "bona_fide_decided_s_median": round(statistics.median(live_bona), 3) if live_bona else None,
                       "bona_fide_decided_s_max": round(max(live_bona), 3) if live_bona else None},
            # The bona fide windows of the second half of each video only (thresholds are chosen on the first
            # half and on another seed's LFW people), with this draw's attacks.
            "held_out": self._held_out(),
            "by_kind": by_kind,
            "spoof_reasons": reasons,
            "networks": list(self.nets),
            "videos": list(self.videos),
        }


def evaluate(pipeline: FacePipeline, score: ScoreFn, nets: tuple[str, ...], lfw_root: Path, videos: Sequence[Path],
             settings: LivenessSettings, attacks: int = 200, seed: int = 0, window_s: float = 1.2,
             stride_s: float = 0.2, min_face_px: float = 56.0, embed_every: int = 2,
             wrap: Wrap | None = None) -> LivenessEvalResult:
    """Build the set and judge every presentation (``score``: the networks' P(real), or None)."""
    wrap = wrap or (lambda it, n, desc: iter(it))
    if not videos:
        raise KioskError("kiosk eval liveness needs at least one real face video (--video)")
    judged: list[Judged] = []
    backgrounds: list[np.ndarray] = []
    for v in videos:
        frames = read_video(v)
        if not backgrounds:
            backgrounds = frames
        half_t = len(frames) / 2.0 / FPS
        for vi, variant in enumerate(BONA_FIDE_VARIANTS):
            shown = bona_fide_variant(frames, variant, seed * 31 + vi)
            tracks = video_tracks(list(wrap(shown, len(shown), f"{v.name} {variant}")), pipeline, score,
                                  min_face_px, embed_every)
            for track in tracks:
                for w in windows(track, window_s, stride_s):
                    p, s_ = judge(w, settings, bool(nets))
                    mean, par, rel = _summary(w)
                    split = "dev" if w[-1].t < half_t else ("test" if w[0].t >= half_t else None)
                    judged.append(Judged("bona_fide", variant, v.name, p, s_, mean, par, len(w), s_.at - w[0].t,
                                         rel, split))
    people = lfw_attack_images(lfw_root, attacks, seed)
    plan = list(attack_plan(people, seed=seed))
    for path, medium, s, still in wrap(plan, len(plan), "attacks"):
        photo = cv2.imread(str(path))
        if photo is None:
            continue
        faces = pipeline.detect(photo)
        if not faces:
            continue
        face = max(faces, key=lambda d: d.area)
        pres = render_attack(photo, face.box, backgrounds, medium, s, seconds=window_s, still=still)
        obs = attack_observations(pres, pipeline, score, min_face_px, embed_every)
        if len(obs) < 2:
            continue  # the detector never found the face: nothing for liveness to judge (no check-in either)
        p, s_ = judge(obs, settings, bool(nets))
        mean, par, rel = _summary(obs)
        judged.append(Judged("attack", pres.kind, path.name, p, s_, mean, par, len(obs), s_.at - obs[0].t, rel))
    return LivenessEvalResult(settings, tuple(judged), nets, tuple(str(v) for v in videos))


# --- plot --------------------------------------------------------------------------------------------

def plot(result: LivenessEvalResult, path: Path) -> None:
    """Histograms of the two cues, bona fide (green) against attacks (red), with the thresholds (OpenCV)."""
    W, H, pad = 1200, 520, 50
    img = np.full((H, W, 3), 255, np.uint8)
    s = result.settings
    panels = [
        ("networks: mean P(real) over the window", [j.net_mean for j in result.judged], (0.0, 1.0),
         [(s.passive_threshold, "passive"), (s.strict_threshold, "strict")]),
        ("motion cue: relief, nose x texture parallax (IOD)", [j.relief for j in result.judged], (0.0, 0.15),
         [(s.strict_relief, "strict")]),
    ]
    labels = [j.label for j in result.judged]
    pw = (W - 3 * pad) // 2
    for k, (title, values, (lo, hi), lines) in enumerate(panels):
        x0 = pad + k * (pw + pad)
        y0, y1 = pad + 20, H - pad
        cv2.rectangle(img, (x0, y0), (x0 + pw, y1), (0, 0, 0), 1)
        cv2.putText(img, title, (x0, y0 - 12), cv2.FONT_HERSHEY_SIMPLEX, 0.55, (0, 0, 0), 1, cv2.LINE_AA)
        bins = 40
        hists = {}
        for label in ("bona_fide", "attack"):
            v = np.array([min(max(x, lo), hi) for x, lab in zip(values, labels, strict=True)
                          if lab == label and x is not None], np.float64)
            h, _ = np.histogram(v, bins=bins, range=(lo, hi))
            hists[label] = h / max(1, len(v))
        top = max(float(max(h.max() for h in hists.values())), 1e-6)
        for label, colour in (("bona_fide", (60, 160, 60)), ("attack", (40, 40, 220))):
            pts = [(x0 + int((i + 0.5) * pw / bins), y1 - int(hists[label][i] / top * (y1 - y0 - 10)))
                   for i in range(bins)]
            cv2.polylines(img, [np.array(pts, np.int32)], False, colour, 2, cv2.LINE_AA)
        for value, name in lines:
            x = x0 + int((value - lo) / (hi - lo) * pw)
            cv2.line(img, (x, y0), (x, y1), (120, 120, 120), 1)
            cv2.putText(img, f"{name} {value:g}", (x + 3, y0 + 15 + 15 * lines.index((value, name))),
                        cv2.FONT_HERSHEY_SIMPLEX, 0.45, (80, 80, 80), 1, cv2.LINE_AA)
        cv2.putText(img, f"{lo:g}", (x0, y1 + 18), cv2.FONT_HERSHEY_SIMPLEX, 0.45, (0, 0, 0), 1, cv2.LINE_AA)
        cv2.putText(img, f"{hi:g}", (x0 + pw - 25, y1 + 18), cv2.FONT_HERSHEY_SIMPLEX, 0.45, (0, 0, 0), 1,
                    cv2.LINE_AA)
    j = result.to_json()
    legend = (f"bona fide (green) n={j['bona_fide']}   attacks (red) n={j['attacks']}   passive APCER "
              f"{j['passive']['apcer']:.3f} BPCER {j['passive']['bpcer']:.3f}   strict APCER {j['strict']['apcer']:.3f}"
              f" BPCER {j['strict']['bpcer']:.3f}")
    cv2.putText(img, legend, (pad, H - 15), cv2.FONT_HERSHEY_SIMPLEX, 0.5, (0, 0, 0), 1, cv2.LINE_AA)
    ok, buf = cv2.imencode(".png", img)
    if not ok:
        raise KioskError(f"cannot encode the liveness plot for {path}")
    path.write_bytes(buf.tobytes())
