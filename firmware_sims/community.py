"""Run a whole community in-process: physics for every home, one Modbus server per device."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

from firmware_sims.battery import Battery
from firmware_sims.clock import ClockMode, SimClock
from firmware_sims.device import DeviceKind, SimulatedDevice
from firmware_sims.faults import DEFAULT_REFUSE_S, Fault
from firmware_sims.inverter import Inverter
from firmware_sims.meter import Meter
from firmware_sims.modbus_server import ModbusEndpoint
from firmware_sims.physics.community import CommunityPhysics, Home
from firmware_sims.running import RunningDevice, RunningHome
from firmware_sims.scenario import DeviceScenario, Scenario, load


@dataclass(eq=False)
class RunningCommunity:
    """What :func:`run_community` yields."""

    scenario: Scenario
    clock: SimClock
    physics: CommunityPhysics
    homes: list[RunningHome]
    control_port: int | None = None
    _by_serial: dict[str, RunningDevice] = field(default_factory=dict)

    @property
    def devices(self) -> list[RunningDevice]:
        return [device for home in self.homes for device in home.devices]

    def home(self, home_id: str) -> RunningHome:
        for home in self.homes:
            if home.id == home_id:
                return home
        raise KeyError(f"no home {home_id!r}")

    def device(self, serial: str) -> RunningDevice:
        return self._by_serial[serial]


def clock_for(scenario: Scenario) -> SimClock:
    if scenario.clock is ClockMode.REAL:
        return SimClock.real()
    if scenario.clock is ClockMode.STEPPED:
        return SimClock.stepped(scenario.start)
    return SimClock.accelerated(scenario.speed, scenario.start)


def build_device(home: Home, spec: DeviceScenario, seed: int) -> SimulatedDevice:
    if spec.kind is DeviceKind.INVERTER:
        if spec.source == "wind":
            return Inverter(home, variant=spec.variant, unit_id=spec.unit_id, seed=seed, source="wind")
        return Inverter(home, variant=spec.variant, unit_id=spec.unit_id, seed=seed, source="pv")
    if spec.kind is DeviceKind.BATTERY:
        return Battery(home, variant=spec.variant, unit_id=spec.unit_id, seed=seed)
    return Meter(home, variant=spec.variant, unit_id=spec.unit_id, seed=seed)


def _unique_serial(device: SimulatedDevice, taken: set[str]) -> None:
    serial, bump = device.serial, 0
    while serial in taken:  # a wind and a PV inverter in one home share kind and home id
        bump += 1
        serial = f"{device.serial[:-2]}{bump:02d}"
    if serial != device.serial:
        device.serial = serial
        device.image.set(1, "SN", serial)
    taken.add(serial)


@asynccontextmanager
async def run_community(
    scenario: Scenario | str | Path,
    *,
    clock: SimClock | None = None,
    free_ports: bool = False,
    control_port: int | None = None,
    refuse_s: float = DEFAULT_REFUSE_S,
) -> AsyncIterator[RunningCommunity]:
    """Serve every device of ``scenario`` until the block exits.

    ``free_ports=True`` ignores the ports in the file (tests, demos: nothing collides).
    ``control_port`` (0 = any free port) also starts the HTTP control surface; without it
    the scenario's ``control_port`` is used, if any.
    """
    if not isinstance(scenario, Scenario):
        scenario = load(scenario)
    if free_ports:
        scenario = scenario.with_free_ports()
    clock = clock or clock_for(scenario)
    physics = CommunityPhysics(
        [home.physics for home in scenario.homes],
        clock,
        seed=scenario.seed,
        step_s=scenario.step_s,
        cloud_cover=scenario.cloud_cover,
    )
    community = RunningCommunity(scenario, clock, physics, [])
    endpoints: list[ModbusEndpoint] = []
    next_port = scenario.base_port
    async with contextlib.AsyncExitStack() as stack:
        for home_spec, home_physics in zip(scenario.homes, physics.homes, strict=True):
            running = RunningHome(home_spec.id, home_spec.role, home_spec.location, [], home_physics)
            for device_spec in home_spec.devices:
                device = build_device(home_physics, device_spec, scenario.seed)
                _unique_serial(device, set(community._by_serial))
                port = device_spec.port
                if port is None:
                    port = next_port if next_port is not None else 0
                    next_port = next_port + 1 if next_port is not None else None
                endpoint = ModbusEndpoint(device, scenario.host, port)
                await endpoint.start()
                endpoints.append(endpoint)
                stack.push_async_callback(endpoint.stop)
                if Fault.REFUSE_THEN_RECOVER in device.faults:
                    await endpoint.go_offline(refuse_s)
                handle = RunningDevice(device, endpoint, home_spec.id)
                running.devices.append(handle)
                community._by_serial[device.serial] = handle
            community.homes.append(running)
        port_for_control = control_port if control_port is not None else scenario.control_port
        if port_for_control is not None:
            from firmware_sims.control_http import serve_control

            community.control_port = await stack.enter_async_context(
                serve_control(community, scenario.host, port_for_control)
            )
        if clock.mode is not ClockMode.STEPPED:
            ticker = asyncio.create_task(_keep_up(physics), name="physics-ticker")
            stack.push_async_callback(_cancel, ticker)
        yield community


async def _keep_up(physics: CommunityPhysics) -> None:
    """Advance the physics every real second even if nobody polls, so a read never waits
    for hours of catch-up (an unpolled demo at 60x piles up 3600 steps a minute)."""
    while True:
        await asyncio.sleep(1.0)
        physics.sync()


async def _cancel(task: asyncio.Task[None]) -> None:
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
