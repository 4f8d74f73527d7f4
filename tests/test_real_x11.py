"""The full-screen kiosk window on real X servers without a window manager (a bare `xinit` kiosk).

Xvfb: the window must cover the whole 1280x800 screen (it was 488x353 in the corner before).
Xtigervnc: a screen that xrandr can resize; the window must follow it. Each test skips when its X
server is not installed; test.sh installs them (xvfb, tigervnc-standalone-server, x11-utils,
x11-xserver-utils) when run as root.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PROBE = Path(__file__).with_name("x11_fullscreen_probe.py")

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="X11 is tested on Linux")


def _need(*tools: str) -> None:
    missing = [t for t in tools if shutil.which(t) is None]
    if missing:
        pytest.skip(f"not installed: {', '.join(missing)} (bash test.sh as root installs them)")


@contextmanager
def x_server(argv: list[str]) -> Iterator[str]:
    """Start an X server that picks a free display itself (-displayfd); yields ":N"."""
    read_fd, write_fd = os.pipe()
    proc = subprocess.Popen([*argv, "-displayfd", str(write_fd)], pass_fds=(write_fd,),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(write_fd)
    try:
        with os.fdopen(read_fd, "r") as pipe:
            number = pipe.readline().strip()
        assert number.isdigit(), f"{argv[0]} did not start (exit code {proc.poll()})"
        yield f":{number}"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@contextmanager
def kiosk_window(display: str, tmp_path: Path) -> Iterator[int]:
    """The probe (kiosk window, full screen, platform xcb) on ``display``; yields its X window id."""
    stop = tmp_path / "stop"
    env = {**os.environ, "DISPLAY": display, "QT_QPA_PLATFORM": "xcb", "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, str(PROBE), str(stop)], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline().split()
        if not line or line[0] != "READY":
            proc.kill()
            _, err = proc.communicate(timeout=10)
            pytest.fail(f"the window did not open on {display}: {err[-2000:]}")
        assert line[2] == "xcb"
        yield int(line[1])
    finally:
        stop.touch()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def x_geometry(display: str, window_id: int) -> tuple[int, int, int, int]:
    """(x, y, width, height) of a window as the X server has it (xwininfo)."""
    out = subprocess.run(["xwininfo", "-id", str(window_id)], env={**os.environ, "DISPLAY": display},
                         capture_output=True, text=True, timeout=10, check=True).stdout

    def field(name: str) -> int:
        m = re.search(rf"^\s*{name}:\s*(-?\d+)", out, re.MULTILINE)
        assert m, out
        return int(m.group(1))

    return field("Absolute upper-left X"), field("Absolute upper-left Y"), field("Width"), field("Height")


def wait_geometry(display: str, window_id: int, want: tuple[int, int, int, int], timeout: float = 10.0) -> None:
    """Until the X server has the window at ``want`` (fails with the last geometry seen)."""
    deadline = time.monotonic() + timeout
    got = x_geometry(display, window_id)
    while got != want and time.monotonic() < deadline:
        time.sleep(0.1)
        got = x_geometry(display, window_id)
    assert got == want


def test_full_screen_covers_the_whole_xvfb_screen_without_a_window_manager(tmp_path: Path) -> None:
    _need("Xvfb", "xwininfo")
    with x_server(["Xvfb", "-screen", "0", "1280x800x24", "-nolisten", "tcp"]) as display, \
            kiosk_window(display, tmp_path) as window_id:
        wait_geometry(display, window_id, (0, 0, 1280, 800))


def test_full_screen_follows_the_screen_when_xrandr_resizes_it(tmp_path: Path) -> None:
    _need("Xtigervnc", "xwininfo", "xrandr")
    # Xvfb's RandR has one fixed mode; TigerVNC's X server resizes to any listed mode, like a monitor
    # switching resolution. -rfbport -1: no VNC port is opened.
    server = ["Xtigervnc", "-geometry", "1280x800", "-depth", "24", "-SecurityTypes", "None", "-rfbport", "-1",
              "-nolisten", "tcp"]
    with x_server(server) as display, kiosk_window(display, tmp_path) as window_id:
        wait_geometry(display, window_id, (0, 0, 1280, 800))
        xenv = {**os.environ, "DISPLAY": display}
        for width, height in ((1024, 768), (1920, 1080)):
            subprocess.run(["xrandr", "-s", f"{width}x{height}"], env=xenv, check=True, timeout=10)
            wait_geometry(display, window_id, (0, 0, width, height))
