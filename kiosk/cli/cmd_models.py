"""``kiosk models``: every model of the manifest with its status and licence, and the packs."""

from __future__ import annotations

import argparse

from kiosk.cli import cmd_dlib, cmd_model_files
from kiosk.cli.common import emit_json
from kiosk.context import AppContext


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``models`` command (and its subcommands)."""
    p = sub.add_parser("models", help="list models and packs with status (ok/missing/mismatch) and licence")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_models)
    actions = p.add_subparsers(dest="models_command", metavar="ACTION")
    cmd_dlib.register(actions)
    cmd_model_files.register(actions)


def cmd_models(ctx: AppContext, args: argparse.Namespace) -> int:
    """List the manifest's models and packs."""
    manifest = ctx.manifest
    models = []
    for spec in manifest.models.values():
        st = ctx.locator.status(spec)
        models.append({
            "id": spec.id, "file": spec.file, "kind": spec.kind, "status": st.status,
            "path": str(st.path) if st.path else None, "sha256": spec.sha256,
            "actual_sha256": st.actual_sha256 or None, "licence": spec.licence,
            "commercial_use": spec.commercial_use, "source": spec.source,
            **({"dim": spec.dim} if spec.kind == "embedder" else {}),
        })
    status = {m["id"]: m["status"] for m in models}
    usable = ("ok", "unpinned", "convertible")  # convertible: made from an installed package on first use
    packs = [
        {"name": p.name, "detector": p.detector, "embedder": p.embedder, "summary": p.summary,
         "active": p.name == ctx.pack.name,
         "commercial_use": manifest.get(p.detector).commercial_use and manifest.get(p.embedder).commercial_use,
         "status": "ok" if status[p.detector] in usable and status[p.embedder] in usable else "incomplete"}
        for p in manifest.packs.values()
    ]
    if args.json:
        emit_json({"models": models, "packs": packs, "model_dirs": [str(d) for _, d in ctx.locator.dirs]})
        return 0
    w_status = max(len(str(m["status"])) for m in models)
    w_id = max(len(str(m["id"])) for m in models)
    w_file = max(len(str(m["file"])) for m in models)
    for m in models:
        print(f"{m['status']:{w_status}} {m['id']:{w_id}} {m['kind']:9} {m['file']:{w_file}} {m['licence']}")
    print()
    w_pack = max(len(str(p["name"])) for p in packs)
    for p in packs:
        mark = "*" if p["active"] else " "
        use = "commercial use: yes" if p["commercial_use"] else "commercial use: NO"
        print(f"{mark} pack {p['name']:{w_pack}} {p['detector']} + {p['embedder']} [{p['status']}; {use}]")
        print(f"  {'':{w_pack}}      {p['summary']}")
    return 0
