"""The market through the hub: orders over HTTP and /ws, clearing, explanations, transactions."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest
import websockets
from sqlalchemy import select

from firmware_sims.clock import SimClock
from hub.db.models import Community, Offer, Site, Transaction, TransactionStatus
from hub.market.intervals import open_interval
from hub.market.lifecycle import TransitionError, advance, can_move
from tests.conftest import BrokerAddress
from tests.helpers import eventually, session_cookie
from tests.hub.conftest import HubFactory, RunningHub
from tests.hub.test_ws import next_of

# Three homes of one street in Munich: the consumer, a provider 0.3 km east, one 3 km north.
HOME = (48.137154, 11.576124)
NEAR = (48.137154, 11.580124)
FAR = (48.164154, 11.576124)
INTERVAL = timedelta(minutes=15)


def next_interval(hub: RunningHub) -> datetime:
    """An interval taking orders whose gate is at least 15 minutes away: the one after the open
    one (the default lead is 5 min), so the hub's own coordinator never clears it mid-test."""
    return open_interval(hub.state["clock"].now(), INTERVAL, timedelta(minutes=5)) + INTERVAL


def window(start: datetime, intervals: int = 1) -> dict[str, str]:
    return {"window_start": start.isoformat(), "window_end": (start + intervals * INTERVAL).isoformat()}


async def homes(
    hub: RunningHub, community: str
) -> tuple[httpx.AsyncClient, httpx.AsyncClient, httpx.AsyncClient]:
    consumer = await hub.resident("c@example.org", "home-c", community, kind="consumer", location=HOME)
    near = await hub.resident("n@example.org", "home-near", community, kind="provider", location=NEAR)
    far = await hub.resident("f@example.org", "home-far", community, kind="provider", location=FAR)
    return consumer, near, far


async def offer(
    client: httpx.AsyncClient, site: str, wh: int, price: str, start: datetime, **extra: Any
) -> dict[str, Any]:
    response = await client.post(
        "/api/offers", json={"site": site, "energy_wh": wh, "min_price": price, **window(start), **extra}
    )
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


async def request(
    client: httpx.AsyncClient, wh: int, price: str, start: datetime, **extra: Any
) -> dict[str, Any]:
    body = {"site": "home-c", "energy_wh": wh, "max_price": price, **window(start), **extra}
    response = await client.post("/api/requests", json=body)
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


async def clear(hub: RunningHub, community: str, start: datetime) -> dict[str, Any]:
    admin = await hub.admin()
    response = await admin.post(
        f"/api/communities/{community}/market/clear", json={"start": start.isoformat()}
    )
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


async def test_a_request_reaches_the_providers_at_once_with_its_distance(
    amqtt_broker: BrokerAddress, sqlite_url: str, start_hub: HubFactory, community: str
) -> None:
    async with start_hub(amqtt_broker, sqlite_url) as hub:
        consumer, near, _far = await homes(hub, community)
        token = await hub.token("n@example.org")
        async with websockets.connect(hub.ws_url, additional_headers=session_cookie(token)) as socket:
            await next_of(socket, "hello")
            created = await request(consumer, 3500, "0.2500", next_interval(hub), urgency="high")
            assert created["mine"] is True
            seen: dict[str, dict[str, Any]] = {}
            while len(seen) < 2:  # the market channel's copy of the request carries no distance
                event = json.loads(await asyncio.wait_for(socket.recv(), 10))
                if event["type"] == "notification" or (
                    event["type"] == "request" and event["request"]["distance_km"] is not None
                ):
                    seen[event["type"]] = event
            assert seen["request"]["request"]["energy_wh"] == 3500
            assert seen["request"]["request"]["site"] is None  # who asked stays private
            assert seen["request"]["request"]["distance_km"] == pytest.approx(0.30, abs=0.01)
            assert seen["notification"]["notification"]["kind"] == "request"

        listed = (await near.get("/api/requests", params={"status": "open"})).json()
        assert [(r["energy_wh"], r["site"], r["mine"], r["max_price"]) for r in listed] == [
            (3500, None, False, "0.2500")
        ]
        request_id = created["id"]
        assert (await near.post(f"/api/requests/{request_id}/cancel")).status_code == 404
        cancelled = await consumer.post(f"/api/requests/{request_id}/cancel")
        assert cancelled.json()["status"] == "cancelled"
        assert (await consumer.post(f"/api/requests/{request_id}/cancel")).status_code == 409


SOON = datetime.now(UTC) + timedelta(hours=2)


@pytest.mark.parametrize(
    ("change", "field", "code", "words"),
    [
        (
            {"max_price": "0.5000"},
            "max_price",
            "price_outside_corridor",
            "between the feed-in price 0.0800 and the retail price 0.3000",
        ),
        ({"max_price": "0.0500"}, "max_price", "price_outside_corridor", "corridor"),
        ({"max_price": "0.123456"}, "max_price", "decimal_max_places", "decimal places"),
        (
            {
                "window_start": (SOON - timedelta(days=2)).isoformat(),
                "window_end": (SOON - timedelta(days=1)).isoformat(),
            },
            "window_end",
            "window_in_the_past",
            "in the past",
        ),
        ({"window_start": "2026-01-01T00:00:00"}, "window_start", "timezone_aware", "timezone"),
        ({"energy_wh": 0}, "energy_wh", "greater_than", "greater than 0"),
        ({"urgency": "yesterday"}, "urgency", "enum", "critical"),
        ({"site": "home-nope"}, "site", "site_not_found", "no site"),
        (
            {"preferred_partners": ["home-nope"]},
            "preferred_partners",
            "partner_not_in_community",
            "no site 'home-nope'",
        ),
        ({"excluded_partners": ["home-c"]}, "excluded_partners", "partner_is_self", "its own partner"),
        ({"window_end": (SOON + timedelta(days=8)).isoformat()}, "window_end", "span_too_long", "7 days"),
    ],
)
async def test_bad_requests_name_the_field_and_what_is_allowed(
    amqtt_broker: BrokerAddress,
    sqlite_url: str,
    start_hub: HubFactory,
    community: str,
    change: dict[str, object],
    field: str,
    code: str,
    words: str,
) -> None:
    async with start_hub(amqtt_broker, sqlite_url) as hub:
        consumer, _near, _far = await homes(hub, community)
        body = {"site": "home-c", "energy_wh": 1000, "max_price": "0.2000", **window(SOON), **change}
        response = await consumer.post("/api/requests", json=body)
        assert response.status_code == 422, response.text
        [problem] = response.json()["detail"]
        assert (problem["loc"][-1], problem["type"]) == (field, code)
        assert words in problem["msg"]


async def test_a_site_places_only_what_its_kind_allows(
    amqtt_broker: BrokerAddress, sqlite_url: str, start_hub: HubFactory, community: str
) -> None:
    async with start_hub(amqtt_broker, sqlite_url) as hub:
        consumer, near, _far = await homes(hub, community)
        body = {"site": "home-c", "energy_wh": 1000, "min_price": "0.1000", **window(SOON)}
        response = await consumer.post("/api/offers", json=body)
        assert response.status_code == 422
        assert response.json()["detail"] == [
            {
                "loc": ["body", "site"],
                "msg": "a consumer site may place only requests",
                "type": "site_kind_cannot_offer",
                "ctx": {"kind": "consumer"},
            }
        ]
        body = {"site": "home-near", "energy_wh": 1000, "max_price": "0.2000", **window(SOON)}
        response = await near.post("/api/requests", json=body)
        assert response.json()["detail"][0]["msg"] == "a provider site may place only offers"
        assert response.json()["detail"][0]["type"] == "site_kind_cannot_request"
        response = await consumer.post("/api/requests", json={**body, "site": "home-near"})
        assert response.status_code == 403


async def test_a_request_is_matched_local_first_and_explained(
    broker: BrokerAddress, db_url: str, start_hub: HubFactory, community: str
) -> None:
    async with start_hub(broker, db_url) as hub:
        consumer, near, far = await homes(hub, community)
        start = next_interval(hub)
        # The far offer is cheaper, but its substation fee (0.04) makes it dearer than the near one.
        await offer(far, "home-far", 2000, "0.1000", start)
        near_offer = await offer(near, "home-near", 1000, "0.1200", start, source="wind")
        placed = await request(consumer, 1500, "0.2000", start)
        result = await clear(hub, community, start)

        # Pay-as-clear: one price for both trades, in the middle of what keeps both willing.
        assert (result["volume_wh"], result["trades"], result["requested_wh"]) == (1500, 2, 1500)
        assert result["community_share"] == 1.0
        trades = sorted((await consumer.get("/api/transactions")).json(), key=lambda t: t["seller_site_id"])
        assert [(t["seller_site_id"], t["energy_wh"], t["fee"]) for t in trades] == [
            ("home-far", 500, "0.0400"),
            ("home-near", 1000, "0.0100"),
        ]
        assert {t["energy_price"] for t in trades} == {result["price"]}
        price = Decimal(result["price"])
        assert Decimal("0.1200") <= price <= Decimal("0.1600")
        for trade in trades:
            assert Decimal(trade["buyer_price"]) == price + Decimal(trade["fee"]) <= Decimal("0.2000")

        [mine] = (await consumer.get("/api/requests")).json()
        assert (mine["id"], mine["status"], mine["filled_wh"], mine["grid_wh"]) == (
            placed["id"],
            "matched",
            1500,
            0,
        )
        assert mine["explanation"]["code"] == "matched"
        assert sorted(mine["explanation"]["params"]["partners"]) == ["home-far", "home-near"]
        [seller_view] = [o for o in (await near.get("/api/offers")).json() if o["id"] == near_offer["id"]]
        assert (seller_view["status"], seller_view["explanation"]["code"]) == ("matched", "matched")
        far_offer = next(o for o in (await far.get("/api/offers")).json() if o["mine"])
        assert (far_offer["status"], far_offer["filled_wh"], far_offer["grid_wh"]) == (
            "partly_matched",
            500,
            1500,
        )
        assert far_offer["explanation"]["code"] == "partly_matched"
        # Neighbours see that an order traded, not with whom.
        public = next(r for r in (await near.get("/api/requests")).json() if r["id"] == placed["id"])
        assert "partners" not in public["explanation"]["params"]

        notes = (await consumer.get("/api/notifications")).json()
        assert [n["kind"] for n in notes] == ["market"]
        assert notes[0]["data"]["explanation"]["code"] == "matched"
        again = await (await hub.admin()).post(
            f"/api/communities/{community}/market/clear", json={"start": start.isoformat()}
        )
        assert again.status_code == 409  # an interval clears once


async def test_a_request_that_cannot_be_met_says_why(
    amqtt_broker: BrokerAddress, sqlite_url: str, start_hub: HubFactory, community: str
) -> None:
    async with start_hub(amqtt_broker, sqlite_url) as hub:
        consumer, near, _far = await homes(hub, community)
        start = next_interval(hub)
        await offer(near, "home-near", 1000, "0.2500", start)
        await request(consumer, 800, "0.1800", start)
        await request(consumer, 800, "0.2900", start, green_only=True)  # the offer's source is solar: green
        in_book = (await near.get("/api/requests", params={"active": True})).json()
        assert sorted(r["max_price"] for r in in_book) == ["0.1800", "0.2900"]
        assert (await near.get("/api/requests", params={"mine": True})).json() == []
        result = await clear(hub, community, start)
        assert (await near.get("/api/requests", params={"active": True})).json() == []
        requests = {r["max_price"]: r for r in (await consumer.get("/api/requests")).json()}
        cheap = requests["0.1800"]
        assert (cheap["status"], cheap["filled_wh"], cheap["grid_wh"]) == ("expired", 0, 800)
        assert cheap["explanation"]["code"] == "price_too_low"
        # The cheapest offer is 0.2500 + the street fee 0.0100.
        assert cheap["explanation"]["params"]["cheapest_price"] == "0.2600"
        assert cheap["explanation"]["params"]["grid_wh"] == 800
        assert requests["0.2900"]["status"] == "matched"
        assert (result["grid_import_wh"], result["grid_export_wh"]) == (800, 200)


async def test_a_critical_request_is_matched_at_once(
    amqtt_broker: BrokerAddress, sqlite_url: str, start_hub: HubFactory, community: str
) -> None:
    clock = SimClock.stepped(datetime(2026, 6, 21, 10, 7, tzinfo=UTC))  # mid-interval, standing still
    async with start_hub(amqtt_broker, sqlite_url, clock=clock) as hub:
        consumer, _near, _far = await homes(hub, community)
        now = hub.state["clock"].now()
        current = now.replace(minute=now.minute - now.minute % 15, second=0, microsecond=0)
        # An offer standing in the book for the interval under way and the next one.
        async with hub.state["sessions"]() as session:
            session.add(
                Offer(
                    community=community,
                    site_id="home-near",
                    energy_wh=1000,
                    window_start=current,
                    window_end=current + 2 * INTERVAL,
                    min_price=Decimal("0.1500"),
                    created_at=now,
                )
            )
            await session.commit()
        placed = await request(
            consumer,
            1200,
            "0.2500",
            current,
            urgency="critical",
            **{"window_end": (current + 2 * INTERVAL).isoformat()},
        )
        assert (placed["filled_wh"], placed["status"], placed["explanation"]["code"]) == (
            1200,
            "partly_matched",
            "matched",
        )
        trades = (await consumer.get("/api/transactions")).json()
        assert sorted((datetime.fromisoformat(t["window_start"]), t["energy_wh"]) for t in trades) == [
            (current, 600),
            (current + INTERVAL, 600),
        ]

        # Cancelled while the next interval's gate is open: that trade is cancelled, and the
        # offer's energy there is free again; the trade under way stands.
        cancelled = await consumer.post(f"/api/requests/{placed['id']}/cancel")
        assert cancelled.status_code == 200, cancelled.text
        trades = (await consumer.get("/api/transactions")).json()
        status = {datetime.fromisoformat(t["window_start"]): t["status"] for t in trades}
        assert status[current + INTERVAL] == "cancelled"
        assert status[current] in ("scheduled", "delivering")  # the interval under way
        async with hub.state["sessions"]() as session:
            [standing] = (await session.scalars(select(Offer))).all()
            assert standing.filled_wh == 600
            assert standing.status.value == "partly_matched"


async def test_the_coordinator_clears_every_interval_at_its_gate(
    amqtt_broker: BrokerAddress, sqlite_url: str, start_hub: HubFactory, community: str
) -> None:
    clock = SimClock.accelerated(600)  # an interval every 1.5 s, the gate 0.5 s before it
    async with start_hub(amqtt_broker, sqlite_url, clock=clock) as hub:
        consumer, near, _far = await homes(hub, community)
        start = next_interval(hub) + 3 * INTERVAL  # time for the coordinator to find the new community
        await offer(
            near, "home-near", 1000, "0.1000", start, **{"window_end": (start + 3 * INTERVAL).isoformat()}
        )
        await request(consumer, 900, "0.2000", start, **{"window_end": (start + 3 * INTERVAL).isoformat()})
        trades = await eventually(
            lambda: consumer.get("/api/transactions"),
            lambda r: len(r.json()) == 3,
            within=20,
            what="3 trades",
        )
        assert sorted(t["energy_wh"] for t in trades.json()) == [300, 300, 300]
        results = await consumer.get(
            f"/api/communities/{community}/market/intervals",
            params={"start": start.isoformat(), "end": (start + 3 * INTERVAL).isoformat()},
        )
        assert [r["volume_wh"] for r in results.json()] == [300, 300, 300]
        overview = (await consumer.get(f"/api/communities/{community}/market")).json()
        assert overview["mechanism"] == "pay_as_clear"
        assert datetime.fromisoformat(overview["next_gate"]) > datetime.fromisoformat(overview["now"])


async def test_a_failing_community_is_counted_and_the_others_clear(
    amqtt_broker: BrokerAddress, sqlite_url: str, start_hub: HubFactory, community: str
) -> None:
    clock = SimClock.accelerated(600)  # an interval every 1.5 s
    async with start_hub(amqtt_broker, sqlite_url, clock=clock) as hub:
        consumer, near, _far = await homes(hub, community)
        await hub.resident("x@example.org", "home-x", "broken", kind="consumer")
        async with hub.state["sessions"]() as session:
            broken = await session.get(Community, "broken")
            assert broken is not None
            broken.grid_fee = {"bands": [{"up_to_km": 1.0, "fee": "0.0100"}]}  # no open-ended last band
            await session.commit()
        start = next_interval(hub) + 3 * INTERVAL
        await offer(near, "home-near", 1000, "0.1000", start)
        await request(consumer, 500, "0.2000", start)
        await eventually(
            lambda: consumer.get("/api/transactions"), lambda r: len(r.json()) == 1, within=20, what="a trade"
        )
        text = (await hub.http.get("/metrics")).text
        failures = [line for line in text.splitlines() if line.startswith("powershare_market_failures_total")]
        assert any('community="broken"' in line and not line.endswith(" 0.0") for line in failures), failures
        assert not any(f'community="{community}"' in line for line in failures)


S = TransactionStatus


@pytest.mark.parametrize(
    ("current", "target", "allowed"),
    [
        (S.SCHEDULED, S.DELIVERING, True),
        (S.SCHEDULED, S.CANCELLED, True),
        (S.SCHEDULED, S.COMPLETED, True),  # the delivery start was missed
        (S.DELIVERING, S.COMPLETED, True),
        (S.DELIVERING, S.PARTIAL, True),
        (S.DELIVERING, S.FAILED, True),
        (S.DELIVERING, S.SCHEDULED, False),
        (S.DELIVERING, S.CANCELLED, False),  # too late: the gate has closed
        (S.FAILED, S.COMPLETED, True),  # late readings re-settled it
        (S.COMPLETED, S.PARTIAL, True),
        (S.COMPLETED, S.COMPLETED, False),
        (S.FAILED, S.DELIVERING, False),
        (S.CANCELLED, S.DELIVERING, False),
    ],
)
def test_lifecycle_transitions(current: S, target: S, allowed: bool) -> None:
    assert can_move(current, target) is allowed


async def test_advancing_a_trade_tells_both_sides_after_commit(
    amqtt_broker: BrokerAddress, sqlite_url: str, start_hub: HubFactory, community: str
) -> None:
    async with start_hub(amqtt_broker, sqlite_url) as hub:
        consumer, near, far = await homes(hub, community)
        start = next_interval(hub)
        await offer(near, "home-near", 1000, "0.1000", start)
        await request(consumer, 1000, "0.2000", start)
        await clear(hub, community, start)
        async with hub.state["sessions"]() as session:
            [trade] = (await session.scalars(select(Transaction))).all()
            outbox = await advance(session, trade, S.DELIVERING, hub.state["clock"].now())
            await session.commit()
            outbox.publish(hub.state["bus"])
            with pytest.raises(TransitionError):
                await advance(session, trade, S.SCHEDULED, hub.state["clock"].now())
        for side in (consumer, near):
            [listed] = (await side.get("/api/transactions")).json()
            assert listed["status"] == "delivering"
            assert "delivering" in [
                n["data"].get("status") for n in (await side.get("/api/notifications")).json()
            ]
        assert (await far.get("/api/transactions")).json() == []
        assert (await far.get(f"/api/transactions/{trade.id}")).status_code == 404


async def test_an_admin_sets_the_market_rules_and_bad_ones_are_named(
    amqtt_broker: BrokerAddress, sqlite_url: str, start_hub: HubFactory, community: str
) -> None:
    async with start_hub(amqtt_broker, sqlite_url) as hub:
        consumer, near, _far = await homes(hub, community)
        admin = await hub.admin()
        path = f"/api/communities/{community}"
        changed = await admin.patch(
            path,
            json={
                "mechanism": "pay_as_bid",
                "grid_fee": {"per_km": "0.0100", "cap": "0.0300"},
                "timezone": "Europe/Berlin",
            },
        )
        assert changed.status_code == 200, changed.text
        assert changed.json()["grid_fee"] == {"bands": None, "per_km": "0.0100", "cap": "0.0300"}
        for body, field in (
            ({"timezone": "Mars/Olympus"}, "timezone"),
            ({"grid_fee": {"bands": [{"up_to_km": 1.0, "fee": "0.0100"}]}}, "grid_fee"),
            ({"feed_in_price_per_kwh": "0.5000"}, "feed_in_price_per_kwh"),
            ({"settlement_interval_min": 20}, "settlement_interval_min"),
        ):
            refused = await admin.patch(path, json=body)
            assert refused.status_code == 422, refused.text
            assert refused.json()["detail"][0]["loc"][-1] == field
        assert (await consumer.patch(path, json={"mechanism": "pay_as_clear"})).status_code == 403

        start = next_interval(hub)
        await offer(near, "home-near", 1000, "0.1000", start)
        await request(consumer, 1000, "0.2500", start)
        result = await clear(hub, community, start)
        [trade] = (await consumer.get("/api/transactions")).json()
        # Pay-as-bid: the buyer pays what it bid; 0.30 km at 0.01 per km is a fee of 0.0030.
        assert (trade["mechanism"], trade["fee"], trade["buyer_price"]) == ("pay_as_bid", "0.0030", "0.2500")
        assert trade["energy_price"] == result["price"] == "0.2470"


async def test_standing_orders_trade_without_anyone_typing(
    amqtt_broker: BrokerAddress, sqlite_url: str, start_hub: HubFactory, community: str
) -> None:
    async with start_hub(amqtt_broker, sqlite_url) as hub:
        consumer, near, _far = await homes(hub, community)
        battery = {"kind": "battery", "power_kw": 4.0, "energy_kwh": 10.0}
        assert (await near.patch("/api/sites/home-near", json={"assets": [battery]})).status_code == 200
        async with hub.state["sessions"]() as session:
            site = await session.get(Site, "home-near")
            assert site is not None
            site.latest = {"values": {"soc_pct": {"value": 80.0, "unit": "%"}}}
            await session.commit()
        refused = await consumer.post(
            "/api/sites/home-c/standing-orders", json={"kind": "sell_surplus", "price": "0.1000"}
        )
        assert refused.status_code == 422
        assert refused.json()["detail"][0]["loc"][-1] == "kind"
        sell = await near.post(
            "/api/sites/home-near/standing-orders",
            json={
                "kind": "sell_battery",
                "price": "0.1500",
                "min_soc_pct": 40,
                "from_hour": 0,
                "to_hour": 24,
            },
        )
        assert sell.status_code == 201, sell.text
        buy = await consumer.post(
            "/api/sites/home-c/standing-orders", json={"kind": "buy_deficit", "price": "0.2500"}
        )
        assert buy.status_code == 201, buy.text

        start = next_interval(hub)
        result = await clear(hub, community, start)

        # The hub's own coordinator may also have prepared the open interval: look at the one cleared.
        def cleared(orders: list[dict[str, Any]]) -> list[dict[str, Any]]:
            return [o for o in orders if o["standing"] and datetime.fromisoformat(o["window_start"]) == start]

        offers = cleared((await near.get("/api/offers")).json())
        # (80 % − 40 %) of 10 kWh is 4 kWh, but 4 kW for a quarter hour gives at most 1 kWh.
        assert [(o["energy_wh"], o["source"]) for o in offers] == [(1000, "battery")]
        [wanted] = cleared((await consumer.get("/api/requests")).json())
        assert wanted["energy_wh"] > 0  # a typical household's quarter hour, with no history yet
        assert result["volume_wh"] == wanted["energy_wh"] == wanted["filled_wh"]
        assert (await consumer.get("/api/notifications")).json() == []  # rules trade without pings
        listed = (await near.get("/api/sites/home-near/standing-orders")).json()
        assert [s["kind"] for s in listed] == ["sell_battery"]
        assert (await consumer.delete(f"/api/standing-orders/{listed[0]['id']}")).status_code == 403
        assert (await near.delete(f"/api/standing-orders/{listed[0]['id']}")).status_code == 204
