"""The README's install, as a moderator would do it (issue 24): a wheel is built, carries every asset
of the package, installs (not editable) in a fresh virtual environment, and the installed
``moderator`` checks the demo and serves the stage page with ``rehearse --share``, from a folder
that is not this repository (so nothing is read from the source tree).

Bounded: each step has a timeout; the console is stopped with SIGTERM, as a shutdown would."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
import zipfile
from pathlib import Path

import pytest

from moderator import __version__

pytestmark = pytest.mark.system

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", str(ROOT), "-w", str(out)],
                           capture_output=True, text=True, timeout=600)
    assert built.returncode == 0, built.stderr[-2000:]
    (path,) = out.glob("moderator-*.whl")
    return path


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtual environment with the wheel installed: its ``bin`` (``Scripts`` on Windows)."""
    venv = tmp_path_factory.mktemp("venv")
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    bin_dir = venv / ("Scripts" if os.name == "nt" else "bin")
    done = subprocess.run([str(bin_dir / "python"), "-m", "pip", "install", "-q", str(wheel)],
                          capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-2000:]
    return bin_dir


def test_the_wheel_carries_every_file_of_the_package(wheel: Path) -> None:
    if shutil.which("git") is None:
        pytest.skip("git lists the package's files")
    listed = subprocess.run(["git", "-C", str(ROOT), "ls-files", "moderator"], capture_output=True, text=True,
                            check=True, timeout=60).stdout.split()
    names = set(zipfile.ZipFile(wheel).namelist())
    missing = [name for name in listed if name not in names]
    assert not missing, f"not in the wheel: {missing}"
    for asset in ("moderator/demo/workshop.toml", "moderator/tui/moderator.tcss",
                  "moderator/locale/es/LC_MESSAGES/moderator.mo", "moderator/locale/fr/LC_MESSAGES/moderator.mo",
                  "moderator/share/web/stage.html"):
        assert asset in names
    assert f"moderator-{__version__}.dist-info/entry_points.txt" in names


def test_installed_not_editable_it_checks_the_demo(installed: Path, tmp_path: Path) -> None:
    where = subprocess.run([str(installed / "python"), "-c", "import moderator; print(moderator.__file__)"],
                           capture_output=True, text=True, cwd=tmp_path, timeout=60, check=True).stdout.strip()
    assert Path(where).is_relative_to(installed.parent), f"imported from {where}, not the environment"
    version = subprocess.run([str(installed / "moderator"), "--version"], capture_output=True, text=True,
                             cwd=tmp_path, timeout=60)
    assert version.returncode == 0 and version.stdout.splitlines()[0] == f"moderator {__version__}"
    demo = Path(where).parent / "demo" / "workshop.toml"
    checked = subprocess.run([str(installed / "moderator"), "check", str(demo)], capture_output=True, text=True,
                             cwd=tmp_path, timeout=120)
    assert checked.returncode == 0, checked.stderr
    assert "Alliances" in checked.stdout or "alliances" in checked.stdout.lower()


def test_installed_it_rehearses_and_serves_the_stage_page(installed: Path, tmp_path: Path) -> None:
    import fcntl
    import pty
    import struct
    import termios

    where = subprocess.run([str(installed / "python"), "-c", "import moderator; print(moderator.__file__)"],
                           capture_output=True, text=True, cwd=tmp_path, timeout=60, check=True).stdout.strip()
    demo = Path(where).parent / "demo" / "workshop.toml"
    port = _free_port()
    primary, secondary = pty.openpty()
    fcntl.ioctl(secondary, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    env = {**os.environ, "TERM": "xterm-256color"}
    console = subprocess.Popen(
        [str(installed / "moderator"), "rehearse", str(demo), "--out", str(tmp_path / "runs"), "--share",
         "--listen", f"127.0.0.1:{port}"],
        stdin=secondary, stdout=secondary, stderr=secondary, cwd=tmp_path, env=env, start_new_session=True)
    os.close(secondary)
    screen = bytearray()

    def drain() -> None:  # the console draws all the time: read it, or it blocks on a full terminal
        while True:
            try:
                chunk = os.read(primary, 65536)
            except OSError:
                return
            if not chunk:
                return
            screen.extend(chunk)

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    try:
        stage_url = None
        deadline = time.monotonic() + 60
        while stage_url is None and time.monotonic() < deadline and console.poll() is None:
            for links in (tmp_path / "runs").rglob("links.txt"):
                for line in links.read_text(encoding="utf-8").splitlines():
                    role, _, url = line.partition(" ")
                    if role == "stage":
                        stage_url = url.strip()
            time.sleep(0.2)
        assert stage_url is not None, f"no stage link (exit {console.poll()}): {bytes(screen)[-2000:]!r}"
        assert stage_url.startswith(f"http://127.0.0.1:{port}/")
        with urllib.request.urlopen(stage_url, timeout=15) as response:
            assert response.status == 200
            page = response.read().decode("utf-8")
        assert "<html" in page.lower() and "stage" in page.lower()
        os.killpg(console.pid, signal.SIGTERM)
        assert console.wait(timeout=60) == 128 + signal.SIGTERM
    finally:
        if console.poll() is None:
            os.killpg(console.pid, signal.SIGKILL)
            console.wait(timeout=30)
        reader.join(timeout=5)
        os.close(primary)
    assert b"Stopped by SIGTERM" in bytes(screen)
