"""Delivery start through the hub: trades start delivering at their interval, a battery sold from
is dispatched over a real broker, and the agent's answer (or its silence) lands on the trades."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import aiomqtt
import httpx
import pytest
import websockets
from sqlalchemy import select

from firmware_sims.clock import SimClock
from hub.db.models import Notification, Site, User
from powershare_wire import DispatchAck, DispatchCommand, DispatchMode, DispatchOutcome
from powershare_wire.topics import Kind, topic
from tests.agent.mqtt_client import mqtt_client
from tests.conftest import BrokerAddress, free_port
from tests.helpers import eventually, next_message, session_cookie
from tests.hub.conftest import HubFactory, RunningHub
from tests.hub.test_market import INTERVAL, clear, next_interval, offer, request
from tests.hub.test_ws import next_of

T0 = datetime(2026, 6, 21, 10, 2, tzinfo=UTC)  # a stepped clock: time moves only when the test says
BATTERY = {"kind": "battery", "power_kw": 5.0, "energy_kwh": 10.0}


async def community_of_three(hub: RunningHub, community: str) -> dict[str, httpx.AsyncClient]:
    """A consumer, a home selling from its battery (at 80 %) and one selling solar."""
    homes = {
        "home-c": await hub.resident("c@example.org", "home-c", community, kind="consumer"),
        "home-bat": await hub.resident("b@example.org", "home-bat", community, kind="provider"),
        "home-sun": await hub.resident("s@example.org", "home-sun", community, kind="provider"),
    }
    patched = await homes["home-bat"].patch("/api/sites/home-bat", json={"assets": [BATTERY]})
    assert patched.status_code == 200, patched.text
    async with hub.state["sessions"]() as session:
        site = await session.get(Site, "home-bat")
        assert site is not None
        site.latest = {"values": {"soc_pct": {"value": 80.0, "unit": "%"}}}
        await session.commit()
    return homes


async def trade_from_the_battery(
    hub: RunningHub, community: str, homes: dict[str, httpx.AsyncClient]
) -> datetime:
    """1 kWh from the battery and 0.5 kWh of solar to the consumer, cleared for the interval returned."""
    start = next_interval(hub)
    await offer(homes["home-bat"], "home-bat", 1000, "0.1000", start, source="battery")
    await offer(homes["home-sun"], "home-sun", 500, "0.1000", start, source="solar")
    await request(homes["home-c"], 1500, "0.2500", start)
    result = await clear(hub, community, start)
    assert result["trades"] == 2
    return start


async def answer(
    agent: aiomqtt.Client, community: str, command: DispatchCommand, outcome: DispatchOutcome, **extra: Any
) -> None:
    """Answer as the agent does (edge_agent.dispatch): on the site's ack topic."""
    ack = DispatchAck(
        id=command.id, site=command.site, outcome=outcome, ts=command.issued_at, **{"power_w": 0.0, **extra}
    )
    await agent.publish(topic(community, command.site, Kind.DISPATCH_ACK), ack.model_dump_json(), qos=1)


async def trades_by_seller(client: httpx.AsyncClient) -> dict[str, dict[str, Any]]:
    return {t["seller_site_id"]: t for t in (await client.get("/api/transactions")).json()}


async def kinds_of_notes(hub: RunningHub, email: str) -> set[str]:
    """What kinds of notification a user has, from the database (their HTTP client sat idle)."""
    async with hub.state["sessions"]() as session:
        found = await session.scalars(
            select(Notification.kind).join(User, User.id == Notification.user_id).where(User.email == email)
        )
        return set(found)


async def test_a_battery_trade_is_dispatched_at_its_interval_and_the_ack_recorded(
    broker: BrokerAddress, db_url: str, start_hub: HubFactory, community: str
) -> None:
    clock = SimClock.stepped(T0)
    async with start_hub(broker, db_url, clock=clock) as hub, mqtt_client(broker.host, broker.port) as agent:
        homes = await community_of_three(hub, community)
        await agent.subscribe(topic(community, "home-bat", Kind.DISPATCH), qos=1)
        start = await trade_from_the_battery(hub, community, homes)
        before = await trades_by_seller(homes["home-c"])
        assert {t["status"] for t in before.values()} == {"scheduled"}
        assert before["home-bat"]["dispatch"] is None  # nothing is sent before the interval starts

        clock.advance((start - clock.now()).total_seconds())
        command = await next_message(agent, Kind.DISPATCH, DispatchCommand, within=15)
        # 1 kWh over a quarter hour is 4 kW; the battery holds 8 kWh, well above any reserve.
        assert (command.site, command.mode, command.power_w, command.duration_s) == (
            "home-bat",
            DispatchMode.DISCHARGE,
            4000.0,
            900,
        )
        assert command.issued_at == start

        started = await trades_by_seller(homes["home-c"])
        assert {t["status"] for t in started.values()} == {"delivering"}
        assert started["home-bat"]["dispatch"]["id"] == command.id
        assert started["home-bat"]["dispatch"]["outcome"] == "sent"
        assert started["home-sun"]["dispatch"] is None  # solar needs no command

        await answer(agent, community, command, DispatchOutcome.CLAMPED, power_w=3000.0, reason="rating")
        seen = await eventually(
            lambda: trades_by_seller(homes["home-bat"]),
            lambda t: t["home-bat"]["dispatch"]["outcome"] == "clamped",
            what="the clamped ack on the trade",
        )
        dispatch = seen["home-bat"]["dispatch"]
        assert (dispatch["power_w"], dispatch["reason"], seen["home-bat"]["at_risk"]) == (
            3000.0,
            "rating",
            False,
        )

        # Residents heard that delivery started; nobody was told of a risk.
        for who in ("home-c", "home-bat", "home-sun"):
            notes = (await homes[who].get("/api/notifications")).json()
            assert "delivering" in [n["data"].get("status") for n in notes], who
            assert "dispatch" not in [n["kind"] for n in notes], who

        # The battery's end of the command is recorded too.
        await answer(agent, community, command, DispatchOutcome.COMPLETED, power_w=3000.0)
        await eventually(
            lambda: trades_by_seller(homes["home-bat"]),
            lambda t: t["home-bat"]["dispatch"]["outcome"] == "completed",
            what="the completed ack",
        )
        assert (await trades_by_seller(homes["home-bat"]))["home-bat"]["at_risk"] is False


async def test_a_trade_a_standing_order_made_starts_without_pinging_its_owner(
    amqtt_broker: BrokerAddress, sqlite_url: str, start_hub: HubFactory, community: str
) -> None:
    clock = SimClock.stepped(T0)
    async with start_hub(amqtt_broker, sqlite_url, clock=clock) as hub:
        homes = await community_of_three(hub, community)
        rule = {"kind": "sell_battery", "price": "0.1000", "min_soc_pct": 40, "from_hour": 0, "to_hour": 24}
        made = await homes["home-bat"].post("/api/sites/home-bat/standing-orders", json=rule)
        assert made.status_code == 201, made.text
        start = next_interval(hub)
        await request(homes["home-c"], 800, "0.2500", start)  # typed by the resident
        assert (await clear(hub, community, start))["trades"] == 1

        clock.advance((start - clock.now()).total_seconds())
        await eventually(
            lambda: trades_by_seller(homes["home-c"]),
            lambda t: t["home-bat"]["status"] == "delivering",
            what="the rule's trade delivering",
        )
        # The buyer typed the request and hears it start; the rule's owner sees it on the market screen.
        buyer = (await homes["home-c"].get("/api/notifications")).json()
        assert "delivering" in [n["data"].get("status") for n in buyer]
        assert "transaction" not in await kinds_of_notes(hub, "b@example.org")


@pytest.mark.parametrize("outcome", [DispatchOutcome.REJECTED, None], ids=["rejected", "no-answer"])
async def test_a_refused_or_unanswered_dispatch_puts_the_trade_at_risk_and_tells_the_seller(
    amqtt_broker: BrokerAddress,
    sqlite_url: str,
    start_hub: HubFactory,
    community: str,
    outcome: DispatchOutcome | None,
) -> None:
    clock = SimClock.stepped(T0)
    async with (
        start_hub(amqtt_broker, sqlite_url, clock=clock) as hub,
        mqtt_client(amqtt_broker.host, amqtt_broker.port) as agent,
    ):
        if outcome is None:
            hub.state["delivery"].ack_timeout_s = 0.5  # wall seconds; an answer would come in milliseconds
        homes = await community_of_three(hub, community)
        await agent.subscribe(topic(community, "home-bat", Kind.DISPATCH), qos=1)
        start = await trade_from_the_battery(hub, community, homes)
        token = await hub.token("b@example.org")
        async with websockets.connect(hub.ws_url, additional_headers=session_cookie(token)) as socket:
            await next_of(socket, "hello")
            clock.advance((start - clock.now()).total_seconds())
            command = await next_message(agent, Kind.DISPATCH, DispatchCommand, within=15)
            if outcome is not None:
                await answer(
                    agent, community, command, outcome, reason="SoC 9% is at or below the reserve 10%"
                )
            while True:  # the seller hears of the risk live
                event = await next_of(socket, "transaction")
                if event["transaction"]["at_risk"]:
                    break
            assert event["transaction"]["seller_site_id"] == "home-bat"

        trades = await trades_by_seller(homes["home-bat"])
        [at_risk] = [t for t in trades.values() if t["at_risk"]]
        expected = "rejected" if outcome is not None else "no_answer"
        assert (at_risk["seller_site_id"], at_risk["status"]) == ("home-bat", "delivering")
        assert at_risk["dispatch"]["outcome"] == expected
        [note] = [
            n for n in (await homes["home-bat"].get("/api/notifications")).json() if n["kind"] == "dispatch"
        ]
        assert note["data"]["transaction_ids"] == [at_risk["id"]]
        words = "reserve" if outcome is not None else "did not answer"
        assert words in note["body"]
        # The buyer is not told about the seller's battery; the settlement will tell what arrived.
        assert "dispatch" not in await kinds_of_notes(hub, "c@example.org")


async def test_a_dispatch_the_broker_never_took_is_at_risk(
    sqlite_url: str, start_hub: HubFactory, community: str
) -> None:
    clock = SimClock.stepped(T0)
    nobody = BrokerAddress("127.0.0.1", free_port(), "none")  # no broker listens here
    async with start_hub(nobody, sqlite_url, clock=clock) as hub:
        hub.state["delivery"].send_within_s = 0.5  # wall seconds
        homes = await community_of_three(hub, community)
        start = await trade_from_the_battery(hub, community, homes)
        clock.advance((start - clock.now()).total_seconds())
        trades = await eventually(
            lambda: trades_by_seller(homes["home-bat"]),
            lambda t: t["home-bat"]["at_risk"],
            what="the unsent dispatch at risk",
        )
        assert (trades["home-bat"]["status"], trades["home-bat"]["dispatch"]["outcome"]) == (
            "delivering",
            "not_sent",
        )
        [note] = [
            n for n in (await homes["home-bat"].get("/api/notifications")).json() if n["kind"] == "dispatch"
        ]
        assert "broker" in note["body"]


async def test_the_kept_reserve_caps_the_command_and_what_it_leaves_out_is_at_risk(
    amqtt_broker: BrokerAddress, sqlite_url: str, start_hub: HubFactory, community: str
) -> None:
    clock = SimClock.stepped(T0)
    async with (
        start_hub(amqtt_broker, sqlite_url, clock=clock) as hub,
        mqtt_client(amqtt_broker.host, amqtt_broker.port) as agent,
    ):
        homes = await community_of_three(hub, community)
        await agent.subscribe(topic(community, "home-bat", Kind.DISPATCH), qos=1)
        rule = {"kind": "sell_battery", "price": "0.1000", "min_soc_pct": 40, "from_hour": 0, "to_hour": 24}
        made = await homes["home-bat"].post("/api/sites/home-bat/standing-orders", json=rule)
        assert made.status_code == 201, made.text
        start = next_interval(hub)
        await request(homes["home-c"], 1500, "0.2500", start)
        await clear(hub, community, start)
        [trade] = (await homes["home-bat"].get("/api/transactions")).json()
        # At 80 % the rule offered 1,250 Wh: (80 − 40) % of 10 kWh, at most 5 kW for a quarter hour.
        assert trade["energy_wh"] == 1250
        async with hub.state["sessions"]() as session:  # the battery ran down before the interval
            site = await session.get(Site, "home-bat")
            assert site is not None
            site.latest = {"values": {"soc_pct": {"value": 45.0, "unit": "%"}}}
            await session.commit()

        clock.advance((start - clock.now()).total_seconds())
        command = await next_message(agent, Kind.DISPATCH, DispatchCommand, within=15)
        assert command.power_w == 2000.0  # the 500 Wh above 40 %, over a quarter hour
        [trade] = (await homes["home-bat"].get("/api/transactions")).json()
        assert (trade["at_risk"], trade["dispatch"]["outcome"]) == (True, "sent")
        assert "750 Wh" in trade["dispatch"]["reason"]
        [note] = [
            n for n in (await homes["home-bat"].get("/api/notifications")).json() if n["kind"] == "dispatch"
        ]
        assert "750 Wh" in note["body"]


async def test_a_trade_made_in_the_running_interval_starts_at_once_and_supersedes_the_command(
    amqtt_broker: BrokerAddress, sqlite_url: str, start_hub: HubFactory, community: str
) -> None:
    """A critical request trades in the interval under way: the battery, already running for the
    first trade, is sent one command for both, over the time that is left."""
    clock = SimClock.stepped(T0)
    async with (
        start_hub(amqtt_broker, sqlite_url, clock=clock) as hub,
        mqtt_client(amqtt_broker.host, amqtt_broker.port) as agent,
    ):
        homes = await community_of_three(hub, community)
        await agent.subscribe(topic(community, "home-bat", Kind.DISPATCH), qos=1)
        start = next_interval(hub)
        await offer(homes["home-bat"], "home-bat", 2000, "0.1000", start, source="battery")
        await request(homes["home-c"], 1000, "0.2500", start)
        await clear(hub, community, start)
        clock.advance((start - clock.now()).total_seconds())
        first = await next_message(agent, Kind.DISPATCH, DispatchCommand, within=15)
        assert first.power_w == 4000.0
        await answer(agent, community, first, DispatchOutcome.ACCEPTED, power_w=4000.0)

        clock.advance(INTERVAL.total_seconds() / 3)  # 10 minutes left
        critical = await request(
            homes["home-c"],
            500,
            "0.2500",
            start,
            urgency="critical",
        )
        assert critical["filled_wh"] == 500
        second = await next_message(agent, Kind.DISPATCH, DispatchCommand, within=15)
        # 4 kW for the 10 minutes left (the first trade's rest) + 0.5 kWh in 10 minutes (3 kW).
        assert (second.power_w, second.duration_s) == (7000.0, 600)
        assert second.id != first.id
        trades = (await homes["home-bat"].get("/api/transactions")).json()
        assert [(t["status"], t["dispatch"]["id"]) for t in trades] == [("delivering", second.id)] * 2
        # The agent's word on the superseded command changes nothing.
        await answer(agent, community, first, DispatchOutcome.REVERTED, reason=f"superseded by {second.id}")
        await answer(agent, community, second, DispatchOutcome.ACCEPTED, power_w=7000.0)
        trades = await eventually(
            lambda: homes["home-bat"].get("/api/transactions"),
            lambda r: {t["dispatch"]["outcome"] for t in r.json()} == {"accepted"},
            what="the second command accepted on both trades",
        )
        assert not any(t["at_risk"] for t in trades.json())
