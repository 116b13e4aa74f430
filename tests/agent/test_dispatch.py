"""Dispatch: the policy as a table, and the round trip hub → agent → battery registers → ack."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

import aiomqtt
import pytest

from edge_agent.dispatch import decide
from edge_agent.sunspec.codec import PointType, decode
from edge_agent.sunspec.transport import ModbusLink
from powershare_wire import DispatchAck, DispatchCommand, DispatchMode, DispatchOutcome
from powershare_wire.topics import Kind, topic
from tests.agent import images
from tests.agent.fakes import serve_image
from tests.agent.test_app import agent_config, running
from tests.conftest import BrokerAddress, free_port

O = DispatchOutcome


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
    ("within limits", DispatchMode.DISCHARGE, 2000, 50, (O.ACCEPTED, 2000)),
    ("clamped to rating", DispatchMode.DISCHARGE, 9000, 50, (O.CLAMPED, 5000)),
    ("charge clamped", DispatchMode.CHARGE, 6000, 50, (O.CLAMPED, 4000)),
    ("at reserve", DispatchMode.DISCHARGE, 1000, 10, (O.REJECTED, 0)),
    ("full", DispatchMode.CHARGE, 1000, 95, (O.REJECTED, 0)),
    ("idle", DispatchMode.IDLE, 0, 50, (O.ACCEPTED, 0)),
    ("soc unknown", DispatchMode.CHARGE, 1000, None, (O.REJECTED, 0)),
]


@pytest.mark.parametrize(("mode", "power", "soc", "expected"), [d[1:] for d in DECISIONS], ids=[d[0] for d in DECISIONS])
def test_decide(mode: DispatchMode, power: float, soc: float | None, expected: tuple[O, float]) -> None:
    decision = decide(command(mode, power), 4000, 5000, soc, reserve_pct=10, max_soc_pct=95)
    assert (decision.outcome, decision.power_w) == expected
    assert (decision.reason is None) == (decision.outcome is O.ACCEPTED)


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


async def next_ack(client: aiomqtt.Client, within: float = 10) -> DispatchAck:
    async with asyncio.timeout(within):
        async for message in client.messages:
            if str(message.topic).endswith("cmd/dispatch/ack") and isinstance(message.payload, bytes):
                return DispatchAck.model_validate_json(message.payload)
    raise AssertionError("no ack")


async def test_dispatch_round_trip_clamp_and_revert(broker: BrokerAddress, community: str, tmp_path: Path) -> None:
    port = free_port()
    async with serve_image(images.battery(soc=55), port), aiomqtt.Client(broker.host, broker.port) as hub:
        await hub.subscribe(topic(community, "home-1", Kind.DISPATCH_ACK), qos=1)
        config = agent_config(community, broker.url, [port], tmp_path / "spool.db")
        async with running(config):
            # Wait until the agent knows its battery (birth inventory with the serial).
            await hub.subscribe(topic(community, "home-1", Kind.STATUS), qos=1)
            async with asyncio.timeout(10):
                async for message in hub.messages:
                    if str(message.topic).endswith("/status") and b"BAT-1" in bytes(message.payload):  # type: ignore[arg-type]
                        break
            await asyncio.sleep(0.3)  # one poll so SoC is known
            cmd = command(DispatchMode.DISCHARGE, 8000, duration_s=2, id="d-1")
            await hub.publish(topic(community, "home-1", Kind.DISPATCH), cmd.model_dump_json(), qos=1)
            first = await next_ack(hub)
            assert (first.id, first.outcome, first.power_w) == ("d-1", O.CLAMPED, 5000)
            assert first.until is not None
            registers = await read_124(port)
            # Forced discharge: CHARGE bit with a negative charge limit (the Fronius/SMA convention).
            assert registers == {"StorCtl_Mod": 1, "OutWRte": 100, "InWRte": -100, "RvrtTms": 2 + 30}
            done = await next_ack(hub)
            assert (done.id, done.outcome) == ("d-1", O.COMPLETED)
            assert (await read_124(port))["StorCtl_Mod"] == 0

            # A newer command supersedes a running one, which is reverted.
            for cid in ("c-1", "c-2"):
                cmd = command(DispatchMode.CHARGE, 1000, duration_s=30, id=cid)
                await hub.publish(topic(community, "home-1", Kind.DISPATCH), cmd.model_dump_json(), qos=1)
            acks = [await next_ack(hub) for _ in range(3)]
            assert [(a.id, a.outcome) for a in acks] == [("c-1", O.ACCEPTED), ("c-1", O.REVERTED), ("c-2", O.ACCEPTED)]
            registers = await read_124(port)
            assert (registers["StorCtl_Mod"], registers["OutWRte"]) == (2, -20)  # charge 1000 W of 5000 W

            # Rejections: wrong battery, malformed.
            bad = command(DispatchMode.CHARGE, 100, id="x-1", device="NOPE")
            await hub.publish(topic(community, "home-1", Kind.DISPATCH), bad.model_dump_json(), qos=1)
            assert (await next_ack(hub)).outcome is O.REJECTED
            await hub.publish(topic(community, "home-1", Kind.DISPATCH), b'{"id": "x-2", "mode": "boost"}', qos=1)
            rejected = await next_ack(hub)
            assert (rejected.id, rejected.outcome) == ("x-2", O.REJECTED)
        # Stopping the agent hands the battery back.
        assert (await read_124(port))["StorCtl_Mod"] == 0
