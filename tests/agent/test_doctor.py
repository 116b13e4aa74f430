"""``powershare-agent doctor`` on the sims: what it finds, and its advice when it finds nothing."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from edge_agent.cli import main
from edge_agent.doctor import doctor
from firmware_sims.clock import SimClock
from firmware_sims.serve import serve_device
from tests.agent import images
from tests.agent.fakes import serve_image
from tests.agent.ptys import null_modem
from tests.agent.test_rtu import BAUD, rtu_bus
from tests.conftest import free_port

NOON = datetime(2026, 6, 21, 11, tzinfo=UTC)
NIGHT = datetime(2026, 6, 21, 23, tzinfo=UTC)


async def test_found(capsys: pytest.CaptureFixture[str]) -> None:
    async with serve_device("inverter", "three_phase+base_50000", clock=SimClock.stepped(NOON)) as sim:
        assert await doctor(f"{sim.host}:{sim.port}", None, 9600, "N", 1.0) == 0
    out = capsys.readouterr().out
    assert "base address 50000" in out
    assert f"serial number {sim.serial}" in out
    assert "model   103" in out
    assert "role: pv" in out
    assert "inverter state   producing (MPPT)" in out


async def test_wrong_unit_id(capsys: pytest.CaptureFixture[str]) -> None:
    async with serve_device("meter", "three_phase", unit_id=240, clock=SimClock.stepped(NOON)) as sim:
        assert await doctor(f"{sim.host}:{sim.port}", 7, 9600, "N", 0.5) == 1
    out = capsys.readouterr().out
    assert "no unit answered (tried unit id(s) 7)" in out
    assert "without --unit-id" in out


async def test_not_sunspec(capsys: pytest.CaptureFixture[str]) -> None:
    async with serve_device("meter", "three_phase+not_sunspec", clock=SimClock.stepped(NOON)) as sim:
        assert await doctor(f"{sim.host}:{sim.port}", 1, 9600, "N", 0.5) == 1
    assert "no SunSpec marker" in capsys.readouterr().out


async def test_asleep(capsys: pytest.CaptureFixture[str]) -> None:
    async with serve_device("inverter", "three_phase+night_timeout", clock=SimClock.stepped(NIGHT)) as sim:
        assert await doctor(f"{sim.host}:{sim.port}", 1, 9600, "N", 0.3) == 1
    assert "asleep" in capsys.readouterr().out


async def test_nothing_listening(capsys: pytest.CaptureFixture[str]) -> None:
    assert await doctor(f"127.0.0.1:{free_port()}", None, 9600, "N", 0.5) == 1
    out = capsys.readouterr().out
    assert "cannot connect" in out
    assert "Modbus TCP is usually 502" in out


async def test_serial_port(capsys: pytest.CaptureFixture[str]) -> None:
    async with null_modem() as (server_path, client_path), rtu_bus(server_path, {240: images.meter()}):
        assert await doctor(client_path, 240, BAUD, "N", 0.5) == 0
    assert "serial number MTR-1" in capsys.readouterr().out


async def test_bad_target() -> None:
    with pytest.raises(SystemExit, match="HOST:PORT"):
        await doctor("no-port-here", None, 9600, "N", 0.5)


def test_cli_doctor_entry_point(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["doctor", f"127.0.0.1:{free_port()}", "--unit-id", "1", "--timeout", "0.2"]) == 1
    assert "PROBLEM" in capsys.readouterr().out


async def test_found_on_fake_image(capsys: pytest.CaptureFixture[str]) -> None:
    port = free_port()
    async with serve_image(images.battery(), port):
        assert await doctor(f"127.0.0.1:{port}", None, 9600, "N", 1.0) == 0
    assert "soc_pct          55 %" in capsys.readouterr().out
