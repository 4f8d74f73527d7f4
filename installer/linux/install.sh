#!/usr/bin/env bash
# Install the kiosk on a Linux mini-PC so it starts full screen by itself after power-on.
#
#   sudo bash installer/linux/install.sh [BUNDLE_DIR]              boot-to-kiosk service (cage on tty7)
#   sudo bash installer/linux/install.sh --autostart [BUNDLE_DIR]  start with a desktop user's session
#   sudo bash installer/linux/install.sh --uninstall               remove (keeps /var/lib/kiosk)
#
# BUNDLE_DIR is the one-dir bundle from installer/build.sh (default: dist/kiosk next to this repo).
# Options: --no-start (install and enable, do not start now), --prefix DIR (default /opt/kiosk).
# What it does (service mode):
#   /opt/kiosk                      the bundle, models in /opt/kiosk/models
#   user `kiosk` (system)           in the video, render and input groups; data in /var/lib/kiosk
#   /etc/systemd/system/kiosk.service, /etc/pam.d/kiosk, /etc/default/kiosk (kept if present)
#   /usr/local/bin/kiosk-admin      runs a kiosk command as the service user: `kiosk-admin doctor`
#   the cage package (apt-get) when it is missing; graphical.target as the default boot target
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PREFIX=/opt/kiosk
MODE=service
START=1
BUNDLE=""
while (($#)); do
  case "$1" in
    --autostart) MODE=autostart ;;
    --uninstall) MODE=uninstall ;;
    --no-start) START=0 ;;
    --prefix) PREFIX="$2"; shift ;;
    -h|--help) sed -n '2,18p' "$0"; exit 0 ;;
    -*) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
    *) BUNDLE="$1" ;;
  esac
  shift
done
BUNDLE="${BUNDLE:-$HERE/../../dist/kiosk}"
KIOSK_USER=kiosk
DATA=/var/lib/kiosk
UNIT=/etc/systemd/system/kiosk.service

say() { printf '== %s\n' "$*"; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }
# systemd is PID 1 (not a container or chroot): units can be reloaded and started now.
systemd_running() { [[ -d /run/systemd/system ]]; }

[[ $(id -u) -eq 0 ]] || die "run as root: sudo bash $0 $*"

if [[ $MODE == uninstall ]]; then
  if systemd_running; then systemctl disable --now kiosk.service 2>/dev/null || true
  else systemctl disable kiosk.service 2>/dev/null || true; fi
  rm -f "$UNIT" /etc/pam.d/kiosk /usr/local/bin/kiosk-admin /etc/xdg/autostart/face-kiosk.desktop \
    /usr/share/applications/face-kiosk.desktop
  rm -rf "$PREFIX"
  systemd_running && systemctl daemon-reload
  say "removed the kiosk; data kept in $DATA, user $KIOSK_USER kept (userdel $KIOSK_USER to remove it)"
  exit 0
fi

[[ -x "$BUNDLE/kiosk" ]] || die "no kiosk bundle at $BUNDLE (build it: bash installer/build.sh MODEL_DIR)"
BUNDLE="$(cd "$BUNDLE" && pwd)"
"$BUNDLE/kiosk" --version >/dev/null || die "$BUNDLE/kiosk does not run on this machine"

say "install $BUNDLE to $PREFIX"
rm -rf "$PREFIX.new"
cp -a "$BUNDLE" "$PREFIX.new"
if [[ -d "$PREFIX/models" ]]; then
  # Keep model files an admin added by hand that the new bundle does not bring.
  for f in "$PREFIX"/models/*; do
    [[ -e "$PREFIX.new/models/$(basename "$f")" ]] || cp -a "$f" "$PREFIX.new/models/"
  done
fi
chown -R root:root "$PREFIX.new"
chmod -R go-w "$PREFIX.new"
rm -rf "$PREFIX.old"
[[ -e "$PREFIX" ]] && mv "$PREFIX" "$PREFIX.old"
mv "$PREFIX.new" "$PREFIX"
rm -rf "$PREFIX.old"

if [[ $MODE == autostart ]]; then
  say "XDG autostart: the kiosk opens when a desktop user logs in (data in that user's folder)"
  sed "s#^Exec=.*#Exec=$PREFIX/kiosk#" "$HERE/kiosk.desktop" > /usr/share/applications/face-kiosk.desktop
  install -m 0644 /usr/share/applications/face-kiosk.desktop /etc/xdg/autostart/face-kiosk.desktop
  say "done. Set the desktop to log that user in automatically; check with: $PREFIX/kiosk doctor"
  exit 0
fi

if ! command -v cage >/dev/null; then
  if command -v apt-get >/dev/null; then
    say "install cage (Wayland kiosk compositor)"
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends cage
  else
    die "cage is not installed: install it with your distribution's package manager and run this again"
  fi
fi

say "service user $KIOSK_USER and $DATA"
if ! getent passwd "$KIOSK_USER" >/dev/null; then
  useradd --system --user-group --home-dir "$DATA" --no-create-home --shell /usr/sbin/nologin \
    --comment "Face check-in kiosk" "$KIOSK_USER"
fi
for group in video render input; do
  getent group "$group" >/dev/null && usermod -aG "$group" "$KIOSK_USER"
done
install -d -o "$KIOSK_USER" -g "$KIOSK_USER" -m 0750 "$DATA" "$DATA/models"

say "systemd unit, PAM session, admin helper"
sed "s#/opt/kiosk/kiosk#$PREFIX/kiosk#" "$HERE/kiosk.service" > "$UNIT"
chmod 0644 "$UNIT"
install -m 0644 "$HERE/kiosk.pam" /etc/pam.d/kiosk
[[ -e /etc/default/kiosk ]] || install -m 0640 -g "$KIOSK_USER" "$HERE/kiosk.default" /etc/default/kiosk
sed "s#/opt/kiosk/kiosk#$PREFIX/kiosk#" "$HERE/kiosk-admin" > /usr/local/bin/kiosk-admin
chmod 0755 /usr/local/bin/kiosk-admin

systemctl enable kiosk.service
systemctl set-default graphical.target
if systemd_running; then
  systemctl daemon-reload
  if ((START)); then
    say "start the kiosk (switches the screen to tty7)"
    systemctl restart kiosk.service
  fi
else
  say "systemd is not running here (container or chroot): the kiosk starts at next boot"
fi

say "check the machine:"
/usr/local/bin/kiosk-admin doctor || true
say "done. Logs: journalctl -u kiosk -b; data: $DATA; stop: systemctl stop kiosk"
