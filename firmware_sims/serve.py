"""Serve a single simulated device in-process (tests, ``powershare-sim device``), on TCP or a serial line."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from firmware_sims.clock import ClockMode, SimClock
from firmware_sims.community import run_community
from firmware_sims.device import DeviceKind
from firmware_sims.faults import DEFAULT_REFUSE_S
from firmware_sims.physics.specs import BatterySpec, HomePhysicsSpec, LoadSpec, PvSpec, WindSpec
from firmware_sims.running import RunningDevice
from firmware_sims.scenario import DEFAULT_LAT, DEFAULT_LON, DeviceScenario, HomeScenario, Scenario
from firmware_sims.serial_line import SerialLine


def default_home(kind: DeviceKind, lat: float, lon: float, *, source: str = "pv") -> HomePhysicsSpec:
    """A plausible home around one device: a battery gets PV to charge from, a meter sees both ways."""
    pv = PvSpec(kwp=6.0) if kind is not DeviceKind.METER or source == "pv" else None
    if kind is DeviceKind.INVERTER and source == "wind":
        return HomePhysicsSpec("sim", lat, lon, LoadSpec(), wind=WindSpec(rated_w=6000.0))
    battery = BatterySpec(10000.0, 5000.0, 5000.0) if kind is DeviceKind.BATTERY else None
    return HomePhysicsSpec("sim", lat, lon, LoadSpec(), pv=pv, battery=battery)


@asynccontextmanager
async def serve_device(
    kind: DeviceKind | str,
    variant: str = "",
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    unit_id: int = 1,
    clock: SimClock | None = None,
    lat: float = DEFAULT_LAT,
    lon: float = DEFAULT_LON,
    seed: int = 0,
    home: HomePhysicsSpec | None = None,
    source: str = "pv",
    step_s: float = 1.0,
    cloud_cover: float = 0.2,
    control_port: int | None = None,
    refuse_s: float = DEFAULT_REFUSE_S,
    serial: SerialLine | None = None,
) -> AsyncIterator[RunningDevice]:
    """Serve one device of ``kind`` (``variant`` like ``"three_phase+common_l65"``) until exit.

    ``port=0`` picks a free port (read it from ``.port``). With ``serial`` the device answers
    Modbus RTU on that serial line instead (``host``/``port`` are then unused). The device lives
    in a home of its own (``home``, or a default one at ``lat``/``lon``); ``.home`` gives its physics.
    """
    kind = DeviceKind(kind)
    physics = home or default_home(kind, lat, lon, source=source)
    role = "hybrid" if physics.battery else ("provider" if physics.pv or physics.wind else "consumer")
    device = DeviceScenario(kind, variant, unit_id, None if serial else port, source, serial)
    scenario = Scenario(
        name=f"single {kind.value}",
        homes=(HomeScenario(physics.home_id, role, physics, (device,)),),
        seed=seed,
        clock=clock.mode if clock else ClockMode.REAL,
        step_s=step_s,
        cloud_cover=cloud_cover,
        host=host,
    )
    async with run_community(
        scenario, clock=clock, control_port=control_port, refuse_s=refuse_s
    ) as community:
        yield community.homes[0].devices[0]
