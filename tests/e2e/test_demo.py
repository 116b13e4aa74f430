"""`make demo` as a user runs it: starts every part, says what is wrong, stops cleanly on Ctrl-C."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import free_port

pytestmark = pytest.mark.slow

DEMO = [sys.executable, "-m", "powershare_demo"]


def demo_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("POWERSHARE_")}
    return env | extra


@pytest.fixture
def taken_port() -> Iterator[int]:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        yield holder.getsockname()[1]


def test_a_taken_mqtt_port_is_named_with_the_way_out(taken_port: int, tmp_path: Path) -> None:
    result = subprocess.run(
        [*DEMO, "--data-dir", str(tmp_path)],
        env=demo_env(POWERSHARE_MQTT_PORT=str(taken_port), POWERSHARE_HTTP_PORT=str(free_port())),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0
    assert f"MQTT port {taken_port}" in result.stderr
    assert "Mosquitto" in result.stderr  # the usual culprit on a machine that runs a broker
    assert f"POWERSHARE_MQTT_PORT={taken_port + 1}" in result.stderr


def test_a_bad_setting_is_named(tmp_path: Path) -> None:
    result = subprocess.run(
        [*DEMO, "--data-dir", str(tmp_path)],
        env=demo_env(POWERSHARE_HTTP_PORT="eighty"),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0
    assert "POWERSHARE_HTTP_PORT" in result.stderr
    assert "'eighty'" in result.stderr


def test_the_demo_community_publishes_and_stops_cleanly_on_ctrl_c(tmp_path: Path) -> None:
    http_port = free_port()
    process = subprocess.Popen(
        [*DEMO, "--data-dir", str(tmp_path), "--http-port", str(http_port), "--mqtt-port", str(free_port())],
        env=demo_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        # a shell started without job control would make the child ignore SIGINT
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    try:
        deadline = time.monotonic() + 60
        accepted = 0
        while time.monotonic() < deadline and accepted < 100:
            time.sleep(0.5)
            try:
                accepted = httpx.get(f"http://127.0.0.1:{http_port}/api/health").json()["ingest"]["accepted"]
            except httpx.TransportError:
                assert process.poll() is None, process.stdout.read() if process.stdout else ""
        assert accepted >= 100, "the demo's agents did not deliver readings within a minute"
        sites = httpx.post(
            f"http://127.0.0.1:{http_port}/api/auth/login",
            json={"email": "admin@powershare.local", "password": "powershare-demo"},
        ).json()
        listed = httpx.get(
            f"http://127.0.0.1:{http_port}/api/sites", headers={"Authorization": f"Bearer {sites['token']}"}
        ).json()
        assert len(listed) >= 10
        assert {s["kind"] for s in listed} >= {"provider", "consumer", "hybrid"}
    finally:
        process.send_signal(signal.SIGINT)
        output, _ = process.communicate(timeout=30)
    assert process.returncode == 0, output
    assert "PowerShare demo stopped." in output
    assert "Traceback" not in output
