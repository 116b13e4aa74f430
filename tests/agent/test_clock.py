"""The agent lives in its clock: readings, statuses and dispatch in clock time (the demo's 60×)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from edge_agent.app import Agent, make_slots, run_agent
from edge_agent.config import TcpDevice
from edge_agent.device_slot import DeviceSlot
from edge_agent.dispatch import HEARTBEAT_S, revert_timer_s
from edge_agent.spool import Spool
from firmware_sims.clock import SimClock
from powershare_wire import DispatchAck, DispatchMode, Telemetry
from powershare_wire.clock import RECHECK_S, WALL_CLOCK, Clock, sleep_until
from powershare_wire.topics import Kind, topic
from tests.agent import images
from tests.agent.fakes import MemoryLink
from tests.agent.mqtt_client import mqtt_client
from tests.agent.test_app import agent_config, three_devices
from tests.agent.test_dispatch import STORCTL, command, dispatcher_for_battery
from tests.conftest import BrokerAddress
from tests.helpers import eventually

MIDSUMMER = datetime(2026, 6, 21, 4, tzinfo=UTC)  # the demo scenario's start, far from the wall clock


def test_sim_clocks_are_clocks() -> None:
    clocks: list[Clock] = [SimClock.real(), SimClock.accelerated(60, MIDSUMMER), SimClock.stepped(MIDSUMMER)]
    assert [c.speed for c in clocks] == [1.0, 60.0, 1.0]
    # A stepped clock has no speed of its own: giving it one is a mistake, not a setting.
    with pytest.raises(ValueError, match="stepped"):
        SimClock("stepped", speed=60)


async def test_sleep_until_a_stepped_clock_wakes_after_advance() -> None:
    clock = SimClock.stepped(MIDSUMMER)
    sleeper = asyncio.create_task(sleep_until(clock, MIDSUMMER + timedelta(minutes=15)))
    await asyncio.sleep(2 * RECHECK_S)
    assert not sleeper.done()  # the clock stands still: so does the sleeper
    clock.advance(15 * 60)
    async with asyncio.timeout(4 * RECHECK_S):
        await sleeper


REVERT_TIMERS = [
    # (remaining clock s, margin wall s, speed) → device s
    ("wall clock, short command", 20.0, 30, 1.0, 20 + 30),
    ("wall clock, long command", 900.0, 30, 1.0, HEARTBEAT_S + 30),
    ("demo 60x: one wall heartbeat", 900.0, 30, 60.0, 900 + 1800),
    ("demo 60x: long command", 7200.0, 30, 60.0, HEARTBEAT_S * 60 + 1800),
    ("already over", -5.0, 0, 60.0, 1),
]


@pytest.mark.parametrize(
    ("remaining", "margin", "speed", "expected"),
    [r[1:] for r in REVERT_TIMERS],
    ids=[r[0] for r in REVERT_TIMERS],
)
def test_revert_timer_in_device_seconds(remaining: float, margin: int, speed: float, expected: int) -> None:
    assert revert_timer_s(remaining, margin, speed) == expected


async def test_readings_and_status_are_stamped_with_a_stepped_clock(tmp_path: Path) -> None:
    clock = SimClock.stepped(MIDSUMMER)
    config = agent_config("c", "mqtt://127.0.0.1", [1], tmp_path / "spool.db")
    slot = DeviceSlot(TcpDevice(host="meter", unit_id=1), MemoryLink.single(images.meter()))
    async with Spool(config.spool.path, config.spool_capacity) as spool:
        agent = Agent(config, spool, [slot], clock)
        first = await agent.poll_once()
        clock.advance(15 * 60)
        second = await agent.poll_once()
        assert agent.status(True).ts == MIDSUMMER + timedelta(minutes=15)
    assert {r.ts for r in first} == {MIDSUMMER}
    assert {r.ts for r in second} == {MIDSUMMER + timedelta(minutes=15)}
    assert {r.device for r in second} == {"MTR-1", "site"}


async def test_the_default_is_the_wall_clock(tmp_path: Path) -> None:
    config = agent_config("c", "mqtt://127.0.0.1", [1], tmp_path / "spool.db")
    async with Spool(config.spool.path, config.spool_capacity) as spool:
        agent = Agent(config, spool, make_slots(config))
        assert agent.clock is WALL_CLOCK
        assert agent.dispatcher.clock is WALL_CLOCK


async def test_published_readings_run_at_the_accelerated_clock(
    broker: BrokerAddress, community: str, tmp_path: Path
) -> None:
    clock = SimClock.accelerated(60, MIDSUMMER)
    async with three_devices() as ports, mqtt_client(broker.host, broker.port) as watcher:
        await watcher.subscribe(topic(community, "home-1", Kind.TELEMETRY), qos=1)
        config = agent_config(community, broker.url, ports, tmp_path / "spool.db")
        task = asyncio.create_task(run_agent(config, clock))
        stamps: list[datetime] = []
        try:
            async with asyncio.timeout(15):
                async for message in watcher.messages:
                    assert isinstance(message.payload, bytes)
                    stamps += [r.ts for r in Telemetry.model_validate_json(message.payload).readings]
                    if stamps and max(stamps) - min(stamps) >= timedelta(seconds=30):
                        break
        finally:
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
    # Demo time, not wall time: the first readings sit just after the clock's start...
    assert MIDSUMMER <= min(stamps) < MIDSUMMER + timedelta(minutes=10)
    # ... and 0.2 s polls are 12 s apart in clock time.
    gaps = sorted({b - a for a, b in zip(sorted(set(stamps)), sorted(set(stamps))[1:], strict=False)})
    assert gaps[0] >= timedelta(seconds=6)


async def test_dispatch_validity_and_end_follow_the_clock() -> None:
    clock = SimClock.stepped(MIDSUMMER)
    async with dispatcher_for_battery(clock=clock) as (dispatcher, link, acks):
        # Issued in clock time, years from the wall clock: valid for the agent on that clock.
        cmd = command(DispatchMode.CHARGE, 1000, duration_s=900, id="k-1", issued_at=MIDSUMMER)
        await dispatcher.handle(cmd.model_dump_json().encode())
        assert [(a.id, a.outcome.value, a.until, a.ts) for a in acks] == [
            ("k-1", "accepted", MIDSUMMER + timedelta(minutes=15), MIDSUMMER)
        ]
        assert link.units[1][STORCTL] == 2
        await asyncio.sleep(0.2)
        assert len(acks) == 1  # the clock stands still: the command runs on
        clock.advance(15 * 60)

        async def last() -> DispatchAck:
            return acks[-1]

        done = await eventually(last, lambda a: a.outcome.value == "completed", within=5, what="end")
        assert done.ts == MIDSUMMER + timedelta(minutes=15)
        assert link.units[1][STORCTL] == 0
