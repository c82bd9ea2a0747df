"""Attacks on the host that need processes on loopback: a flood from one seat measured from
outside (``GET /api/state`` while it lasts), and clients that never read (the host's memory).
The host is the real sharing stack (``start_sharing``) in its own process; each attack is bounded
in time. The figures are printed (``pytest -s``) for docs and notes."""

from __future__ import annotations

import http.client
import json
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers_engine import WORKSHOP_PATH
from seat_helpers import free_port

pytestmark = pytest.mark.system

HELPER = Path(__file__).resolve().parents[1] / "net_helpers.py"


class HostProcess:
    def __init__(self, process: subprocess.Popen[str], links: dict[str, str], port: int) -> None:
        self.process, self.links, self.port = process, links, port

    def token(self, role: str) -> str:
        return self.links[role].rsplit("/", 1)[-1]

    def state_latency(self) -> float:
        """Seconds for one ``GET /api/state`` (a new connection, as a script or a page would)."""
        began = time.monotonic()
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        connection.request("GET", "/api/state", headers={"Authorization": f"Bearer {self.token('stage')}"})
        response = connection.getresponse()
        assert response.status == 200
        json.loads(response.read())
        connection.close()
        return time.monotonic() - began

    def rss_mb(self) -> float:
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        raise AssertionError("no VmRSS")


@pytest.fixture
def host(tmp_path: Path) -> Iterator[HostProcess]:
    port = free_port()
    process = subprocess.Popen([sys.executable, str(HELPER), "host", str(WORKSHOP_PATH), str(tmp_path / "out"),
                                str(port)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert process.stdout is not None
    assert process.stdout.readline().strip() == "ready", process.stderr.read() if process.stderr else ""
    links = json.loads(process.stdout.readline())
    try:
        yield HostProcess(process, links, port)
    finally:
        process.kill()
        process.wait(10)


def attacker(*arguments: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, str(HELPER), *arguments], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def measure(host: HostProcess, seconds: float) -> list[float]:
    latencies = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        latencies.append(host.state_latency())
        time.sleep(0.05)
    return latencies


def summary(latencies: list[float]) -> str:
    ordered = sorted(latencies)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return (f"n={len(ordered)} p50={statistics.median(ordered) * 1000:.1f} ms p99={p99 * 1000:.1f} ms "
            f"max={ordered[-1] * 1000:.1f} ms")


@pytest.mark.attack("N05")
@pytest.mark.parametrize("characters", [5_000, 100_000])
def test_one_seats_flood_never_stalls_the_host(host: HostProcess, characters: int) -> None:
    quiet = measure(host, 1.0)
    flood = attacker("flood", host.links["rapporteur"], "8", str(characters))
    time.sleep(1.0)  # the flood under way
    during = measure(host, 5.0)
    assert flood.stdout is not None
    flood.wait(30)
    outcome = flood.stdout.read().strip()
    print(f"\n/api/state, quiet: {summary(quiet)}; during a one-seat flood of {characters:,}-character notes "
          f"({outcome}): {summary(during)}")
    assert flood.returncode == 0, flood.stderr.read() if flood.stderr else ""
    assert statistics.median(during) < 0.5 and max(during) < 3.0  # was 68.5 s
    assert host.process.poll() is None


@pytest.mark.attack("N04")
def test_clients_that_never_read_cannot_grow_the_hosts_memory(host: HostProcess) -> None:
    before = host.rss_mb()
    stuck = [attacker("unread", host.links["rapporteur"], "5"), attacker("unread", host.links["stage"], "20")]
    for process in stuck:
        assert process.stdout is not None and process.stdout.readline().strip() == "ready"
    flood = attacker("flood", host.links["comoderator"], "8", "5000")  # events every unread seat is sent
    most = before
    deadline = time.monotonic() + 8.0
    while time.monotonic() < deadline:
        most = max(most, host.rss_mb())
        time.sleep(0.2)
    flood.wait(30)
    for process in stuck:
        process.kill()
        process.wait(10)
    print(f"\nhost memory: {before:.0f} MB before, at most {most:.0f} MB with 5 unread seats, 20 unread stage "
          "sockets and a one-seat flood")
    assert most - before < 150  # was +458 MB in 3 s for one unread stage socket
    assert host.state_latency() < 2.0
