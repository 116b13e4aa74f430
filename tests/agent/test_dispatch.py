"""Dispatch: the policy as a table, and the round trip hub → agent → battery registers → ack."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest

from edge_agent.config import TcpDevice
from edge_agent.device_slot import DeviceSlot
from edge_agent.dispatch import Dispatcher, decide
from edge_agent.sunspec.codec import PointType, decode
from edge_agent.sunspec.transport import ModbusLink
from powershare_wire import DispatchAck, DispatchCommand, DispatchMode, DispatchOutcome
from powershare_wire.clock import WALL_CLOCK, Clock
from powershare_wire.topics import Kind, topic
from tests.agent import images
from tests.agent.fakes import MemoryLink, serve_image
from tests.agent.mqtt_client import mqtt_client
from tests.agent.test_app import agent_config, running
from tests.conftest import BrokerAddress, free_port
from tests.helpers import eventually, next_message

Out = DispatchOutcome
STORCTL = 40134 + 5  # model 124 StorCtl_Mod in the test battery image


def command(mode: DispatchMode, power_w: float, duration_s: int = 60, **extra: object) -> DispatchCommand:
    data: dict[str, object] = {
        "id": "c1",
        "site": "home-1",
        "mode": mode,
        "power_w": power_w,
        "duration_s": duration_s,
        "issued_at": datetime.now(UTC),
    }
    data.update(extra)
    return DispatchCommand.model_validate(data)


DECISIONS = [
    ("within limits", DispatchMode.DISCHARGE, 2000, 50, (Out.ACCEPTED, 2000)),
    ("clamped to rating", DispatchMode.DISCHARGE, 9000, 50, (Out.CLAMPED, 5000)),
    ("charge clamped", DispatchMode.CHARGE, 6000, 50, (Out.CLAMPED, 4000)),
    ("at reserve", DispatchMode.DISCHARGE, 1000, 10, (Out.REJECTED, 0)),
    ("full", DispatchMode.CHARGE, 1000, 95, (Out.REJECTED, 0)),
    ("idle", DispatchMode.IDLE, 0, 50, (Out.ACCEPTED, 0)),
    ("soc unknown", DispatchMode.CHARGE, 1000, None, (Out.REJECTED, 0)),
]


@pytest.mark.parametrize(
    ("mode", "power", "soc", "expected"), [d[1:] for d in DECISIONS], ids=[d[0] for d in DECISIONS]
)
def test_decide(mode: DispatchMode, power: float, soc: float | None, expected: tuple[Out, float]) -> None:
    decision = decide(command(mode, power), 4000, 5000, soc, reserve_pct=10, max_soc_pct=95)
    assert (decision.outcome, decision.power_w) == expected
    assert (decision.reason is None) == (decision.outcome is Out.ACCEPTED)


async def read_124(port: int) -> dict[str, int | float | str | None]:
    link = ModbusLink.tcp("127.0.0.1", port)
    try:
        block = await link.read(1, 40134, 26)
    finally:
        await link.close()
    return {
        "StorCtl_Mod": block[5],
        "OutWRte": decode(PointType.INT16, block[12:13]),
        "InWRte": decode(PointType.INT16, block[13:14]),
        "RvrtTms": block[15],
    }


async def test_dispatch_round_trip_clamp_and_revert(
    broker: BrokerAddress, community: str, tmp_path: Path
) -> None:
    port = free_port()
    async with serve_image(images.battery(soc=55), port), mqtt_client(broker.host, broker.port) as hub:
        await hub.subscribe(topic(community, "home-1", Kind.DISPATCH_ACK), qos=1)
        config = agent_config(community, broker.url, [port], tmp_path / "spool.db")
        async with running(config):
            # Wait until the agent knows its battery (birth inventory with the serial).
            await hub.subscribe(topic(community, "home-1", Kind.STATUS), qos=1)
            async with asyncio.timeout(10):
                async for message in hub.messages:
                    payload = message.payload
                    if (
                        str(message.topic).endswith("/status")
                        and isinstance(payload, bytes)
                        and b"BAT-1" in payload
                    ):
                        break
            await asyncio.sleep(0.3)  # one poll so SoC is known
            cmd = command(DispatchMode.DISCHARGE, 8000, duration_s=2, id="d-1")
            await hub.publish(topic(community, "home-1", Kind.DISPATCH), cmd.model_dump_json(), qos=1)
            first = await next_message(hub, Kind.DISPATCH_ACK, DispatchAck)
            assert (first.id, first.outcome, first.power_w) == ("d-1", Out.CLAMPED, 5000)
            assert first.until is not None
            registers = await read_124(port)
            # Forced discharge: CHARGE bit with a negative charge limit (the Fronius/SMA convention).
            assert registers == {"StorCtl_Mod": 1, "OutWRte": 100, "InWRte": -100, "RvrtTms": 2 + 30}
            done = await next_message(hub, Kind.DISPATCH_ACK, DispatchAck)
            assert (done.id, done.outcome) == ("d-1", Out.COMPLETED)
            assert (await read_124(port))["StorCtl_Mod"] == 0

            # A newer command supersedes a running one, which is reverted.
            for cid in ("c-1", "c-2"):
                cmd = command(DispatchMode.CHARGE, 1000, duration_s=30, id=cid)
                await hub.publish(topic(community, "home-1", Kind.DISPATCH), cmd.model_dump_json(), qos=1)
            acks = [await next_message(hub, Kind.DISPATCH_ACK, DispatchAck) for _ in range(3)]
            assert [(a.id, a.outcome) for a in acks] == [
                ("c-1", Out.ACCEPTED),
                ("c-1", Out.REVERTED),
                ("c-2", Out.ACCEPTED),
            ]
            registers = await read_124(port)
            assert (registers["StorCtl_Mod"], registers["OutWRte"]) == (2, -20)  # charge 1000 W of 5000 W

            # Rejections: wrong battery, malformed.
            bad = command(DispatchMode.CHARGE, 100, id="x-1", device="NOPE")
            await hub.publish(topic(community, "home-1", Kind.DISPATCH), bad.model_dump_json(), qos=1)
            assert (await next_message(hub, Kind.DISPATCH_ACK, DispatchAck)).outcome is Out.REJECTED
            await hub.publish(
                topic(community, "home-1", Kind.DISPATCH), b'{"id": "x-2", "mode": "boost"}', qos=1
            )
            rejected = await next_message(hub, Kind.DISPATCH_ACK, DispatchAck)
            assert (rejected.id, rejected.outcome) == ("x-2", Out.REJECTED)
        # Stopping the agent hands the battery back.
        assert (await read_124(port))["StorCtl_Mod"] == 0


@asynccontextmanager
async def dispatcher_for_battery(
    soc: int = 55, clock: Clock = WALL_CLOCK
) -> AsyncIterator[tuple[Dispatcher, MemoryLink, list[DispatchAck]]]:
    """A running dispatcher for one battery in memory at ``soc`` %: (dispatcher, its link, its acks)."""
    link = MemoryLink.single(images.battery(soc=soc))
    slot = DeviceSlot(TcpDevice(host="battery", unit_id=1), link)
    await eventually(slot.poll, lambda s: s is not None, within=5, what="battery read")
    config = agent_config("c", "mqtt://127.0.0.1", [1], Path("unused.db"))
    acks: list[DispatchAck] = []
    dispatcher = Dispatcher(config, [slot], acks.append, clock)
    runner = asyncio.create_task(dispatcher.run())
    await asyncio.sleep(0)
    try:
        yield dispatcher, link, acks
    finally:
        runner.cancel()
        with pytest.raises(asyncio.CancelledError):
            await runner


async def test_discharge_stops_at_the_reserve() -> None:
    async with dispatcher_for_battery(soc=40) as (dispatcher, link, acks):
        await dispatcher.handle(command(DispatchMode.DISCHARGE, 2000, id="r-1").model_dump_json().encode())
        assert acks[-1].outcome is Out.ACCEPTED
        assert link.units[1][STORCTL] == 1
        # The battery drains to the reserve (10 %): the agent hands it back before it goes lower.
        for soc_register in (40070 + 11, 40134 + 8):
            link.units[1][soc_register] = 10
        await dispatcher.slots[0].poll()

        async def last() -> DispatchAck:
            return acks[-1]

        ack = await eventually(last, lambda a: a.outcome is Out.REVERTED, within=5, what="reverted ack")
        assert ack.reason is not None
        assert "reserve" in ack.reason
        assert link.units[1][STORCTL] == 0


async def test_stale_and_foreign_commands_are_rejected() -> None:
    async with dispatcher_for_battery() as (dispatcher, _, acks):
        old = command(
            DispatchMode.CHARGE, 500, duration_s=60, id="old", issued_at=datetime(2020, 1, 1, tzinfo=UTC)
        )
        await dispatcher.handle(old.model_dump_json().encode())
        other = command(DispatchMode.CHARGE, 500, id="other", site="elsewhere")
        await dispatcher.handle(other.model_dump_json().encode())
        await dispatcher.handle(b"not json")
    assert [(a.id, a.outcome) for a in acks] == [("old", Out.REJECTED), ("other", Out.REJECTED)]
    assert acks[0].reason == "command expired before it arrived"
