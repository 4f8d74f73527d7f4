"""Write the presentation attacks of ``kiosk eval liveness`` as video files, to look at or to play to a kiosk.

Each attack is an LFW photo (or ``--photo``, e.g. an enrolled person's portrait) shown as a print (paper
border, grain, some bent) or a phone screen (bezel, subpixel moiré, glare), moved by smooth hand-like
motion in front of real background frames, with blur, light change, sensor noise and JPEG
(kiosk.eval.liveness_set.render_attack, the same code the eval uses). The eval builds the same set in
memory; this script only makes it visible.

    python bench/liveness_attacks.py --root ../shared/data/lfw/lfw-deepfunneled \
        --video ../shared/data/video/short_hamilton_clip.mp4 --count 10 --out /tmp/attacks
    python bench/liveness_attacks.py --photo ../shared/data/video/lin-manuel-miranda.png \
        --video ../shared/data/video/short_hamilton_clip.mp4 --out /tmp/attacks --seconds 3
    kiosk --liveness strict run --source /tmp/attacks/attack_000_print.mp4 --json --exit-at-end

``attacks.json`` in the output folder lists each file with its photo, medium, seed and the face box of
every frame (None where the face left the picture).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import cv2

from kiosk.context import AppContext
from kiosk.eval.liveness_set import FPS, attack_plan, lfw_attack_images, read_video, render_attack


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--root", help="LFW folder (NAME/NAME_0001.jpg); one attack per person")
    ap.add_argument("--photo", action="append", default=[], help="a photo to attack with instead (repeatable)")
    ap.add_argument("--video", required=True, help="real video whose frames are the background")
    ap.add_argument("--out", required=True, help="output folder")
    ap.add_argument("--count", type=int, default=10, help="LFW people (default 10)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--seconds", type=float, default=1.2, help="length of each attack (the eval uses 1.2 s)")
    args = ap.parse_args(argv)
    if not args.root and not args.photo:
        ap.error("give --root (LFW) or --photo")
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    pipeline = AppContext().pipeline
    backgrounds = read_video(Path(args.video))
    photos = [Path(p) for p in args.photo] or lfw_attack_images(Path(args.root), args.count, args.seed)
    listing = []
    for k, (path, medium, seed, still) in enumerate(attack_plan(photos, seed=args.seed)):
        photo = cv2.imread(str(path))
        faces = pipeline.detect(photo) if photo is not None else []
        if not faces:
            print(f"skipped {path}: no face", file=sys.stderr)
            continue
        face = max(faces, key=lambda d: d.area)
        pres = render_attack(photo, face.box, backgrounds, medium, seed, seconds=args.seconds, still=still)
        name = f"attack_{k:03d}_{pres.kind.replace('+', '_')}.mp4"
        h, w = pres.frames[0].shape[:2]
        writer = cv2.VideoWriter(str(out / name), cv2.VideoWriter_fourcc(*"mp4v"), FPS, (w, h))
        for f in pres.frames:
            writer.write(f)
        writer.release()
        listing.append({"file": name, "photo": str(path), "medium": pres.kind, "seed": seed,
                        "boxes": [None if b is None else [round(v, 1) for v in b] for b in pres.boxes]})
        print(out / name)
    (out / "attacks.json").write_text(json.dumps(listing, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
