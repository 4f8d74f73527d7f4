"""``kiosk admin``: admin accounts, the first-start setup code, lockouts, retention and the audit log from the
machine itself (a forgotten PIN is reset here, by someone who can log in to the kiosk computer).

The command line runs as the machine's operator: whoever can run it can read the database file anyway, so
account management needs no PIN here. Commands that change people or attendance accept ``--account NAME`` to
act as an account (PIN and role checked, the audit log names it); ``kiosk admin check-role`` answers whether an
account may do something, for scripts that want the kiosk's roles.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from datetime import UTC

from kiosk.admin.accounts import (
    MAX_DIGITS,
    MIN_DIGITS,
    PERMISSIONS,
    ROLES,
    SETUP_CODE_TTL_S,
    AccountError,
)
from kiosk.cli.common import acting_account, emit_json
from kiosk.context import AppContext
from kiosk.errors import KioskError


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``admin``."""
    a = sub.add_parser("admin", help="admin accounts, setup code, lockout, retention and audit log")
    s = a.add_subparsers(dest="admin_command", metavar="ACTION")
    se = s.add_parser("setup", help="print a one-time code that lets the kiosk's screen create the first admin")
    se.set_defaults(func=cmd_setup)
    ad = s.add_parser("add", help="add an admin account (asks its PIN twice)")
    ad.add_argument("name")
    ad.add_argument("--role", choices=ROLES, required=True, help="admin: all; enroller: people; viewer: attendance")
    ad.add_argument("--pin", help=argparse.SUPPRESS)  # for scripts and tests (visible in the process list)
    ad.add_argument("--pin-stdin", action="store_true", help="read the PIN from the first line of stdin")
    ad.set_defaults(func=cmd_add)
    ls = s.add_parser("list", help="admin accounts with role and lockout")
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(func=cmd_list)
    rm = s.add_parser("remove", help="remove an admin account")
    rm.add_argument("name")
    rm.set_defaults(func=cmd_remove)
    sp = s.add_parser("set-pin", help="set a new PIN for an account (a forgotten PIN is reset here)")
    sp.add_argument("name")
    sp.add_argument("--pin", help=argparse.SUPPRESS)
    sp.add_argument("--pin-stdin", action="store_true", help="read the PIN from the first line of stdin")
    sp.set_defaults(func=cmd_set_pin)
    un = s.add_parser("unlock", help="end an account's lockout after wrong PINs")
    un.add_argument("name")
    un.set_defaults(func=cmd_unlock)
    cr = s.add_parser("check-role", help="exit 0 when the account (after its PIN) may do PERMISSION, else 1")
    cr.add_argument("name")
    cr.add_argument("permission", choices=sorted(PERMISSIONS["admin"]))
    cr.add_argument("--pin", help=argparse.SUPPRESS)
    cr.set_defaults(func=cmd_check_role)
    st = s.add_parser("status", help="accounts? locked? retention")
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


def _new_pin(args: argparse.Namespace, name: str) -> tuple[str, str]:
    """The PIN and its confirmation: --pin, the first line of stdin, or typed twice (hidden)."""
    if args.pin:
        return args.pin, args.pin
    if args.pin_stdin:
        pin = sys.stdin.readline().strip()
        return pin, pin
    pin = getpass.getpass(f"PIN for {name} ({MIN_DIGITS}-{MAX_DIGITS} digits): ")
    return pin, getpass.getpass("the same PIN again: ")


def cmd_setup(ctx: AppContext, args: argparse.Namespace) -> int:
    """Print a fresh one-time setup code (only on a kiosk without accounts)."""
    accounts = ctx.accounts()
    try:
        code = accounts.new_setup_code(actor="cli")
    except AccountError as exc:
        raise KioskError(str(exc)) from None
    print(f"setup code: {code[:5]} {code[5:]}")
    print(f"type it on the kiosk's screen within {SETUP_CODE_TTL_S / 60:.0f} minutes to create the first admin "
          f"account; it works once (a new `kiosk admin setup` replaces it)")
    return 0


def cmd_add(ctx: AppContext, args: argparse.Namespace) -> int:
    """Add an account."""
    pin, confirm = _new_pin(args, args.name)
    try:
        name = ctx.accounts().add(args.name, args.role, pin, confirm, actor="cli")
    except AccountError as exc:
        raise KioskError(str(exc)) from None
    print(f"account {name} ({args.role}) added")
    return 0


def cmd_list(ctx: AppContext, args: argparse.Namespace) -> int:
    """List accounts."""
    accounts = ctx.accounts()
    rows = [{"name": a.name, "role": a.role, "failures": a.failures,
             "locked_for_s": round(accounts.lock_remaining(a.name), 1), "must_change_pin": a.must_change_pin,
             "last_login": a.last_login_at.isoformat() if a.last_login_at else None} for a in accounts.list()]
    if args.json:
        emit_json({"accounts": rows})
    elif not rows:
        print("no admin account yet (kiosk admin setup prints a code for the kiosk's screen)")
    else:
        for r in rows:
            flags = []
            if r["locked_for_s"]:
                flags.append(f"locked {r['locked_for_s']:.0f} s")
            if r["failures"]:
                flags.append(f"{r['failures']} wrong PIN(s)")
            if r["must_change_pin"]:
                flags.append("must choose a new PIN")
            print(f"{r['name']:<20} {r['role']:<9} {', '.join(flags)}")
    return 0


def cmd_remove(ctx: AppContext, args: argparse.Namespace) -> int:
    """Remove an account."""
    try:
        ctx.accounts().remove(args.name, actor="cli")
    except AccountError as exc:
        raise KioskError(str(exc)) from None
    print(f"account {args.name} removed")
    return 0


def cmd_set_pin(ctx: AppContext, args: argparse.Namespace) -> int:
    """Reset an account's PIN from the machine."""
    pin, confirm = _new_pin(args, args.name)
    try:
        ctx.accounts().change_pin(args.name, pin, confirm, actor="cli")
    except AccountError as exc:
        raise KioskError(str(exc)) from None
    print(f"PIN of {args.name} set")
    return 0


def cmd_unlock(ctx: AppContext, args: argparse.Namespace) -> int:
    """Clear an account's lockout."""
    try:
        ctx.accounts().unlock(args.name, actor="cli")
    except AccountError as exc:
        raise KioskError(str(exc)) from None
    print(f"{args.name} unlocked")
    return 0


def cmd_check_role(ctx: AppContext, args: argparse.Namespace) -> int:
    """Exit 0 when the account, after its PIN, may do the permission; 1 (with the reason) otherwise."""
    args.account = args.name
    try:
        acting_account(ctx.store, args, args.permission)
    except KioskError as exc:
        print(f"refused: {exc}", file=sys.stderr)
        return 1
    print(f"{args.name} may do {args.permission}")
    return 0


def cmd_status(ctx: AppContext, args: argparse.Namespace) -> int:
    """Accounts, lockouts and retention."""
    accounts = ctx.accounts()
    listed = accounts.list()
    data = {"accounts": len(listed), "setup_code_pending": accounts.has_setup_code(),
            "locked": [a.name for a in listed if accounts.lock_remaining(a.name) > 0],
            "retention_days": ctx.privacy.retention_days()}
    if args.json:
        emit_json(data)
    else:
        if listed:
            print(f"admin accounts: {len(listed)} (kiosk admin list)")
        else:
            print("admin accounts: none (kiosk admin setup prints the code the kiosk's screen asks for)")
        for name in data["locked"]:
            print(f"{name} is locked (kiosk admin unlock {name} ends it)")
        keep = f"{data['retention_days']} days" if data["retention_days"] else "forever"
        print(f"attendance kept: {keep}")
    return 0


def cmd_audit(ctx: AppContext, args: argparse.Namespace) -> int:
    """Print the audit log."""
    entries = ctx.privacy.audit_log(limit=max(1, args.limit))
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
        ctx.privacy.set_retention_days(args.days, actor="cli")
    days = ctx.privacy.retention_days()
    deleted = ctx.privacy.apply_retention(days)
    if args.json:
        emit_json({"retention_days": days, "deleted": deleted})
    else:
        print(f"attendance kept {f'{days} days' if days else 'forever'}; {deleted} event(s) deleted now")
    return 0


def cmd_liveness(ctx: AppContext, args: argparse.Namespace) -> int:
    """Show or set the admin's liveness mode (stored in the database, audited)."""
    if args.mode is not None:
        ctx.privacy.set_liveness_mode("" if args.mode == "config" else args.mode, actor="cli")
    chosen = ctx.privacy.liveness_mode()
    in_force = chosen or ctx.config.liveness.mode
    if args.json:
        emit_json({"mode": in_force, "admin_setting": chosen or None, "config": ctx.config.liveness.mode})
    else:
        source = "admin setting" if chosen else "config file"
        print(f"presentation-attack check: {in_force} ({source}); `kiosk --liveness MODE` overrides it for one run")
    return 0
