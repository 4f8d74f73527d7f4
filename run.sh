#!/usr/bin/env bash
# Set up a virtual environment from this project's own files and open the kiosk.
#   bash run.sh                              full screen, camera 0
#   bash run.sh --source video.mp4 --windowed
# Models come from ../shared/models unless KIOSK_MODEL_DIR or --model-dir says otherwise.
# On Linux the window's Qt needs system libraries a fresh Debian/Ubuntu lacks (the list:
# resources/linux/qt-xcb-packages.txt): run as root, this installs the missing ones with apt-get;
# otherwise it prints the one `sudo apt-get install ...` command and stops. A Japanese or Chinese system
# also gets a CJK font (fonts-noto-cjk) the same way; without one the window shows English.
set -euo pipefail
cd "$(dirname "$0")"
PYTHON="${PYTHON:-python3}"
VENV="${KIOSK_VENV:-.venv}"
[ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV"
"$VENV/bin/python" -m pip install --quiet --upgrade pip
"$VENV/bin/python" -m pip install --quiet -e .
if [ "$(uname -s)" = Linux ]; then
  # The dynamic loader (ldd on Qt's xcb plugin) says what is missing: ~0.2 s when nothing is.
  MISSING="$("$VENV/bin/python" -m kiosk.qtdeps missing)"
  if [ -n "$MISSING" ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
      echo "run.sh: installing the system libraries the kiosk window needs: $MISSING" >&2
      export DEBIAN_FRONTEND=noninteractive
      # A fresh machine (or container) may have no package lists yet. A failure (offline, a locked
      # dpkg) falls through to the message below instead of stopping here with apt's words only.
      apt-get update -qq >&2 || true
      # shellcheck disable=SC2086  # one word per package
      apt-get install -y -qq --no-install-recommends $MISSING >&2 || true
      MISSING="$("$VENV/bin/python" -m kiosk.qtdeps missing)"
    fi
    if [ -n "$MISSING" ]; then
      "$VENV/bin/python" -m kiosk.qtdeps explain
      echo "Commands without a window work meanwhile, e.g. $VENV/bin/kiosk doctor" >&2
      exit 1
    fi
  fi
  # Japanese or Chinese (the system's language) needs a CJK font a fresh machine lacks: without one
  # the window shows English rather than empty boxes (kiosk/fonts.py).
  FONT="$("$VENV/bin/python" -m kiosk.fonts missing)"
  if [ -n "$FONT" ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "run.sh: installing a font for your language: $FONT" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$FONT" >&2 \
      || { apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
             --no-install-recommends "$FONT" >&2; } || true
    FONT="$("$VENV/bin/python" -m kiosk.fonts missing)"
  fi
  if [ -n "$FONT" ]; then
    echo "run.sh: no font for your language is installed, so the kiosk shows English; to fix: sudo apt-get install -y $FONT" >&2
  fi
fi
if [ -z "${KIOSK_MODEL_DIR:-}" ] && [ -d ../shared/models ]; then
  export KIOSK_MODEL_DIR="$(cd ../shared/models && pwd)"
fi
exec "$VENV/bin/kiosk" "$@"
