"""How often the "Not recognised" banner would show on a video, with and without the stranger rule.

Runs the real recognizer (models, tracker, vote, gallery on a throwaway database) over every frame of
the video, once with the rule switched off (every unknown track gets the banner: the behaviour before
[recognition] stranger_*) and once with the config's defaults, for nobody enrolled and for each given
portrait enrolled alone. A banner is counted per frame that reports a stranger and greets nobody, as
the window shows it (the window shows no stranger banner at all while nobody is enrolled). Usage:
    python bench/stranger_banner.py [VIDEO] [PORTRAIT ...]
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

import cv2

from kiosk.attendance.recognizer import RecognizerSettings
from kiosk.attendance.stranger import StrangerRule
from kiosk.config import RecognitionConfig
from kiosk.context import AppContext, Overrides

SHARED = Path(os.environ.get("KIOSK_SHARED") or Path(__file__).resolve().parents[2] / "shared")
RULE_OFF = StrangerRule(min_face=0.0, max_yaw_deg=90.0, dwell_s=0.0)


def read_frames(video: Path) -> tuple[list, float]:
    cap = cv2.VideoCapture(str(video))
    fps = cap.get(cv2.CAP_PROP_FPS) or 30.0
    frames = []
    while True:
        ok, f = cap.read()
        if not ok:
            break
        frames.append(f)
    cap.release()
    return frames, fps


def run(pipeline, frames: list, fps: float, portrait: Path | None, rule: StrangerRule) -> dict[str, object]:
    from kiosk.vision.image_io import read_image

    with tempfile.TemporaryDirectory() as home:
        ctx = AppContext(Overrides(home=home, model_dir=str(SHARED / "models")))
        ctx.__dict__["pipeline"] = pipeline  # load the models once for every run
        session = ctx.open_session()
        if portrait is not None:
            face = pipeline.largest_face(read_image(portrait))
            pid = session.store.people.add(portrait.stem)
            tid = session.store.templates.add(pid, face.embedding, pipeline.model_id, face.quality, str(portrait), None)
            session.gallery.add(tid, pid, face.embedding)
        rec = session.recognizer
        rec.settings = replace(RecognizerSettings.from_config(RecognitionConfig()), stranger=rule)
        unknown_tracks: set[int] = set()
        strangers: list[tuple[int, int]] = []
        banners = greetings = 0
        for i, img in enumerate(frames):
            r = rec.process(img, i, i / fps)
            unknown_tracks |= {t.track_id for t in r.tracks if t.state == "unknown"}
            strangers += [(u.track_id, u.frame_index) for u in r.unknowns]
            greetings += len(r.greetings)
            banners += bool(r.unknowns and not r.greetings)
        ctx.close()
    return {"enrolled": portrait.name if portrait else None,
            "rule": "off" if rule == RULE_OFF else "default",
            "unknown_tracks": len(unknown_tracks), "strangers": len(strangers), "banners": banners,
            "stranger_frames": [f for _, f in strangers], "greetings": greetings}


def main(argv: list[str]) -> int:
    video = Path(argv[0]) if argv else SHARED / "data" / "video" / "short_hamilton_clip.mp4"
    portraits = [Path(p) for p in argv[1:]] or [SHARED / "data" / "video" / "alex-lacamoire.png",
                                                 SHARED / "data" / "video" / "lin-manuel-miranda.png"]
    pipeline = AppContext(Overrides(model_dir=str(SHARED / "models"))).pipeline
    frames, fps = read_frames(video)
    rc = RecognitionConfig()
    default = StrangerRule(rc.stranger_min_face, rc.stranger_max_yaw, rc.stranger_dwell_s)
    for portrait in (None, *portraits):
        for rule in (RULE_OFF, default):
            print(json.dumps(run(pipeline, frames, fps, portrait, rule)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
