#!/usr/bin/env bash
# Build the kiosk's one-dir bundle:   bash installer/build.sh MODEL_DIR   ->   dist/kiosk/
#
# MODEL_DIR holds the model weights (never in git). Every file the manifest names is verified
# against models/models.toml before the build starts and copied into dist/kiosk/models/.
# Needs the build extra in the Python that runs it:   pip install -e '.[build]'
#
# Environment:
#   PYTHON                  the Python to build with (default: $VIRTUAL_ENV's, else python3)
#   KIOSK_PACKS             packs whose models must be present (default: default)
#   KIOSK_BUNDLE_POSTGRES=0 leave the PostgreSQL driver out (default: bundled when installed)
#   KIOSK_ALLOW_UNPINNED=1  also ship manifest models without a pinned sha256
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MODEL_DIR="${1:-}"
if [[ -z "$MODEL_DIR" || ! -d "$MODEL_DIR" ]]; then
  echo "usage: bash installer/build.sh MODEL_DIR   (MODEL_DIR: the folder with the .onnx model files)" >&2
  exit 2
fi
MODEL_DIR="$(cd "$MODEL_DIR" && pwd)"

if [[ -z "${PYTHON:-}" ]]; then
  if [[ -n "${VIRTUAL_ENV:-}" && -x "$VIRTUAL_ENV/bin/python" ]]; then PYTHON="$VIRTUAL_ENV/bin/python"
  elif [[ -n "${VIRTUAL_ENV:-}" && -x "$VIRTUAL_ENV/Scripts/python.exe" ]]; then PYTHON="$VIRTUAL_ENV/Scripts/python.exe"
  else PYTHON=python3; fi
fi
if ! "$PYTHON" -m PyInstaller --version >/dev/null 2>&1; then
  echo "error: PyInstaller is not installed in $PYTHON; run: $PYTHON -m pip install -e '$ROOT[build]'" >&2
  exit 1
fi

STAGE="$ROOT/build/stage"
DIST="$ROOT/dist"
start=$(date +%s)
rm -rf "$STAGE"
mkdir -p "$STAGE/i18n"

echo "== 1/4 verify and stage models from $MODEL_DIR"
stage_args=(--packs "${KIOSK_PACKS:-default}")
[[ "${KIOSK_ALLOW_UNPINNED:-0}" == 1 ]] && stage_args+=(--allow-unpinned)
PYTHONPATH="$ROOT" "$PYTHON" "$ROOT/installer/stage_models.py" "$MODEL_DIR" "$STAGE/models" "${stage_args[@]}"

echo "== 2/4 compile translations"
shopt -s nullglob
ts_files=("$ROOT"/resources/i18n/*.ts)
if (( ${#ts_files[@]} )); then
  # lrelease ships inside PySide6-Essentials (pyside6-lrelease is its wrapper script).
  LRELEASE="$("$PYTHON" -c 'import os, PySide6; d = os.path.dirname(PySide6.__file__); print(next((os.path.join(d, n) for n in ("lrelease", "lrelease.exe", "Qt/libexec/lrelease") if os.path.isfile(os.path.join(d, n))), ""))')"
  [[ -n "$LRELEASE" ]] || { echo "error: lrelease not found in PySide6" >&2; exit 1; }
  for ts in "${ts_files[@]}"; do
    "$LRELEASE" -silent "$ts" -qm "$STAGE/i18n/$(basename "${ts%.ts}").qm"
  done
  echo "compiled ${#ts_files[@]} translation(s)"
else
  echo "no resources/i18n/*.ts: nothing to compile"
fi

echo "== 3/4 PyInstaller (takes a few minutes)"
(cd "$ROOT" && KIOSK_STAGE="$STAGE" "$PYTHON" -m PyInstaller --noconfirm --clean --log-level WARN \
  --distpath "$DIST" --workpath "$ROOT/build/pyinstaller" "$ROOT/installer/kiosk.spec")

if [[ "$(uname -s)" == Linux ]] && command -v strip >/dev/null; then
  # Some Python builds (pyenv) leave debug info in libpython: ~18 MB the kiosk never uses. Only this
  # library: stripping wheels' libraries that auditwheel patched can break them.
  for lib in "$DIST"/kiosk/_internal/libpython3*.so*; do strip --strip-debug "$lib"; done
fi

echo "== 4/4 models into dist/kiosk/models"
rm -rf "$DIST/kiosk/models"
cp -a "$STAGE/models" "$DIST/kiosk/models"

EXE="$DIST/kiosk/kiosk"
[[ -f "$EXE.exe" ]] && EXE="$EXE.exe"
"$EXE" --version
end=$(date +%s)
echo "built $DIST/kiosk in $((end - start)) s"
du -sh "$DIST/kiosk" "$DIST/kiosk/models" "$DIST/kiosk/_internal" 2>/dev/null || true
