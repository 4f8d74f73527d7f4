"""``kiosk export``: attendance as CSV for payroll (raw events or a daily summary)."""

from __future__ import annotations

import argparse
from pathlib import Path

from kiosk.attendance.export import parse_day
from kiosk.cli.common import acting_account, add_account_option, emit_json
from kiosk.context import AppContext


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``export``."""
    p = sub.add_parser("export", help="attendance as CSV (UTF-8 with BOM, opens correctly in Excel)")
    p.add_argument("--from", dest="start", required=True, metavar="YYYY-MM-DD", help="first day (local)")
    p.add_argument("--to", dest="end", required=True, metavar="YYYY-MM-DD", help="last day (local, included)")
    p.add_argument("--out", required=True, metavar="FILE")
    p.add_argument("--summary", action="store_true", help="one row per person per day instead of every event")
    p.add_argument("--group", help="only this group")
    p.add_argument("--json", action="store_true")
    add_account_option(p)
    p.set_defaults(func=cmd_export)


def cmd_export(ctx: AppContext, args: argparse.Namespace) -> int:
    """Write the CSV."""
    start, end = parse_day(args.start, "--from"), parse_day(args.end, "--to")
    out = Path(args.out)
    actor = acting_account(ctx.store, args, "export")
    n = ctx.attendance_ledger.export_csv(start, end, out, summary=args.summary, group=args.group, actor=actor)
    if args.json:
        emit_json({"out": str(out), "rows": n, "summary": args.summary})
    else:
        print(f"wrote {n} row(s) to {out}")
    return 0
