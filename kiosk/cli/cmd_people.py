"""``kiosk enroll | import | identify | people | reembed``: the gallery of enrolled people."""

from __future__ import annotations

import argparse
from pathlib import Path

from kiosk.cli.common import acting_account, add_account_option, emit_json, progress
from kiosk.context import AppContext
from kiosk.errors import ImageError, KioskError, NoFaceError
from kiosk.people import DuplicateFaceError, ImportProgress, person_folders
from kiosk.vision.image_io import read_image


def register(sub: argparse._SubParsersAction) -> None:
    """Add the gallery commands."""
    e = sub.add_parser("enroll", help="enroll a person from one or more photos")
    e.add_argument("--name", required=True)
    e.add_argument("--external-id", help="employee number or other unique id")
    e.add_argument("--group", help="team, class or department")
    e.add_argument("--allow-duplicate", action="store_true", help="enroll even if the face matches someone")
    e.add_argument("--consent-by", help="who recorded the person's consent (default: cli)", default="cli")
    e.add_argument("images", nargs="+")
    e.add_argument("--json", action="store_true")
    add_account_option(e)
    e.set_defaults(func=cmd_enroll)

    i = sub.add_parser("import", help="enroll people from DIR/<person name>/*.jpg")
    i.add_argument("dir")
    i.add_argument("--group", help="group for everyone imported")
    i.add_argument("--allow-duplicate", action="store_true")
    i.add_argument("--json", action="store_true")
    add_account_option(i)
    i.set_defaults(func=cmd_import)

    d = sub.add_parser("identify", help="who is in these images?")
    d.add_argument("images", nargs="+")
    d.add_argument("--json", action="store_true")
    d.set_defaults(func=cmd_identify)

    p = sub.add_parser("people", help="list or delete enrolled people")
    ps = p.add_subparsers(dest="people_command", metavar="ACTION")
    pl = ps.add_parser("list", help="list people")
    pl.add_argument("--search")
    pl.add_argument("--json", action="store_true")
    pl.set_defaults(func=cmd_people_list)
    pd = ps.add_parser("delete", help="delete a person and purge their face data")
    pd.add_argument("id", type=int)
    pd.add_argument("--json", action="store_true")
    add_account_option(pd)
    pd.set_defaults(func=cmd_people_delete)

    r = sub.add_parser("reembed", help="move templates of other embedders to the active one from their stored "
                                       "crops (every start does it too; this also retries the ones that failed)")
    r.add_argument("--json", action="store_true")
    r.set_defaults(func=cmd_reembed)


def cmd_enroll(ctx: AppContext, args: argparse.Namespace) -> int:
    """Enroll one person from photos."""
    actor = acting_account(ctx.store, args, "enroll")
    shots, rejected = ctx.people.enroller.shots_from_images(args.images)
    if not shots:
        if args.json:
            emit_json({"person_id": None, "templates": 0, "rejected": [r.to_json() for r in rejected],
                       "error": "no usable face"})
        raise NoFaceError("no usable face in " + "; ".join(f"{r.image}: {r.reason}" for r in rejected))
    try:
        result = ctx.people.enroll(args.name, shots, args.external_id, args.group, args.allow_duplicate,
                                   consent_by=args.consent_by, actor=actor)
    except DuplicateFaceError as exc:
        if args.json:
            emit_json({"person_id": None, "templates": 0, "rejected": [r.to_json() for r in rejected],
                       "error": "duplicate", "duplicate_of": {"person_id": exc.person_id, "name": exc.name,
                                                              "similarity": round(exc.similarity, 4)}})
        raise
    finally:
        ctx.close()
    if args.json:
        emit_json({"person_id": result.person_id, "templates": len(result.template_ids),
                   "rejected": [r.to_json() for r in rejected]})
    else:
        print(f"enrolled {args.name} as person {result.person_id} with {len(result.template_ids)} template(s)")
        for r in rejected:
            print(f"  skipped {r.image}: {r.reason}")
    return 0


def cmd_import(ctx: AppContext, args: argparse.Namespace) -> int:
    """Enroll a folder of people (one sub-folder each)."""
    actor = acting_account(ctx.store, args, "enroll")
    folders = person_folders(Path(args.dir))  # a bad folder fails before any model loads
    # The bar advances one tick per person folder: pulling the next item marks the previous one done.
    ticks = progress(range(len(folders)), len(folders), "import")

    def step(p: ImportProgress) -> None:
        if p.done < p.total:
            next(ticks, None)

    try:
        result = ctx.people.import_folder(args.dir, group=args.group, allow_duplicate=args.allow_duplicate,
                                          on_progress=step, actor=actor)
    finally:
        for _ in ticks:  # finish and close the bar
            pass
        ctx.close()
    if args.json:
        emit_json(result.to_json())
    else:
        print(f"imported {result.people} people, {result.templates} templates; "
              f"{len(result.rejected)} image(s) skipped")
        for r in result.rejected:
            print(f"  skipped {r.image}: {r.reason}")
    return 0


def cmd_identify(ctx: AppContext, args: argparse.Namespace) -> int:
    """Identify every face of every image (one process for many images)."""
    gallery = ctx.gallery
    results = []
    for path in args.images:
        try:
            image = read_image(path)
        except ImageError as exc:
            results.append({"image": path, "error": str(exc), "faces": []})
            continue
        faces = []
        for face in ctx.pipeline.process(image):
            m = gallery.match(face.embedding)
            faces.append({"box": [round(float(v), 2) for v in face.box], "person_id": m.person_id, "name": m.name,
                          "candidate_id": m.candidate_id, "similarity": round(m.similarity, 4),
                          "margin": round(m.margin, 4)})
        results.append({"image": path, "faces": faces})
    if args.json:
        emit_json({"results": results})
    else:
        for r in results:
            if "error" in r:
                print(f"{r['image']}: {r['error']}")
            for f in r["faces"]:
                who = f["name"] or "unknown"
                print(f"{r['image']}: {who} (similarity {f['similarity']:.3f}, margin {f['margin']:.3f})")
    return 0


def cmd_people_list(ctx: AppContext, args: argparse.Namespace) -> int:
    """List people."""
    people = ctx.people.list_people(search=args.search)
    if args.json:
        emit_json({"people": [p.to_json() for p in people]})
    else:
        for p in people:
            state = "" if p.active else " (inactive)"
            print(f"{p.id:6}  {p.name}{state}  {p.external_id or ''}  {p.group or ''}  {p.templates} template(s)")
    return 0


def cmd_people_delete(ctx: AppContext, args: argparse.Namespace) -> int:
    """Delete a person with their templates, crops and index entries."""
    actor = acting_account(ctx.store, args, "people")
    if ctx.people.get_person(args.id) is None:  # before any model loads
        raise KioskError(f"no person with id {args.id}")
    try:
        person = ctx.people.delete(args.id, actor=actor)
    finally:
        ctx.close()
    if person is None:  # deleted elsewhere in the meantime
        raise KioskError(f"no person with id {args.id}")
    if args.json:
        emit_json({"deleted": args.id, "name": person.name, "templates": person.templates})
    else:
        print(f"deleted {person.name} (person {args.id}) and {person.templates} face template(s)")
    return 0


def cmd_reembed(ctx: AppContext, args: argparse.Namespace) -> int:
    """Move templates made by another embedder to the active one, from their stored crops.

    The same crash-safe, resumable move every start does (kiosk.reembed); here templates that could
    not be moved before are tried again, and the result is printed rather than logged.
    """
    ctx.reembed_report = lambda _result: None  # printed below instead
    try:
        result = ctx.move_templates(ctx.reembed_progress, retry_failed=True, actor="cli")
        ctx.gallery.flush()  # the index now equals the database (repaired or rebuilt, and saved)
    finally:
        ctx.close()
    if args.json:
        emit_json(result.to_json())
    else:
        print(f"re-embedded {result.moved} template(s) of {result.people} people with {result.model_id}; "
              f"{len(result.failed)} failed")
        for p in result.people_not_moved:
            print(f"  not moved: {p.describe()}")
    return 0
