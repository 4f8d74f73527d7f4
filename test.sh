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
# The multi-kiosk tests need a real PostgreSQL server: start a throwaway one unless one is given.
if [ -z "${KIOSK_TEST_POSTGRES_URL:-}" ]; then
  read -r KIOSK_TEST_POSTGRES_URL PG_DATA < <(bash scripts/postgres.sh)
  export KIOSK_TEST_POSTGRES_URL
  PG_CTL="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)/pg_ctl"
  if [ "$(id -u)" = 0 ]; then
    trap 'runuser -u postgres -- "$PG_CTL" -D "$PG_DATA/db" -m fast stop >/dev/null; rm -rf "$PG_DATA"' EXIT
  else
    trap '"$PG_CTL" -D "$PG_DATA/db" -m fast stop >/dev/null; rm -rf "$PG_DATA"' EXIT
  fi
fi
"$VENV/bin/ruff" check kiosk tests bench
"$VENV/bin/lint-imports" --no-cache
# pytest exits 5 when it collected no test: set -e turns that (like any failure) into a red run.
"$VENV/bin/python" -m pytest "$@"
