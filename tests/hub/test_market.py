"""Requests, offers, notifications and the transaction lifecycle, over HTTP and /ws."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import websockets

from hub.db.models import Transaction, TransactionStatus
from hub.market.lifecycle import TransitionError, advance, can_move, open_transaction
from hub.market.pricing import Settlement, clearing_price, fair_price, settle
from tests.conftest import BrokerAddress
from tests.hub.conftest import HubFactory
from tests.hub.test_ws import next_of

SOON = datetime.now(UTC) + timedelta(hours=1)


def window(hours: float = 2) -> dict[str, str]:
    return {"window_start": SOON.isoformat(), "window_end": (SOON + timedelta(hours=hours)).isoformat()}


async def test_a_request_reaches_the_providers_at_once(
    amqtt_broker: BrokerAddress, sqlite_url: str, start_hub: HubFactory, community: str
) -> None:
    async with start_hub(amqtt_broker, sqlite_url) as hub:
        consumer = await hub.resident("c@example.org", "home-c", community, kind="consumer")
        provider = await hub.resident("p@example.org", "home-p", community, kind="provider")
        token = await hub.token("p@example.org")
        async with websockets.connect(f"{hub.ws_url}?token={token}") as socket:
            await next_of(socket, "hello")
            body = {
                "site": "home-c",
                "amount_kwh": 3.5,
                "urgency": "high",
                "max_price_per_kwh": 0.25,
                **window(),
            }
            created = await consumer.post("/api/requests", json=body)
            assert created.status_code == 201, created.text
            assert created.json()["mine"] is True
            seen: dict[str, dict[str, Any]] = {}
            while len(seen) < 2:
                event = json.loads(await asyncio.wait_for(socket.recv(), 10))
                if event["type"] in ("request", "notification"):
                    seen[event["type"]] = event
            assert seen["request"]["request"]["amount_kwh"] == 3.5
            assert seen["request"]["request"]["site"] is None  # who asked stays private
            assert seen["notification"]["notification"]["kind"] == "request"

        listed = (await provider.get("/api/requests", params={"status": "open"})).json()
        assert [(r["amount_kwh"], r["site"], r["mine"]) for r in listed] == [(3.5, None, False)]
        notes = (await provider.get("/api/notifications", params={"unread_only": True})).json()
        assert len(notes) == 1
        read = await provider.post(f"/api/notifications/{notes[0]['id']}/read")
        assert read.json()["read_at"] is not None
        assert (await provider.get("/api/notifications", params={"unread_only": True})).json() == []

        request_id = created.json()["id"]
        assert (await provider.post(f"/api/requests/{request_id}/cancel")).status_code == 404
        cancelled = await consumer.post(f"/api/requests/{request_id}/cancel")
        assert cancelled.json()["status"] == "cancelled"
        assert (await consumer.post(f"/api/requests/{request_id}/cancel")).status_code == 409

        offer = {"site": "home-p", "amount_kwh": 5, "min_price_per_kwh": 0.12, **window()}
        assert (await provider.post("/api/offers", json=offer)).status_code == 201
        assert len((await consumer.get("/api/offers")).json()) == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"window_end": (SOON - timedelta(minutes=5)).isoformat()}, "window_end"),
        ({"window_start": "2026-01-01T00:00:00"}, "window_start"),  # no time zone
        ({"amount_kwh": 0}, "amount_kwh"),
        ({"max_price_per_kwh": -1}, "max_price_per_kwh"),
        ({"urgency": "yesterday"}, "urgency"),
        ({"site": "home-nope"}, "site"),
        ({**window(24 * 8)}, "window_end"),
    ],
)
async def test_invalid_requests_name_the_field(
    amqtt_broker: BrokerAddress,
    sqlite_url: str,
    start_hub: HubFactory,
    community: str,
    change: dict[str, object],
    field: str,
) -> None:
    async with start_hub(amqtt_broker, sqlite_url) as hub:
        consumer = await hub.resident("c@example.org", "home-c", community, kind="consumer")
        body = {"site": "home-c", "amount_kwh": 1, "max_price_per_kwh": 0.2, **window(), **change}
        response = await consumer.post("/api/requests", json=body)
        assert response.status_code == 422, response.text
        assert response.json()["detail"][0]["loc"][-1] == field


async def test_a_consumer_cannot_offer(
    amqtt_broker: BrokerAddress, sqlite_url: str, start_hub: HubFactory, community: str
) -> None:
    async with start_hub(amqtt_broker, sqlite_url) as hub:
        consumer = await hub.resident("c@example.org", "home-c", community, kind="consumer")
        body = {"site": "home-c", "amount_kwh": 1, "min_price_per_kwh": 0.1, **window()}
        response = await consumer.post("/api/offers", json=body)
        assert response.status_code == 422
        assert response.json()["detail"][0]["loc"] == ["body", "site"]


async def test_transactions_follow_their_lifecycle_and_notify_both_sides(
    amqtt_broker: BrokerAddress, sqlite_url: str, start_hub: HubFactory, community: str
) -> None:
    async with start_hub(amqtt_broker, sqlite_url) as hub:
        buyer = await hub.resident("c@example.org", "home-c", community, kind="consumer")
        seller = await hub.resident("p@example.org", "home-p", community, kind="provider")
        outsider = await hub.resident("o@example.org", "home-o", community, kind="hybrid")
        bus = hub.state["bus"]
        async with hub.state["sessions"]() as session:
            trade = await open_transaction(
                session,
                bus,
                Transaction(
                    community=community,
                    seller_site_id="home-p",
                    buyer_site_id="home-c",
                    amount_kwh=2.0,
                    price_per_kwh=0.19,
                    window_start=SOON,
                    window_end=SOON + timedelta(hours=1),
                ),
            )
            await advance(session, bus, trade, TransactionStatus.DELIVERING)
            await advance(session, bus, trade, TransactionStatus.SETTLED, delivered_kwh=2.0)
            with pytest.raises(TransitionError):
                await advance(session, bus, trade, TransactionStatus.FAILED)
        for side in (buyer, seller):
            [listed] = (await side.get("/api/transactions")).json()
            assert (listed["status"], listed["delivered_kwh"]) == ("settled", 2.0)
            kinds = [n["data"]["status"] for n in (await side.get("/api/notifications")).json()]
            assert kinds == ["settled", "delivering", "matched"]
        assert (await outsider.get("/api/transactions")).json() == []
        assert (await outsider.get(f"/api/transactions/{trade.id}")).status_code == 404
        await asyncio.sleep(0)


S = TransactionStatus


@pytest.mark.parametrize(
    ("current", "target", "allowed"),
    [
        (S.MATCHED, S.DELIVERING, True),
        (S.MATCHED, S.FAILED, True),
        (S.MATCHED, S.SETTLED, False),
        (S.DELIVERING, S.SETTLED, True),
        (S.DELIVERING, S.FAILED, True),
        (S.DELIVERING, S.MATCHED, False),
        (S.SETTLED, S.FAILED, False),
        (S.FAILED, S.DELIVERING, False),
    ],
)
def test_lifecycle_transitions(current: S, target: S, allowed: bool) -> None:
    assert can_move(current, target) is allowed


@pytest.mark.parametrize(
    ("retail", "feed_in", "expected"), [(0.30, 0.08, 0.19), (0.40, 0.0, 0.20), (0.25, 0.25, 0.25)]
)
def test_fair_price_is_halfway(retail: float, feed_in: float, expected: float) -> None:
    assert fair_price(retail, feed_in) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("min_price", "max_price", "expected"),
    [(0.10, 0.25, 0.19), (0.22, 0.25, 0.22), (0.05, 0.15, 0.15), (0.30, 0.20, None)],
)
def test_clearing_price(min_price: float, max_price: float, expected: float | None) -> None:
    assert clearing_price(min_price, max_price, retail=0.30, feed_in=0.08) == (
        pytest.approx(expected) if expected is not None else None
    )


@pytest.mark.parametrize(
    ("kwh", "price", "expected"),
    [
        (10, 0.19, Settlement(buyer_pays=1.9, seller_earns=1.9, buyer_saves=1.1, seller_gains=1.1)),
        (0.5, 0.30, Settlement(buyer_pays=0.15, seller_earns=0.15, buyer_saves=0.0, seller_gains=0.11)),
    ],
)
def test_settlement(kwh: float, price: float, expected: Settlement) -> None:
    assert settle(kwh, price, retail_per_kwh=0.30, feed_in_per_kwh=0.08) == expected
    assert json.dumps(expected.buyer_pays)  # plain floats, ready for the API
