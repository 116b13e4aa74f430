"""Ports for the soak's listeners, which are stopped and started again on the same port."""

from __future__ import annotations

import random
import socket
import subprocess
import time
from pathlib import Path


def listener_port() -> int:
    """A free port below the ephemeral range.

    While nothing listens on a port from the ephemeral range, a client retrying to connect to
    it can be given that very port as its source and connect to itself (TCP simultaneous open);
    the restarted listener then finds the port taken. Ports below the range avoid that.
    """
    low, _ = (int(part) for part in Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split())
    for _ in range(200):
        port = random.randrange(max(1024, low - 12000), low)
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port below the ephemeral range")


def port_open(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def wait_for_port(port: int, process: subprocess.Popen[bytes], log: Path, timeout_s: float = 30) -> None:
    """Return once something accepts on ``port``; fail with ``process``'s log if it exits or is late."""
    deadline = time.monotonic() + timeout_s
    while not port_open("127.0.0.1", port):
        if process.poll() is not None or time.monotonic() > deadline:
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise RuntimeError(f"{log.stem} did not listen on port {port} (see {log}):\n{tail}")
        time.sleep(0.05)
