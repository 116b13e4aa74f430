"""Run a whole community in-process: physics for every home, a Modbus server per device on TCP,
one per serial line for devices on Modbus RTU."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from firmware_sims.clock import ClockMode, SimClock
from firmware_sims.control_http import serve_control
from firmware_sims.device import SimulatedDevice
from firmware_sims.faults import DEFAULT_REFUSE_S, Fault
from firmware_sims.modbus_server import Endpoint, ModbusEndpoint, SerialBus
from firmware_sims.physics.community import CommunityPhysics
from firmware_sims.registry import build_device
from firmware_sims.running import RunningCommunity, RunningDevice, RunningHome
from firmware_sims.scenario import DeviceScenario, Scenario, load
from firmware_sims.serial_line import SerialLine
from powershare_wire.cancellation import cancel_and_wait

__all__ = ["RunningCommunity", "clock_for", "run_community"]


def clock_for(scenario: Scenario) -> SimClock:
    if scenario.clock is ClockMode.REAL:
        return SimClock.real()
    if scenario.clock is ClockMode.STEPPED:
        return SimClock.stepped(scenario.start)
    return SimClock.accelerated(scenario.speed, scenario.start)


def _unique_serial(device: SimulatedDevice, taken: set[str]) -> None:
    serial, bump = device.serial, 0
    while serial in taken:  # a wind and a PV inverter in one home share kind and home id
        bump += 1
        serial = f"{device.serial[:-2]}{bump:02d}"
    if serial != device.serial:
        device.serial = serial
        device.image.set(1, "SN", serial)
    taken.add(serial)


class _Listeners:
    """Puts each device on its TCP port (the scenario's, base_port + n, or a free one) or serial bus."""

    def __init__(self, scenario: Scenario, stack: contextlib.AsyncExitStack) -> None:
        self.host = scenario.host
        self.next_port = scenario.base_port
        self.stack = stack
        self.buses: dict[SerialLine, SerialBus] = {}

    async def attach(self, device: SimulatedDevice, spec: DeviceScenario) -> Endpoint:
        if spec.serial is not None:
            bus = self.buses.get(spec.serial)
            if bus is None:
                bus = self.buses[spec.serial] = SerialBus(spec.serial)
                await bus.start()
                self.stack.push_async_callback(bus.stop)
            unit = bus.add(device)
            self.stack.push_async_callback(unit.stop)
            return unit
        port = spec.port
        if port is None:
            port = self.next_port if self.next_port is not None else 0
            self.next_port = self.next_port + 1 if self.next_port is not None else None
        endpoint = ModbusEndpoint(device, self.host, port)
        await endpoint.start()
        self.stack.push_async_callback(endpoint.stop)
        return endpoint


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
    serials: set[str] = set()
    async with contextlib.AsyncExitStack() as stack:
        listeners = _Listeners(scenario, stack)
        for home_spec, home_physics in zip(scenario.homes, physics.homes, strict=True):
            running = RunningHome(home_spec.id, home_spec.role, home_spec.location, [], home_physics)
            for spec in home_spec.devices:
                device = build_device(
                    spec.kind,
                    home_physics,
                    variant=spec.variant,
                    unit_id=spec.unit_id,
                    seed=scenario.seed,
                    source=spec.source,
                )
                _unique_serial(device, serials)
                endpoint = await listeners.attach(device, spec)
                if Fault.REFUSE_THEN_RECOVER in device.faults:
                    await endpoint.go_offline(refuse_s)
                running.devices.append(RunningDevice(device, endpoint, home_spec.id))
            community.add(running)
        port_for_control = control_port if control_port is not None else scenario.control_port
        if port_for_control is not None:
            community.control_port = await stack.enter_async_context(
                serve_control(community, scenario.host, port_for_control)
            )
        if clock.mode is not ClockMode.STEPPED:
            ticker = asyncio.create_task(_keep_up(physics), name="physics-ticker")
            stack.push_async_callback(cancel_and_wait, [ticker])
        yield community


async def _keep_up(physics: CommunityPhysics) -> None:
    """Advance the physics every real second even if nobody polls, so a read never waits
    for hours of catch-up (an unpolled demo at 60x piles up 3600 steps a minute)."""
    while True:
        await asyncio.sleep(1.0)
        physics.sync()
