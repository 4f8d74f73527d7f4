#!/usr/bin/env bash
# Start a throwaway MQTT broker (Debian's mosquitto) on 127.0.0.1 for the output tests; prints "URL DATA_DIR".
# Stop it with: kill "$(cat DATA_DIR/pid)" (test.sh does this on exit).
# Installs Debian's mosquitto when the machine lacks it. The data folder lives under /tmp.
set -euo pipefail
BIN="$(command -v mosquitto || ls /usr/sbin/mosquitto 2>/dev/null || true)"
if [ -z "$BIN" ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2 && apt-get install -y -qq --no-install-recommends mosquitto >&2
  BIN="$(command -v mosquitto || echo /usr/sbin/mosquitto)"
fi
DATA="$(mktemp -d /tmp/kiosk-mqtt.XXXXXX)"
# A free port: ask the kernel for one (a random pick can collide with another test run on the machine).
PORT="${KIOSK_MQTT_PORT:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}"
cat >"$DATA/mosquitto.conf" <<CONF
listener $PORT 127.0.0.1
allow_anonymous true
persistence false
pid_file $DATA/pid
log_dest file $DATA/log
user $(id -un)
CONF
"$BIN" -c "$DATA/mosquitto.conf" -d >"$DATA/stdout" 2>&1  # its "should not run as root" notice too
for _ in $(seq 50); do  # wait until it listens
  python3 -c "import socket,sys; socket.create_connection(('127.0.0.1', $PORT), 0.2)" 2>/dev/null && break
  sleep 0.1
done
echo "mqtt://127.0.0.1:$PORT $DATA"
