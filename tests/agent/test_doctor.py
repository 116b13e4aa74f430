"""``powershare-agent doctor`` on the sims: what it finds, and its advice when it finds nothing."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from edge_agent.cli import main
from edge_agent.doctor import doctor
from edge_agent.inverter_state import state_lines
from edge_agent.sunspec.codec import Raw
from firmware_sims.clock import SimClock
from firmware_sims.serve import serve_device
from tests.agent import images
from tests.agent.fakes import serve_image
from tests.agent.ptys import null_modem
from tests.agent.test_rtu import BAUD, home_on_bus
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
    """Over Modbus RTU too: the simulated bus answers on its meter's and its inverter's unit ids."""
    async with null_modem() as (server_path, client_path), home_on_bus(server_path) as home:
        assert await doctor(client_path, 240, BAUD, "N", 0.5) == 0
        assert await doctor(client_path, None, BAUD, "N", 0.5) == 0  # auto: unit 1 answers first
    out = capsys.readouterr().out
    assert f"serial number {home.homes[0].device('meter').serial}" in out
    assert f"serial number {home.homes[0].device('inverter').serial}" in out
    assert "inverter state   producing (MPPT)" in out


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


@pytest.mark.parametrize(
    ("raw", "lines"),
    [
        ({103: {"St": 4}}, [("inverter state", "producing (MPPT)")]),
        ({101: {"St": 2}}, [("inverter state", "sleeping")]),
        ({102: {"St": 7}}, [("inverter state", "fault")]),
        ({113: {"St": 5}}, [("inverter state", "throttled")]),
        ({111: {"St": 8}}, [("inverter state", "standby")]),
        ({112: {"St": 42}}, [("inverter state", "unknown (42)")]),
        ({113: {"St": None}}, []),  # "not implemented"
        ({203: {"W": 5}}, []),  # a meter has no operating state
        (
            {701: {"St": 1, "InvSt": 3, "ConnSt": 1, "Alrm": 0}},
            [
                ("inverter state", "running"),
                ("DER state", "on, connected to the grid"),
                ("alarms", "none"),
            ],
        ),
        (
            {701: {"St": 0, "InvSt": 1, "ConnSt": 0, "Alrm": 0b1000_0001}},
            [
                ("inverter state", "sleeping"),
                ("DER state", "off, disconnected from the grid"),
                ("alarms", "ground fault, over-temperature"),
            ],
        ),
        (
            {701: {"St": None, "InvSt": 6, "ConnSt": None, "Alrm": 1 << 16 | 1 << 20}},
            [("inverter state", "fault"), ("alarms", "manufacturer alarm, bit 20")],
        ),
        ({701: {"St": None, "InvSt": None, "ConnSt": None, "Alrm": None}}, []),
    ],
)
def test_state_lines(raw: dict[int, dict[str, Raw]], lines: list[tuple[str, str]]) -> None:
    assert state_lines(raw) == lines


@pytest.mark.parametrize(
    ("variant", "model"), [("float", 113), ("float_single_phase", 111), ("single_phase", 101)]
)
async def test_state_of_every_inverter_model(
    variant: str, model: int, capsys: pytest.CaptureFixture[str]
) -> None:
    async with serve_device("inverter", variant, clock=SimClock.stepped(NOON)) as sim:
        assert await doctor(f"{sim.host}:{sim.port}", None, 9600, "N", 1.0) == 0
    out = capsys.readouterr().out
    assert f"model {model:>5}" in out
    assert "inverter state   producing (MPPT)" in out


async def test_der_inverter_state(capsys: pytest.CaptureFixture[str]) -> None:
    clock = SimClock.stepped(NOON)
    async with serve_device("inverter", "der", clock=clock) as sim:
        sim.home.conditions.pv_limit_w = 500.0  # curtailed: the inverter throttles
        clock.advance(5)
        assert await doctor(f"{sim.host}:{sim.port}", None, 9600, "N", 1.0) == 0
    out = capsys.readouterr().out
    assert "model   701" in out
    assert "inverter state   throttled" in out
    assert "DER state        on, connected to the grid" in out
    assert "alarms           none" in out


async def test_der_inverter_asleep_at_night(capsys: pytest.CaptureFixture[str]) -> None:
    async with serve_device("inverter", "der", clock=SimClock.stepped(NIGHT)) as sim:
        assert await doctor(f"{sim.host}:{sim.port}", None, 9600, "N", 1.0) == 0
    out = capsys.readouterr().out
    assert "inverter state   sleeping" in out
    assert "DER state        off, connected to the grid" in out
