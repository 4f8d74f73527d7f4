#!/usr/bin/env bash
# Build the frozen bundle and check that it runs on this machine (not part of the unit tests:
# the build takes ~1-3 minutes on 2 cores).
#
#   bash bench/smoke_bundle.sh [--no-build] [MODEL_DIR]
#
# MODEL_DIR defaults to $KIOSK_SHARED/models or ../shared/models. Checks, on dist/kiosk/kiosk:
#   --version; `doctor --json` in an empty data home with a video file as camera source and
#   no KIOSK_MODEL_DIR, so the models must come from dist/kiosk/models: exit 0, models ok with
#   files under dist/kiosk/models, Qt with the wayland and xcb platform plugins bundled;
#   `detect` and `compare` on real photos through the frozen pipeline.
# Prints build time and sizes; exits non-zero on the first failed check.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD=1
if [[ "${1:-}" == --no-build ]]; then BUILD=0; shift; fi
SHARED="${KIOSK_SHARED:-$ROOT/../shared}"
MODEL_DIR="${1:-$SHARED/models}"
PYTHON="${PYTHON:-${VIRTUAL_ENV:+$VIRTUAL_ENV/bin/python}}"
PYTHON="${PYTHON:-python3}"
EXE="$ROOT/dist/kiosk/kiosk"
OUT="$ROOT/bench/out"
mkdir -p "$OUT"

if ((BUILD)); then
  start=$(date +%s)
  PYTHON="$PYTHON" bash "$ROOT/installer/build.sh" "$MODEL_DIR" > "$OUT/smoke_build.log" 2>&1 \
    || { tail -30 "$OUT/smoke_build.log"; echo "FAIL build (log: $OUT/smoke_build.log)"; exit 1; }
  echo "build: $(( $(date +%s) - start )) s (log: $OUT/smoke_build.log)"
fi
[[ -x "$EXE" ]] || { echo "FAIL no bundle at $EXE"; exit 1; }

echo "size: $(du -sh "$ROOT/dist/kiosk" | cut -f1) (models $(du -sh "$ROOT/dist/kiosk/models" | cut -f1)," \
  "compressed tar.gz $(tar -C "$ROOT/dist" -czf - kiosk | wc -c | awk '{printf "%.0f MB", $1/1e6}'))"

echo "--- kiosk --version"
"$EXE" --version

TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
mkdir -p "$TMP/home"
VIDEO="$SHARED/data/video/short_hamilton_clip.mp4"
printf '[camera]\nsource = "%s"\n' "$VIDEO" > "$TMP/home/config.toml"
run() {  # the bundle with a clean environment: nothing from this checkout or the user's data dir
  env -u KIOSK_MODEL_DIR -u PYTHONPATH -u DATABASE_URL KIOSK_HOME="$TMP/home" XDG_DATA_HOME="$TMP/xdg" \
    QT_QPA_PLATFORM=offscreen "$EXE" "$@"
}

echo "--- kiosk doctor --json"
start_ns=$(date +%s%N)
set +e
run doctor --json > "$TMP/doctor.json"
rc=$?
set -e
echo "doctor: exit $rc in $(( ($(date +%s%N) - start_ns) / 1000000 )) ms"
head -c 1500 "$TMP/doctor.json"; echo
"$PYTHON" - "$TMP/doctor.json" "$rc" "$ROOT/dist/kiosk/models" <<'EOF'
import json, sys
doc = json.load(open(sys.argv[1]))
rc, models_dir = int(sys.argv[2]), sys.argv[3]
checks = {c["name"]: c for c in doc["checks"]}
for c in doc["checks"]:
    print(f"  {c['status']:4} {c['name']:10} {c['detail'][:110]}")
assert doc["ok"] is True and rc == 0, f"doctor not ok (exit {rc})"
assert checks["models"]["status"] == "ok", checks["models"]
paths = [f["path"] for f in checks["models"]["data"]["files"]]
assert all(p.startswith(models_dir) for p in paths), f"models not from the bundle: {paths}"
assert checks["cpu"]["data"]["frozen"] is True, "not running frozen"
plugins = checks["window"]["data"].get("qt_platform_plugins", [])
assert {"wayland", "xcb"} <= set(plugins), f"Qt platform plugins missing: {plugins}"
print("doctor checks: PASS")
EOF

echo "--- kiosk detect / compare (frozen pipeline on real photos)"
run detect "$SHARED/data/faces/examples/two_people.jpg" --json | head -c 300; echo
run compare "$SHARED/data/faces/examples/obama.jpg" "$SHARED/data/faces/examples/obama2.jpg" --json | tee "$TMP/same.json"
run compare "$SHARED/data/faces/examples/obama.jpg" "$SHARED/data/faces/examples/biden.jpg" --json | tee "$TMP/diff.json"
"$PYTHON" - "$TMP/same.json" "$TMP/diff.json" <<'EOF'
import json, sys
same, diff = (json.load(open(p)) for p in sys.argv[1:3])
assert same["same_person"] is True and diff["same_person"] is False, (same, diff)
print("compare: PASS")
EOF
echo "smoke: PASS"
