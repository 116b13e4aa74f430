"""The command line: flags are validated with messages that name them; a device really serves."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path

import pytest

import firmware_sims
from firmware_sims import cli
from tests.agent.ptys import null_modem
from tests.sims.sims_helpers import scan, scan_rtu, sim_command

DEMO_SCENARIO = Path(firmware_sims.__file__).parent / "scenarios" / "demo.toml"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["device", "--kind", "toaster"], "argument --kind: invalid choice"),
        (["device", "--kind", "meter", "--port", "99999"], "argument --port: expected a port 0..65535"),
        (["device", "--kind", "meter", "--unit-id", "0"], "argument --unit-id: expected a unit id 1..247"),
        (["device", "--kind", "meter", "--lat", "95"], "argument --lat: expected a latitude"),
        (["device", "--kind", "meter", "--speed", "fast"], "argument --speed: expected a speed factor"),
        (["device", "--kind", "meter", "--start", "noon"], "argument --start: expected an ISO time"),
        (
            ["device", "--kind", "meter", "--variant", "der"],
            "argument --variant: unknown meter variant 'der'",
        ),
        (["device", "--kind", "meter", "--source", "wind"], "argument --source: only inverters"),
        (["community", "--scenario", "/nonexistent.toml"], "argument --scenario: /nonexistent.toml: no such"),
        (
            ["device", "--kind", "meter", "--serial-port", "/dev/ttyUSB0", "--port", "5021"],
            "argument --port: a device on --serial-port has no TCP port",
        ),
        (
            ["meter", "--serial-port", "/dev/ttyUSB0", "--baudrate", "1234"],
            "argument --baudrate: invalid choice",
        ),
        (["battery", "--variant", "float"], "argument --variant: unknown battery variant 'float'"),
    ],
)
def test_bad_flags_name_the_flag(argv: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        cli.main(argv)
    assert exit_info.value.code == 2
    assert message in capsys.readouterr().err


async def test_one_kind_serves_on_its_own() -> None:
    """``python -m firmware_sims meter`` with port 0 prints where it listens; pysunspec2 scans it."""
    async with sim_command("meter", "--port", "0", "--unit-id", "240", "--speed", "60") as printed:
        line = (await asyncio.wait_for(printed.readline(), timeout=20)).decode()
        port = int(line.split("127.0.0.1:")[1].split()[0])
        models = await scan(port, unit_id=240)
        assert 203 in models
        assert models[1]["DA"] == 240


async def test_a_device_answers_modbus_rtu_on_a_serial_port() -> None:
    """``--serial-port``: the device prints its line and answers RTU there (pysunspec2 scans it)."""
    async with (
        null_modem() as (server_path, client_path),
        sim_command(
            *["inverter", "--variant", "der", "--unit-id", "3"],
            *["--serial-port", server_path, "--baudrate", "19200"],
        ) as printed,
    ):
        line = (await asyncio.wait_for(printed.readline(), timeout=60)).decode()
        assert f"{server_path}@19200,8N1" in line
        assert "unit 3" in line
        models = await scan_rtu(client_path, 19200, unit_id=3)
        assert {1, 701, 702} <= set(models)
        assert models[1]["DA"] == 3


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/dev/no-such-adapter", "serial port /dev/no-such-adapter: cannot open it as a serial line"),
        ("/dev/null", "serial port /dev/null: cannot open it as a serial line"),
    ],
)
def test_an_unusable_serial_port_is_named(
    path: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["meter", "--serial-port", path])
    assert exit_info.value.code == 1
    assert message in capsys.readouterr().err


@pytest.mark.parametrize("kind", ["inverter", "battery", "meter"])
def test_device_module_points_to_the_command(kind: str) -> None:
    """The device modules do not import the command line; run as scripts they say what to type."""
    done = subprocess.run(
        [sys.executable, "-m", f"firmware_sims.{kind}", "--port", "0"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    assert f"python -m firmware_sims {kind} --port" in done.stderr


async def test_community_command_serves_every_home_of_the_scenario() -> None:
    """``powershare-sim community`` lists each device's endpoint; each one answers SunSpec."""
    async with sim_command(
        "community", "--scenario", "firmware_sims/scenarios/demo.toml", "--free-ports"
    ) as printed:
        header = (await asyncio.wait_for(printed.readline(), timeout=30)).decode()
        assert "12 homes" in header
        devices = []
        for _ in range(25):
            fields = (await asyncio.wait_for(printed.readline(), timeout=10)).decode().split()
            home, kind, endpoint, unit = fields[0], fields[1], fields[3], int(fields[5])
            devices.append((home, kind, int(endpoint.rsplit(":", 1)[1]), unit))
        assert len({home for home, *_ in devices}) == 12
        assert {kind for _, kind, *_ in devices} == {"inverter", "battery", "meter"}
        # one home's meter, scanned as a SunSpec client would
        _, _, port, unit = next(d for d in devices if d[0] == "am-markt-3" and d[1] == "meter")
        models = await scan(port, unit_id=unit)
        assert 203 in models
