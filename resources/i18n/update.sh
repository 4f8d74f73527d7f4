#!/usr/bin/env sh
# Refresh the translation sources from kiosk/ui (and kiosk/ui/admin) and compile them:
#   resources/i18n/update.sh            (uses pyside6-lupdate / pyside6-lrelease on PATH or in ./venv)
# Edit kiosk_*.ts with Qt Linguist (or by hand), then run this again and commit the .ts AND the .qm.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
bin=${PYSIDE6_BIN:-$(dirname "$(command -v pyside6-lupdate || echo /work/venv/bin/pyside6-lupdate)")}
cd "$root"
py=${PYTHON:-$bin/python}
[ -x "$py" ] || py=python3
for lang in ja zh_CN; do
  cp "resources/i18n/kiosk_$lang.ts" "resources/i18n/.kiosk_$lang.before.ts"
  "$bin/pyside6-lupdate" kiosk/ui/*.py kiosk/ui/admin/*.py -no-obsolete -target-language "$lang" -ts "resources/i18n/kiosk_$lang.ts"
  # strings that moved to another class keep their translation
  "$py" "$here/carry_over.py" "resources/i18n/.kiosk_$lang.before.ts" "resources/i18n/kiosk_$lang.ts"
  rm -f "resources/i18n/.kiosk_$lang.before.ts"
  "$bin/pyside6-lrelease" "resources/i18n/kiosk_$lang.ts" -qm "resources/i18n/kiosk_$lang.qm"
done
