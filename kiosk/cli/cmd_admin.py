"""``kiosk admin``: the admin PIN, lockout, retention and audit log from the machine itself (a forgotten
PIN is reset here, by someone who can log in to the kiosk computer)."""

from __future__ import annotations

import argparse
import getpass
import sys
from datetime import UTC

from kiosk.admin.pin import AdminAuth, PinError
from kiosk.admin.retention import apply_retention, retention_days, set_retention_days
from kiosk.cli.common import emit_json
from kiosk.context import AppContext
from kiosk.errors import KioskError


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``admin``."""
    a = sub.add_parser("admin", help="admin PIN, lockout, retention and audit log")
    s = a.add_subparsers(dest="admin_command", metavar="ACTION")
    sp = s.add_parser("set-pin", help="set or reset the admin PIN (4-8 digits)")
    sp.add_argument("--pin-stdin", action="store_true", help="read the PIN from the first line of stdin")
    sp.set_defaults(func=cmd_set_pin)
    un = s.add_parser("unlock", help="end a lockout after too many wrong PINs")
    un.set_defaults(func=cmd_unlock)
    st = s.add_parser("status", help="PIN set? locked? retention")
    st.add_argument("--json", action="store_true")
    st.set_defaults(func=cmd_status)
    au = s.add_parser("audit", help="the audit log of admin actions, newest first")
    au.add_argument("--limit", type=int, default=50)
    au.add_argument("--json", action="store_true")
    au.set_defaults(func=cmd_audit)
    re = s.add_parser("retention", help="show or set how long attendance is kept, and apply it now")
    re.add_argument("--days", type=int, help="keep this many days (0: forever)")
    re.add_argument("--json", action="store_true")
    re.set_defaults(func=cmd_retention)
    lv = s.add_parser("liveness", help="show or set the presentation-attack check of every kiosk on this database")
    lv.add_argument("--mode", choices=("off", "passive", "strict", "config"),
                    help="off, passive or strict; config: back to [liveness] mode of each kiosk's config file")
    lv.add_argument("--json", action="store_true")
    lv.set_defaults(func=cmd_liveness)
    a.set_defaults(func=lambda _ctx, _args: (a.print_help(), 2)[1])


def cmd_set_pin(ctx: AppContext, args: argparse.Namespace) -> int:
    """Set the PIN (typed twice, hidden), or from stdin for scripts."""
    if args.pin_stdin:
        pin = sys.stdin.readline().strip()
        confirm = pin
    else:
        pin = getpass.getpass("new admin PIN (4-8 digits): ")
        confirm = getpass.getpass("the same PIN again: ")
    try:
        AdminAuth(ctx.store).set_pin(pin, confirm, actor="cli")
    except PinError as exc:
        raise KioskError(str(exc)) from None
    print("admin PIN set")
    return 0


def cmd_unlock(ctx: AppContext, args: argparse.Namespace) -> int:
    """Clear a lockout."""
    AdminAuth(ctx.store).unlock(actor="cli")
    print("admin unlocked")
    return 0


def cmd_status(ctx: AppContext, args: argparse.Namespace) -> int:
    """PIN, lockout and retention state."""
    auth = AdminAuth(ctx.store)
    data = {"pin_set": auth.has_pin(), "locked_for_s": round(auth.lock_remaining(), 1),
            "wrong_tries": auth.failures(),
            "retention_days": retention_days(ctx.store, ctx.config.attendance.retention_days)}
    if args.json:
        emit_json(data)
    else:
        print(f"admin PIN: {'set' if data['pin_set'] else 'not set (the kiosk asks for one on first use)'}")
        if data["locked_for_s"]:
            print(f"locked for {data['locked_for_s']:.0f} s more (kiosk admin unlock ends it)")
        keep = f"{data['retention_days']} days" if data["retention_days"] else "forever"
        print(f"attendance kept: {keep}")
    return 0


def cmd_audit(ctx: AppContext, args: argparse.Namespace) -> int:
    """Print the audit log."""
    entries = ctx.store.audit_log(limit=max(1, args.limit))
    rows = [{"ts": (e.ts if e.ts.tzinfo else e.ts.replace(tzinfo=UTC)).astimezone().isoformat(timespec="seconds"),
             "actor": e.actor, "action": e.action, "detail": e.detail} for e in entries]
    if args.json:
        emit_json({"audit": rows})
    else:
        for r in rows:
            print(f"{r['ts']}  {r['actor']:<10} {r['action']:<20} {r['detail']}")
    return 0


def cmd_retention(ctx: AppContext, args: argparse.Namespace) -> int:
    """Show or set retention; apply it now."""
    if args.days is not None:
        if args.days < 0:
            raise KioskError("--days must be 0 (keep forever) or more")
        set_retention_days(ctx.store, args.days, actor="cli")
    days = retention_days(ctx.store, ctx.config.attendance.retention_days)
    deleted = apply_retention(ctx.store, days)
    if args.json:
        emit_json({"retention_days": days, "deleted": deleted})
    else:
        print(f"attendance kept {f'{days} days' if days else 'forever'}; {deleted} event(s) deleted now")
    return 0


def cmd_liveness(ctx: AppContext, args: argparse.Namespace) -> int:
    """Show or set the admin's liveness mode (stored in the database, audited)."""
    from kiosk.admin.liveness import liveness_setting, set_liveness_mode

    if args.mode is not None:
        set_liveness_mode(ctx.store, "" if args.mode == "config" else args.mode, actor="cli")
    chosen = liveness_setting(ctx.store)
    in_force = chosen or ctx.config.liveness.mode
    if args.json:
        emit_json({"mode": in_force, "admin_setting": chosen or None, "config": ctx.config.liveness.mode})
    else:
        source = "admin setting" if chosen else "config file"
        print(f"presentation-attack check: {in_force} ({source}); `kiosk --liveness MODE` overrides it for one run")
    return 0
