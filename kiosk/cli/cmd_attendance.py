"""``kiosk attendance``: list events and correct wrong check-ins (void with a reason, reassign to the right
person). Corrections keep the original visible to admins and are audited with the acting account."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import date

from kiosk.attendance.export import local_range, parse_day
from kiosk.attendance.ledger import EventInfo
from kiosk.cli.common import acting_account, add_account_option, emit_json
from kiosk.context import AppContext
from kiosk.errors import KioskError


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``attendance``."""
    a = sub.add_parser("attendance", help="list attendance events; void or reassign a wrong check-in")
    s = a.add_subparsers(dest="attendance_command", metavar="ACTION")
    ls = s.add_parser("list", help="events of a date range (default: today), voided ones marked")
    ls.add_argument("--from", dest="start", metavar="YYYY-MM-DD", help="first day (local; default today)")
    ls.add_argument("--to", dest="end", metavar="YYYY-MM-DD", help="last day (local, included; default --from)")
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(func=cmd_list)
    vo = s.add_parser("void", help="void an event (kept for admins, skipped by exports and the policy)")
    vo.add_argument("id", type=int)
    vo.add_argument("--reason", required=True)
    vo.add_argument("--json", action="store_true")
    add_account_option(vo)
    vo.set_defaults(func=cmd_void)
    re = s.add_parser("reassign", help="move an event to the right person")
    re.add_argument("id", type=int)
    re.add_argument("--person", type=int, required=True, metavar="PID", help="the right person's id")
    re.add_argument("--json", action="store_true")
    add_account_option(re)
    re.set_defaults(func=cmd_reassign)
    a.set_defaults(func=lambda _ctx, _args: (a.print_help(), 2)[1])


def _line(e: EventInfo) -> str:
    when = e.ts.astimezone().isoformat(timespec="seconds")
    note = ""
    if e.voided:
        note = f"  VOID ({e.void_reason}; {e.corrected_by})"
    elif e.original_name is not None:
        note = f"  reassigned from {e.original_name} ({e.corrected_by})"
    return f"{e.id:>7}  {when}  {e.kind:<8} {e.name}{note}"


def cmd_list(ctx: AppContext, args: argparse.Namespace) -> int:
    """Events of a date range, oldest first, voided ones included and marked."""
    start = parse_day(args.start, "--from") if args.start else date.today()
    end = parse_day(args.end, "--to") if args.end else start
    lo, hi = local_range(start, end)
    events = ctx.attendance_ledger.between(lo, hi)
    if args.json:
        emit_json({"from": start.isoformat(), "to": end.isoformat(), "events": [e.to_json() for e in events]})
    else:
        for e in events:
            print(_line(e))
        if not events:
            print(f"no events {start}..{end}" if end > start else f"no events on {start}")
    return 0


def _require_event(ctx: AppContext, event_id: int) -> EventInfo:
    event = ctx.attendance_ledger.get(event_id)
    if event is None:
        raise KioskError(f"no attendance event with id {event_id} (kiosk attendance list shows the ids)")
    return event


def _correct(ctx: AppContext, args: argparse.Namespace, change: Callable[[str], EventInfo]) -> int:
    """Check the event exists and the account may correct it, apply ``change(actor)``, print the result."""
    _require_event(ctx, args.id)
    event = change(acting_account(ctx.store, args, "correct"))
    if args.json:
        emit_json({"event": event.to_json()})
    else:
        print(_line(event))
    return 0


def cmd_void(ctx: AppContext, args: argparse.Namespace) -> int:
    """Void one event."""
    return _correct(ctx, args, lambda actor: ctx.attendance_ledger.void(args.id, args.reason, actor))


def cmd_reassign(ctx: AppContext, args: argparse.Namespace) -> int:
    """Reassign one event to another person."""
    return _correct(ctx, args, lambda actor: ctx.attendance_ledger.reassign(args.id, args.person, actor))


