"""The command line: flags are validated with messages that name them; a device really serves."""

from __future__ import annotations

import asyncio
import sys

import pytest
from sims_helpers import scan

from firmware_sims import cli


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
    ],
)
def test_bad_flags_name_the_flag(argv: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        cli.main(argv)
    assert exit_info.value.code == 2
    assert message in capsys.readouterr().err


async def test_device_module_serves_on_its_own() -> None:
    """``python -m firmware_sims.meter`` with port 0 prints where it listens; pysunspec2 scans it."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        *["-m", "firmware_sims.meter", "--port", "0", "--unit-id", "240", "--speed", "60"],
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        assert process.stdout is not None
        line = (await asyncio.wait_for(process.stdout.readline(), timeout=20)).decode()
        port = int(line.split("127.0.0.1:")[1].split()[0])
        models = await scan(port, unit_id=240)
        assert 203 in models
        assert models[1]["DA"] == 240
    finally:
        process.terminate()
        await asyncio.wait_for(process.communicate(), timeout=10)
