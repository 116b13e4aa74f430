"""Modbus RTU: the simulated devices on one (pseudo-terminal) RS-485 bus, read by the agent.

The same seeded home is served twice at the same simulated instant, once over Modbus TCP and
once on a serial line; the agent, configured from TOML as a user writes it, must read the same.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest

from edge_agent.app import make_slots
from edge_agent.config import AgentConfig
from edge_agent.devices import Battery, Meter, PvInverter
from edge_agent.sunspec.device import Sample
from edge_agent.sunspec.discovery import DiscoveryError, Layout, discover
from edge_agent.sunspec.transport import ModbusLink
from firmware_sims.clock import ClockMode, SimClock
from firmware_sims.community import run_community
from firmware_sims.control_api import ControlApi
from firmware_sims.device import DeviceKind
from firmware_sims.physics.specs import BatterySpec, HomePhysicsSpec, LoadSpec, PvSpec
from firmware_sims.running import RunningCommunity
from firmware_sims.scenario import DEFAULT_LAT, DEFAULT_LON, DeviceScenario, HomeScenario, Scenario
from firmware_sims.serial_line import SerialLine
from tests.agent.ptys import null_modem
from tests.helpers import eventually
from tests.sims.sims_helpers import scan_rtu

BAUD = 38400
NOON = datetime(2026, 6, 21, 11, tzinfo=UTC)
# One bus, three units, as a hybrid inverter, its battery and a grid meter are often wired.
UNITS = {DeviceKind.INVERTER: 1, DeviceKind.BATTERY: 2, DeviceKind.METER: 240}


def hybrid_home(serial: SerialLine | None, variants: dict[DeviceKind, str] | None = None) -> Scenario:
    physics = HomePhysicsSpec(
        "rtu-home",
        DEFAULT_LAT,
        DEFAULT_LON,
        LoadSpec(),
        pv=PvSpec(kwp=6.0),
        battery=BatterySpec(10_000.0, 5_000.0, 5_000.0),
    )
    chosen = variants or {}
    devices = tuple(
        DeviceScenario(kind, chosen.get(kind, ""), unit, serial=serial) for kind, unit in UNITS.items()
    )
    return Scenario(
        "rtu", (HomeScenario("rtu-home", "hybrid", physics, devices),), seed=3, clock=ClockMode.STEPPED
    )


@asynccontextmanager
async def home_on_bus(
    path: str, variants: dict[DeviceKind, str] | None = None
) -> AsyncIterator[RunningCommunity]:
    """The hybrid home's three devices answering Modbus RTU on ``path``, at noon (stepped clock)."""
    line = SerialLine(path, BAUD)
    async with run_community(hybrid_home(line, variants), clock=SimClock.stepped(NOON)) as community:
        yield community


def agent_config(tmp_path: Path, devices: str) -> AgentConfig:
    file = tmp_path / "agent.toml"
    file.write_text(
        f'community = "c"\nsite = "s"\n\n[mqtt]\nurl = "mqtt://127.0.0.1"\n\n'
        f'[spool]\npath = "{tmp_path / "spool.sqlite3"}"\n\n{devices}',
        encoding="utf-8",
    )
    return AgentConfig.load(file)


async def read_all(config: AgentConfig) -> list[Sample]:
    """One sample from each configured device, through the agent's slots (discovery included)."""
    slots = make_slots(config)
    samples: list[Sample] = []
    try:
        for slot in slots:
            sample = await eventually(slot.poll, lambda s: s is not None, within=15, what=slot.label)
            assert sample is not None
            samples.append(sample)
        for slot, role in zip(slots, (PvInverter, Battery, Meter), strict=True):
            assert isinstance(slot.device, role), slot.label
    finally:
        for slot in slots:
            await slot.close()
    return samples


async def test_agent_reads_the_same_over_rtu_as_over_tcp(tmp_path: Path) -> None:
    async with run_community(hybrid_home(None), clock=SimClock.stepped(NOON)) as tcp_home:
        tcp_devices = "".join(
            f'[[devices]]\nhost = "{d.host}"\nport = {d.port}\nunit_id = {d.unit_id}\n\n'
            for d in tcp_home.devices
        )
        over_tcp = await read_all(agent_config(tmp_path, tcp_devices))
        physics = {d.kind: d.state.w for d in tcp_home.devices}
    async with null_modem() as (server_path, client_path), home_on_bus(server_path) as rtu_home:
        # Written as in the agent's README: units on one port share the bus.
        rtu_devices = "".join(
            f'[[devices]]\nserial_port = "{client_path}"\nbaudrate = {BAUD}\nunit_id = {unit}\n\n'
            for unit in UNITS.values()
        )
        config = agent_config(tmp_path, rtu_devices)
        assert {d.link_key for d in config.devices} == {f"rtu:{client_path}"}
        over_rtu = await read_all(config)
        assert {d.serial for d in rtu_home.devices} == {d.serial for d in tcp_home.devices}
    for tcp, rtu in zip(over_tcp, over_rtu, strict=True):
        assert rtu.problems == tcp.problems == []
        assert rtu.values == tcp.values
        assert rtu.raw == tcp.raw
    inverter, battery, meter = over_rtu
    assert inverter.value("w") == round(physics[DeviceKind.INVERTER]) > 0  # noon: producing
    assert meter.value("w") == round(physics[DeviceKind.METER])
    assert battery.value("soc_pct") is not None


async def test_discover_over_rtu() -> None:
    async with null_modem() as (server_path, client_path), home_on_bus(server_path) as home:
        link = ModbusLink.rtu(client_path, BAUD, timeout_s=0.5)
        try:
            layout = await discover(link, [240])
        finally:
            await link.close()
    assert layout.identity.serial == home.homes[0].device("meter").serial
    assert layout.model_ids == [1, 203]


async def test_a_unit_nobody_has_stays_silent_on_the_bus() -> None:
    """On RS-485 only the addressed device answers: a probe for another unit times out."""
    async with null_modem() as (server_path, client_path), home_on_bus(server_path):
        link = ModbusLink.rtu(client_path, BAUD, timeout_s=0.3)
        try:
            layout = await discover(link, [7, 2])  # auto-probing moves on to the next unit id
        finally:
            await link.close()
    assert layout.unit_id == 2
    assert 802 in layout.model_ids


async def test_a_unit_taken_offline_falls_silent_and_comes_back() -> None:
    """Through the control surface, as a test of the agent's recovery would do it."""
    async with null_modem() as (server_path, client_path), home_on_bus(server_path) as home:
        api = ControlApi(home)
        meter = home.homes[0].device("meter")
        view = await api.handle("POST", f"/devices/{meter.serial}/offline", {"seconds": None})
        assert (view["online"], view["serial_port"], view["baudrate"]) == (False, server_path, BAUD)
        link = ModbusLink.rtu(client_path, BAUD, timeout_s=0.3)
        try:
            assert (await discover(link, [240, 1])).unit_id == 1  # the meter said nothing
            await api.handle("POST", f"/devices/{meter.serial}/online", {})
            assert (await discover(link, [240, 1])).unit_id == 240
        finally:
            await link.close()


async def _discovered(link: ModbusLink, unit_id: int) -> Layout | None:
    try:
        return await discover(link, [unit_id])
    except DiscoveryError:
        return None


async def test_refuse_then_recover_on_a_bus() -> None:
    async with (
        null_modem() as (server_path, client_path),
        run_community(
            hybrid_home(SerialLine(server_path, BAUD), {DeviceKind.METER: "refuse_then_recover"}),
            clock=SimClock.stepped(NOON),
            refuse_s=1.0,
        ) as home,
    ):
        meter = home.homes[0].device("meter")
        assert not meter.online
        link = ModbusLink.rtu(client_path, BAUD, timeout_s=0.3)
        try:
            with pytest.raises(DiscoveryError):
                await discover(link, [240])
            layout = await eventually(
                lambda: _discovered(link, 240), lambda found: found is not None, within=10, what="the meter"
            )
        finally:
            await link.close()
    assert layout is not None
    assert layout.identity.serial == meter.serial


async def test_pysunspec2_scans_the_sims_over_rtu() -> None:
    """The reference SunSpec client finds each simulated device on the bus and decodes it."""
    async with null_modem() as (server_path, client_path), home_on_bus(server_path) as home:
        for kind, unit in UNITS.items():
            models = await scan_rtu(client_path, BAUD, unit)
            simulated = home.homes[0].device(kind)
            assert models[1]["SN"] == simulated.serial
            assert models[1]["DA"] == unit
            if kind is DeviceKind.INVERTER:
                assert models[103]["W"] == round(simulated.state.w)
            if kind is DeviceKind.METER:
                assert models[203]["W"] == round(simulated.state.w)
