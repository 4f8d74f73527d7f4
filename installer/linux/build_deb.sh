#!/usr/bin/env bash
# Package the one-dir bundle as a Debian package (the same layout install.sh creates):
#
#   bash installer/linux/build_deb.sh [BUNDLE_DIR]   ->   dist/face-kiosk_VERSION_amd64.deb
#   sudo apt install ./dist/face-kiosk_VERSION_amd64.deb    (pulls in cage and Qt's system libraries)
#
# The package installs /opt/kiosk, kiosk.service (enabled, not started: starting it switches the
# screen to tty7), /etc/pam.d/kiosk, /etc/default/kiosk, kiosk-admin and the desktop entry, and
# creates the `kiosk` system user. Removing it keeps /var/lib/kiosk (the database).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
BUNDLE="$(cd "${1:-$ROOT/dist/kiosk}" && pwd)"
[[ -x "$BUNDLE/kiosk" ]] || { echo "error: no bundle at $BUNDLE (bash installer/build.sh MODEL_DIR)" >&2; exit 1; }
VERSION="$("$BUNDLE/kiosk" --version | awk '{print $2}')"
ARCH="$(dpkg --print-architecture)"
# The bundle needs the C library it was built against, or newer.
GLIBC="$(ldd --version | head -1 | grep -oE '[0-9]+\.[0-9]+$')"
# The system libraries the bundled Qt links (OpenGL, fonts, X11/xcb): the list run.sh and `kiosk doctor`
# use too. Without the "gui" ones Qt does not load at all, without the "xcb" ones not on an X screen.
QT_DEPS="$(sed 's/#.*//' "$ROOT/resources/linux/qt-xcb-packages.txt" | awk 'NF {print $1}' | paste -sd, - | sed 's/,/, /g')"
[[ -n "$QT_DEPS" ]] || { echo "error: no packages in resources/linux/qt-xcb-packages.txt" >&2; exit 1; }
PKG="$ROOT/build/deb/face-kiosk"
OUT="$ROOT/dist/face-kiosk_${VERSION}_${ARCH}.deb"

rm -rf "$PKG"
mkdir -p "$PKG/DEBIAN" "$PKG/opt" "$PKG/lib/systemd/system" "$PKG/etc/pam.d" "$PKG/etc/default" \
  "$PKG/usr/bin" "$PKG/usr/share/applications" "$PKG/usr/share/doc/face-kiosk"
cp -a "$BUNDLE" "$PKG/opt/kiosk"
chmod -R go-w "$PKG/opt/kiosk"
install -m 0644 "$HERE/kiosk.service" "$PKG/lib/systemd/system/kiosk.service"
install -m 0644 "$HERE/kiosk.pam" "$PKG/etc/pam.d/kiosk"
install -m 0644 "$HERE/kiosk.default" "$PKG/etc/default/kiosk"
install -m 0755 "$HERE/kiosk-admin" "$PKG/usr/bin/kiosk-admin"
install -m 0644 "$HERE/kiosk.desktop" "$PKG/usr/share/applications/face-kiosk.desktop"
[[ -f "$ROOT/docs/deployment.md" ]] && install -m 0644 "$ROOT/docs/deployment.md" "$PKG/usr/share/doc/face-kiosk/"

cat > "$PKG/DEBIAN/control" <<EOF
Package: face-kiosk
Version: $VERSION
Architecture: $ARCH
Maintainer: Face Kiosk project <kiosk@localhost>
Depends: cage, libc6 (>= $GLIBC), adduser, $QT_DEPS
Recommends: fonts-noto-cjk
Section: misc
Priority: optional
Installed-Size: $(du -sk "$PKG" | cut -f1)
Description: face check-in kiosk (boots into a full-screen cage session)
 Real-time CPU face recognition and attendance. Runs full screen under the
 cage Wayland kiosk compositor on tty7 as the system user "kiosk"; data in
 /var/lib/kiosk. Check the machine with: kiosk-admin doctor
EOF
printf '/etc/default/kiosk\n/etc/pam.d/kiosk\n' > "$PKG/DEBIAN/conffiles"

cat > "$PKG/DEBIAN/postinst" <<'EOF'
#!/bin/sh
set -e
if [ "$1" = configure ]; then
  if ! getent passwd kiosk >/dev/null; then
    adduser --system --group --home /var/lib/kiosk --no-create-home --shell /usr/sbin/nologin \
      --gecos "Face check-in kiosk" kiosk
  fi
  for g in video render input; do
    if getent group "$g" >/dev/null; then adduser kiosk "$g" >/dev/null; fi
  done
  install -d -o kiosk -g kiosk -m 0750 /var/lib/kiosk /var/lib/kiosk/models
  chgrp kiosk /etc/default/kiosk && chmod 0640 /etc/default/kiosk
  if [ -d /run/systemd/system ]; then systemctl daemon-reload; fi
  systemctl enable kiosk.service >/dev/null 2>&1 || true
  systemctl set-default graphical.target >/dev/null 2>&1 || true
  echo "face-kiosk: check the machine with 'kiosk-admin doctor', then 'systemctl start kiosk' or reboot."
fi
EOF
cat > "$PKG/DEBIAN/prerm" <<'EOF'
#!/bin/sh
set -e
if [ "$1" = remove ]; then
  if [ -d /run/systemd/system ]; then systemctl stop kiosk.service || true; fi
  systemctl disable kiosk.service >/dev/null 2>&1 || true
fi
EOF
cat > "$PKG/DEBIAN/postrm" <<'EOF'
#!/bin/sh
set -e
if [ -d /run/systemd/system ]; then systemctl daemon-reload || true; fi
if [ "$1" = purge ]; then
  echo "face-kiosk: /var/lib/kiosk (database) and the user 'kiosk' are kept; remove them by hand if wanted."
fi
EOF
chmod 0755 "$PKG/DEBIAN/postinst" "$PKG/DEBIAN/prerm" "$PKG/DEBIAN/postrm"

mkdir -p "$(dirname "$OUT")"
# gzip: seconds instead of ~9 minutes for xz on 2 cores, and every dpkg reads it (DEB_COMPRESSION=xz
# for a ~30% smaller file).
dpkg-deb --root-owner-group "-Z${DEB_COMPRESSION:-gzip}" --build "$PKG" "$OUT"
echo "built $OUT ($(du -h "$OUT" | cut -f1))"
