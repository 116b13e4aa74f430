"""Scenario files, running a community in-process, and the HTTP control surface."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest

from firmware_sims.clock import SimClock
from firmware_sims.community import run_community
from firmware_sims.device import DeviceKind
from firmware_sims.physics.community import CommunityPhysics
from firmware_sims.registry import build_device
from firmware_sims.scenario import ScenarioError, load, parse
from firmware_sims.serial_line import SerialLine
from firmware_sims.serve import serve_device
from tests.sims.sims_helpers import scan

DEMO = Path(__file__).parents[2] / "firmware_sims" / "scenarios" / "demo.toml"


def test_demo_scenario_is_a_mixed_town() -> None:
    scenario = load(DEMO)
    roles = [home.role for home in scenario.homes]
    assert len(scenario.homes) >= 10
    assert {"provider", "consumer", "hybrid"} <= set(roles)
    assert any(home.physics.wind for home in scenario.homes)
    consumers = [home for home in scenario.homes if home.role == "consumer"]
    assert all([d.kind for d in home.devices] == [DeviceKind.METER] for home in consumers)
    lats = [home.location[0] for home in scenario.homes]
    assert max(lats) - min(lats) < 0.05  # one town


MINIMAL = {"community": {"name": "t"}, "home": [{"id": "a", "pv": {"kwp": 5}}]}


def with_change(path: str, value: Any) -> dict[str, Any]:
    data: Any = json.loads(json.dumps(MINIMAL))
    target = data
    keys = path.split(".")
    for key in keys[:-1]:
        target = target[int(key)] if key.isdigit() else target[key]
    target[keys[-1]] = value
    return dict(data)


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        ("home.0.id", "Bad Id", r"home\[0\]\.id: expected lower-case"),
        ("home.0.pv.kwp", "ten", r"home\[0\]\.pv\.kwp: expected a number > 0"),
        ("home.0.pv.variant", "quantum", r"home\[0\]\.pv\.variant: expected a variant"),
        ("home.0.role", "consumer", r"home\[0\]\.role: expected provider or hybrid"),
        ("home.0.lat", 123, r"home\[0\]\.lat: expected a number >= -90 and <= 90"),
        ("home.0.colour", "red", r"home\[0\]\.colour: unknown key"),
        ("community.seed", -1, r"community\.seed: expected an integer"),
        ("community.cloud_cover", 2, r"community\.cloud_cover: expected a number >= 0 and <= 1"),
        ("community.start", "tomorrow", r"community\.start: expected a TOML offset date-time"),
        ("home.0.battery", {"capacity_kwh": 0}, r"home\[0\]\.battery\.capacity_kwh: expected a number > 0"),
        ("home.0.meter", {"unit_id": 300}, r"home\[0\]\.meter\.unit_id: expected an integer 1\.\.247"),
        ("home.0.meter", {"baudrate": 9600}, r"home\[0\]\.meter\.baudrate: expected serial_port"),
        (
            "home.0.meter",
            {"serial_port": "/dev/ttyS0", "port": 5020},
            r"home\[0\]\.meter\.port: expected no TCP port on a device with a serial_port",
        ),
        (
            "home.0.meter",
            {"serial_port": "/dev/ttyS0", "baudrate": 9601},
            r"home\[0\]\.meter\.baudrate: expected one of 1200, 2400",
        ),
        ("home.0.meter", {"serial_port": ""}, r"home\[0\]\.meter\.serial_port: expected a device path"),
        (
            "home.0.meter",
            {"serial_port": "/dev/ttyS0", "parity": "X"},
            r"home\[0\]\.meter\.parity: expected one of N, E, O",
        ),
    ],
)
def test_bad_scenarios_name_the_key(path: str, value: Any, message: str) -> None:
    with pytest.raises((ScenarioError, ValueError), match=message):
        parse_and_build(with_change(path, value))


def parse_and_build(data: dict[str, Any]) -> None:
    """Parse, then build every device (variants are checked when devices are built)."""
    scenario = parse(data, "s.toml")
    physics = CommunityPhysics([h.physics for h in scenario.homes], SimClock.stepped())
    for home, spec in zip(scenario.homes, physics.homes, strict=True):
        for device in home.devices:
            build_device(
                device.kind, spec, variant=device.variant, unit_id=device.unit_id, source=device.source
            )


def test_missing_file_and_bad_toml(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match="no such scenario file"):
        load(tmp_path / "nope.toml")
    broken = tmp_path / "broken.toml"
    broken.write_text("[community\n")
    with pytest.raises(ScenarioError, match="not valid TOML"):
        load(broken)


def test_duplicate_home_ids() -> None:
    data = {"community": {}, "home": [{"id": "a"}, {"id": "a"}]}
    with pytest.raises(ScenarioError, match=r"home\[1\]\.id: expected a unique id"):
        parse(data)


def test_duplicate_ports() -> None:
    data = {"community": {}, "home": [{"id": "a", "pv": {"kwp": 3, "port": 5020}, "meter": {"port": 5020}}]}
    with pytest.raises(ScenarioError, match=r"home\[0\]\.meter\.port: expected a port no other device uses"):
        parse(data)


async def test_port_in_use_names_the_device(clock: SimClock) -> None:
    async with serve_device("meter", clock=clock) as first:
        with pytest.raises(OSError, match=f"cannot listen on 127.0.0.1:{first.port}"):
            async with serve_device("meter", clock=clock, port=first.port):
                pass


async def test_run_demo_community_on_free_ports(clock: SimClock) -> None:
    async with run_community(DEMO, free_ports=True, clock=clock) as community:
        ports = [device.port for device in community.devices]
        assert len(set(ports)) == len(ports)
        assert all(port > 0 for port in ports)
        serials = {device.serial for device in community.devices}
        assert len(serials) == len(ports)
        home = community.home("burgstrasse-12")
        assert home.role == "hybrid"
        assert home.location == pytest.approx((51.3282, 9.1655))
        battery = home.device("battery")
        models = await scan(battery.port)
        assert models[802]["SoC"] == pytest.approx(battery.state.soc_pct, abs=0.05)  # type: ignore[union-attr]
        inverter = home.device("inverter")
        assert inverter.unit_id == 126
        models = await scan(inverter.port, unit_id=126)
        assert 101 in models


async def http(port: int, method: str, path: str, body: dict[str, Any] | None = None) -> tuple[int, Any]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    data = json.dumps(body).encode() if body is not None else b""
    writer.write(
        f"{method} {path} HTTP/1.1\r\nHost: x\r\nContent-Length: {len(data)}\r\n\r\n".encode() + data
    )
    await writer.drain()
    raw = await reader.read()
    writer.close()
    await writer.wait_closed()
    head, _, payload = raw.partition(b"\r\n\r\n")
    return int(head.split()[1]), json.loads(payload)


async def test_http_control_surface(clock: SimClock) -> None:
    async with run_community(DEMO, free_ports=True, clock=clock, control_port=0) as community:
        port = community.control_port
        assert port
        status, homes = await http(port, "GET", "/homes")
        assert status == 200
        assert len(homes) == len(community.homes)
        status, home = await http(port, "GET", "/homes/am-markt-3")
        assert home["state"]["pv_w"] > 0
        pv_before = home["state"]["pv_w"]

        status, home = await http(port, "POST", "/homes/am-markt-3/conditions", {"cloud_cover": 1.0})
        assert status == 200
        clock.advance(5)
        status, home = await http(port, "GET", "/homes/am-markt-3")
        assert home["state"]["pv_w"] < pv_before

        status, home = await http(port, "POST", "/homes/am-graben-17/conditions", {"load_spike_w": 5000})
        clock.advance(5)
        assert community.home("am-graben-17").physics.load_w > 5000

        meter = community.home("am-graben-17").device("meter")
        status, view = await http(port, "POST", f"/devices/{meter.serial}/offline", {"seconds": None})
        assert status == 200
        assert view["online"] is False
        status, view = await http(port, "POST", f"/devices/{meter.serial}/online")
        assert view["online"] is True
        status, view = await http(port, "POST", f"/devices/{meter.serial}/fault", {"fault": "sentinels"})
        assert "sentinels" in view["faults"]

        status, _ = await http(port, "POST", "/clock/advance", {"seconds": 60})
        assert status == 200
        status, error = await http(port, "POST", "/homes/am-markt-3/conditions", {"cloud_cover": 7})
        assert status == 400
        assert "cloud_cover" in error["error"]
        status, error = await http(port, "GET", "/homes/nowhere")
        assert status == 404
        status, error = await http(port, "POST", f"/devices/{meter.serial}/fault", {"fault": "base_0"})
        assert status == 400


def _two_on_one_port(pv: dict[str, Any], meter: dict[str, Any]) -> dict[str, Any]:
    home = {
        "id": "a",
        "pv": {"kwp": 5, "serial_port": "/dev/ttyS1", **pv},
        "meter": {"serial_port": "/dev/ttyS1", **meter},
    }
    return {"community": {"name": "t"}, "home": [home]}


def test_devices_on_one_serial_port_share_a_bus() -> None:
    scenario = parse(_two_on_one_port({"unit_id": 1, "baudrate": 19200}, {"unit_id": 240, "baudrate": 19200}))
    inverter, meter = scenario.homes[0].devices
    assert inverter.serial == meter.serial == SerialLine("/dev/ttyS1", 19200)
    assert (inverter.port, meter.port) == (None, None)
    assert scenario.with_free_ports().homes[0].devices == scenario.homes[0].devices  # no TCP port to free


@pytest.mark.parametrize(
    ("pv", "meter", "message"),
    [
        (
            {"unit_id": 1},
            {"unit_id": 1},
            r"home\[0\]\.meter\.unit_id: expected a unit id no other device on /dev/ttyS1",
        ),
        (
            {"unit_id": 1, "baudrate": 9600},
            {"unit_id": 240, "baudrate": 19200},
            r"home\[0\]\.meter: expected the line settings of the other devices on /dev/ttyS1 \(/dev/ttyS1@9600,8N1\)",
        ),
    ],
)
def test_a_bus_needs_one_line_setting_and_distinct_unit_ids(
    pv: dict[str, Any], meter: dict[str, Any], message: str
) -> None:
    with pytest.raises(ScenarioError, match=message):
        parse(_two_on_one_port(pv, meter), "s.toml")
