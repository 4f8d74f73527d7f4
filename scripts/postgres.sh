#!/usr/bin/env bash
# Start a throwaway PostgreSQL server on 127.0.0.1 for the tests; prints "URL DATA_DIR".
# Stop it with: pg_ctl -D DATA_DIR/db stop (test.sh does this on exit).
# Installs Debian's postgresql when the machine lacks it. The data folder lives under /tmp.
set -euo pipefail
PORT="${KIOSK_PG_PORT:-$((54000 + RANDOM % 900))}"
BIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
if [ -z "$BIN" ] || [ ! -x "$BIN/initdb" ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2 && apt-get install -y -qq postgresql >&2
  BIN="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
fi
DATA="$(mktemp -d /tmp/kiosk-pg.XXXXXX)"
AS=()
if [ "$(id -u)" = 0 ]; then  # PostgreSQL refuses to run as root
  id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
  chown postgres "$DATA"
  AS=(runuser -u postgres --)
fi
"${AS[@]}" "$BIN/initdb" -D "$DATA/db" -U kiosk --auth=trust -E UTF8 >/dev/null
"${AS[@]}" "$BIN/pg_ctl" -D "$DATA/db" -l "$DATA/log" -w -o "-p $PORT -k $DATA -h 127.0.0.1" start >/dev/null
"${AS[@]}" "$BIN/createdb" -h 127.0.0.1 -p "$PORT" -U kiosk kiosk_test
echo "postgresql://kiosk@127.0.0.1:$PORT/kiosk_test $DATA"
