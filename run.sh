#!/usr/bin/env bash
# Set up a virtual environment from this project's own files and open the kiosk.
#   bash run.sh                              full screen, camera 0
#   bash run.sh --source video.mp4 --windowed
# Models come from ../shared/models unless KIOSK_MODEL_DIR or --model-dir says otherwise.
set -euo pipefail
cd "$(dirname "$0")"
PYTHON="${PYTHON:-python3}"
VENV="${KIOSK_VENV:-.venv}"
[ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV"
"$VENV/bin/python" -m pip install --quiet --upgrade pip
"$VENV/bin/python" -m pip install --quiet -e .
if [ -z "${KIOSK_MODEL_DIR:-}" ] && [ -d ../shared/models ]; then
  export KIOSK_MODEL_DIR="$(cd ../shared/models && pwd)"
fi
exec "$VENV/bin/kiosk" "$@"
