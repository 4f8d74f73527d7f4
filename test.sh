#!/usr/bin/env bash
# Set up a virtual environment from this project's own files and run the whole test suite.
#   bash test.sh            (extra arguments go to pytest, e.g. bash test.sh -k engine)
# The default pack's models come from a pip package (converted by the kiosk); tests of the InsightFace
# packs also use ../shared/models when it is there (KIOSK_SHARED), and are deselected, with a line
# saying so, when it is not.
set -euo pipefail
cd "$(dirname "$0")"
PYTHON="${PYTHON:-python3}"
VENV="${KIOSK_VENV:-.venv}"
[ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV"
"$VENV/bin/python" -m pip install --quiet --upgrade pip
"$VENV/bin/python" -m pip install --quiet -e ".[test]"
export KIOSK_SHARED="${KIOSK_SHARED:-$(cd .. && pwd)/shared}"
export QT_QPA_PLATFORM="${QT_QPA_PLATFORM:-offscreen}"
# The window's tests on real X servers and the doctor's Qt check need Qt's system libraries
# (resources/linux/qt-xcb-packages.txt), Xvfb (an X server without a window manager, like a bare
# `xinit` kiosk), Xtigervnc (an X server xrandr can resize), xwininfo, xrandr and a CJK font. As root they are
# installed when missing (a fresh machine, CI); otherwise those tests skip or say what to install.
if [ "$(uname -s)" = Linux ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  NEED="$("$VENV/bin/python" -m kiosk.qtdeps missing)"
  command -v Xvfb >/dev/null || NEED="$NEED xvfb"
  command -v Xtigervnc >/dev/null || NEED="$NEED tigervnc-standalone-server"
  command -v xwininfo >/dev/null || NEED="$NEED x11-utils"
  command -v xrandr >/dev/null || NEED="$NEED x11-xserver-utils"
  # The Japanese and Chinese screens are tested with a real CJK font (tests/test_fonts.py).
  NEED="$NEED $("$VENV/bin/python" -m kiosk.fonts missing ja zh_CN)"
  if [ -n "${NEED// /}" ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    # shellcheck disable=SC2086  # one word per package
    apt-get install -y -qq --no-install-recommends $NEED >&2
  fi
fi
# The multi-kiosk tests need a real PostgreSQL server: start a throwaway one unless one is given.
if [ -z "${KIOSK_TEST_POSTGRES_URL:-}" ]; then
  read -r KIOSK_TEST_POSTGRES_URL PG_DATA < <(bash scripts/postgres.sh)
  export KIOSK_TEST_POSTGRES_URL
  PG_CTL="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)/pg_ctl"
  if [ "$(id -u)" = 0 ]; then
    stop_postgres() { runuser -u postgres -- "$PG_CTL" -D "$PG_DATA/db" -m fast stop >/dev/null; rm -rf "$PG_DATA"; }
  else
    stop_postgres() { "$PG_CTL" -D "$PG_DATA/db" -m fast stop >/dev/null; rm -rf "$PG_DATA"; }
  fi
fi
stop_servers() {
  if declare -F stop_mqtt >/dev/null; then stop_mqtt; fi
  if declare -F stop_postgres >/dev/null; then stop_postgres; fi
}
trap stop_servers EXIT
# The output tests need a real MQTT broker: start a throwaway mosquitto unless one is given.
if [ -z "${KIOSK_TEST_MQTT_URL:-}" ]; then
  read -r KIOSK_TEST_MQTT_URL MQTT_DATA < <(bash scripts/mosquitto.sh)
  export KIOSK_TEST_MQTT_URL
  stop_mqtt() { kill "$(cat "$MQTT_DATA/pid" 2>/dev/null)" 2>/dev/null || true; rm -rf "$MQTT_DATA"; }
fi
"$VENV/bin/ruff" check kiosk tests bench
"$VENV/bin/lint-imports" --no-cache
# pytest exits 5 when it collected no test: set -e turns that (like any failure) into a red run.
"$VENV/bin/python" -m pytest "$@"
