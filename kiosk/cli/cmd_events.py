"""``kiosk events``: the outbox of messages to the [[outputs]] targets: list, retry dead letters, test a target."""

from __future__ import annotations

import argparse
import sys
import time

from kiosk.cli.common import emit_json
from kiosk.context import AppContext
from kiosk.errors import ConfigError


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``events list``, ``events retry`` and ``events test``."""
    p = sub.add_parser("events", help="messages to the [[outputs]] targets (webhook, MQTT, relay): list, retry, test")
    esub = p.add_subparsers(dest="events_command", metavar="ACTION", required=True)
    ls = esub.add_parser("list", help="outbox messages, newest first")
    ls.add_argument("--state", choices=("pending", "delivered", "dead"), help="only messages in this state")
    ls.add_argument("--target", help="only this output")
    ls.add_argument("--limit", type=int, default=200, help="at most this many (default 200)")
    ls.add_argument("--json", action="store_true", help="one JSON document: counts and messages")
    ls.set_defaults(func=cmd_events_list)
    rt = esub.add_parser("retry", help="send dead letters again (the running kiosk picks them up within a second)")
    rt.add_argument("--target", help="only this output's dead letters")
    rt.add_argument("--json", action="store_true")
    rt.set_defaults(func=cmd_events_retry)
    ts = esub.add_parser("test", help="send a test message to one output now and say whether it arrived")
    ts.add_argument("--target", required=True, metavar="NAME", help="the output's name in [[outputs]]")
    ts.add_argument("--json", action="store_true")
    ts.set_defaults(func=cmd_events_test)


def cmd_events_list(ctx: AppContext, args: argparse.Namespace) -> int:
    """Print the outbox (every kiosk on this database; ``kiosk_id`` says whose)."""
    outbox = ctx.store.outbox
    items = outbox.list(state=args.state, target=args.target, limit=args.limit)
    if args.json:
        emit_json({"counts": outbox.counts(), "messages": [i.to_json() for i in items]})
        return 0
    counts = outbox.counts()
    print(f"{counts['pending']} pending, {counts['delivered']} delivered, {counts['dead']} dead")
    for i in items:
        err = f"  ({i.last_error})" if i.last_error else ""
        print(f"{i.id:>6} {i.state:<9} {i.target:<16} {i.kind:<8} {i.payload.get('name') or '':<20} "
              f"{i.created_at:%Y-%m-%d %H:%M:%S} tries {i.attempts}{err}")
    return 0


def cmd_events_retry(ctx: AppContext, args: argparse.Namespace) -> int:
    """Dead letters back to pending, with a fresh retry budget."""
    n = ctx.store.outbox.retry(target=args.target)
    if args.json:
        emit_json({"retried": n})
    else:
        print(f"{n} dead letter(s) queued again" + ("" if n else " (none)"))
    return 0


def cmd_events_test(ctx: AppContext, args: argparse.Namespace) -> int:
    """Send a ``test`` message straight to the target (not through the outbox) and report the outcome."""
    from kiosk.outputs import build_target
    from kiosk.store import OutboxItem
    from kiosk.store.outbox import event_payload, new_event_id
    from kiosk.store.schema import utcnow

    outputs = {o.name: o for o in ctx.config.outputs}
    cfg = outputs.get(args.target)
    if cfg is None:
        known = ", ".join(outputs) or "none configured"
        raise ConfigError(f"no output named {args.target!r} in the config's [[outputs]] (known: {known})")
    now = utcnow().astimezone()
    payload = event_payload(new_event_id(), "test", None, None, "Test message", None, ctx.kiosk_id, now, None)
    item = OutboxItem(0, str(payload["event_id"]), cfg.name, ctx.kiosk_id, "test", payload, "pending", 0, now, now,
                      None, "")
    t0 = time.perf_counter()
    target = build_target(cfg, ctx.kiosk_id)
    error = ""
    try:
        target.send(item)
    except Exception as exc:  # the point of the command is to say why
        error = str(exc) or type(exc).__name__
    finally:
        target.close()
    ms = (time.perf_counter() - t0) * 1000
    if args.json:
        emit_json({"target": cfg.name, "type": cfg.type, "ok": not error, "error": error or None,
                   "event_id": item.event_id, "ms": round(ms, 1)})
    elif error:
        print(f"{cfg.name} ({cfg.type}): FAILED: {error}", file=sys.stderr)
    else:
        print(f"{cfg.name} ({cfg.type}): test message {item.event_id} delivered in {ms:.0f} ms")
    return 1 if error else 0
