"""sd_notify over NOTIFY_SOCKET, and the watchdog that exits a stalled process."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import pytest

from edge_agent.watchdog import sd_notify


def test_sd_notify_sends_a_datagram(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "notify.sock"
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as server:
        server.bind(str(path))
        monkeypatch.setenv("NOTIFY_SOCKET", str(path))
        assert sd_notify("WATCHDOG=1")
        assert server.recv(64) == b"WATCHDOG=1"


def test_sd_notify_without_systemd(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NOTIFY_SOCKET", raising=False)
    assert not sd_notify("READY=1")


def test_stalled_loop_exits_the_process() -> None:
    script = (
        "import asyncio\n"
        "from edge_agent.watchdog import Watchdog\n"
        "asyncio.run(Watchdog(0.4).run())\n"  # nobody beats: a stalled poll loop
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=20, check=False)
    assert done.returncode == 70


def test_a_blocked_event_loop_is_not_mistaken_for_a_stalled_poll_loop() -> None:
    script = (
        "import asyncio, time\n"
        "from edge_agent.watchdog import Watchdog\n"
        "async def main():\n"
        "    dog = Watchdog(0.4)\n"
        "    task = asyncio.create_task(dog.run())\n"
        "    await asyncio.sleep(0)\n"
        "    time.sleep(1.0)\n"  # something else hogs the loop for longer than the timeout
        "    for _ in range(4):\n"
        "        await asyncio.sleep(0.1)\n"
        "        dog.beat()\n"
        "    task.cancel()\n"
        "asyncio.run(main())\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=20, check=False)
    assert done.returncode == 0, done.stderr
