"""The hub's command link on a real broker: it waits for a broker that is not there yet, sends,
and hands over only acks that are well formed and come from the site they name."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import UTC, datetime

import pytest

from hub.broker import embedded_broker
from hub.mqtt.commands import CommandLink, CommandNotSent, SiteAck
from hub.mqtt.target import BrokerTarget
from powershare_wire import DispatchAck, DispatchCommand, DispatchMode, DispatchOutcome
from powershare_wire.topics import Kind, topic
from tests.agent.mqtt_client import mqtt_client
from tests.conftest import free_port

NOW = datetime(2026, 6, 21, 17, 0, tzinfo=UTC)


def command(site: str = "home-1") -> DispatchCommand:
    return DispatchCommand(
        id="i1782061200-ab",
        site=site,
        mode=DispatchMode.DISCHARGE,
        power_w=4000,
        duration_s=900,
        issued_at=NOW,
    )


async def next_ack(link: CommandLink) -> SiteAck:
    async with asyncio.timeout(10):
        async for heard in link.acks():
            return heard
    raise AssertionError("no ack")


async def test_the_link_reconnects_sends_and_hears_only_sound_acks(community: str) -> None:
    port = free_port()
    link = CommandLink(BrokerTarget("127.0.0.1", port), "hub-test", community)
    runner = asyncio.create_task(link.run())
    try:
        with pytest.raises(CommandNotSent):
            await link.send(community, command(), within_s=0.3)  # no broker yet
        async with embedded_broker("127.0.0.1", port), mqtt_client("127.0.0.1", port) as agent:
            await asyncio.wait_for(link.connected.wait(), 15)  # the link kept retrying
            await agent.subscribe(topic(community, "home-1", Kind.DISPATCH), qos=1)
            await link.send(community, command(), within_s=5)
            async with asyncio.timeout(10):
                async for message in agent.messages:
                    assert isinstance(message.payload, bytes)
                    assert DispatchCommand.model_validate_json(message.payload) == command()
                    assert not message.retain
                    break

            ack_topic = topic(community, "home-1", Kind.DISPATCH_ACK)
            forged = DispatchAck(
                id="i1-ab", site="home-2", outcome=DispatchOutcome.REJECTED, power_w=0, ts=NOW
            )
            sound = DispatchAck(
                id="i1-ab", site="home-1", outcome=DispatchOutcome.ACCEPTED, power_w=4000, ts=NOW
            )
            await agent.publish(ack_topic, b"{not json", qos=1)
            await agent.publish(ack_topic, forged.model_dump_json(), qos=1)  # the topic's site must agree
            await agent.publish(topic(community, "home-1", Kind.STATUS), b"{}", qos=1)  # not an ack
            await agent.publish(ack_topic, sound.model_dump_json(), qos=1)
            heard = await next_ack(link)
            assert (heard.community, heard.site, heard.ack) == (community, "home-1", sound)
    finally:
        runner.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await runner
    assert link.reconnects >= 1
