"""The map's providers: what each offers now and from what price, to members only, neighbours coarsely."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest

from firmware_sims.clock import SimClock
from hub.db.models import AssetKind, OrderStatus, StandingKind, StandingOrder
from hub.db.models import Offer as OfferRow
from hub.seed import ensure_user
from tests.conftest import BrokerAddress
from tests.hub.conftest import PASSWORD, HubFactory, RunningHub
from tests.hub.test_market import FAR, NEAR, homes

INTERVAL = timedelta(minutes=15)
NOW = datetime(2026, 6, 21, 10, 7, tzinfo=UTC)  # mid-interval; the clock stands still
CURRENT = datetime(2026, 6, 21, 10, 0, tzinfo=UTC)
NEXT = CURRENT + INTERVAL

# (site, Wh, price, window start, intervals, status, source, from a standing order)
OFFERS: list[tuple[str, int, str, datetime, int, OrderStatus, AssetKind, bool]] = [
    ("home-near", 1000, "0.1500", CURRENT, 2, OrderStatus.OPEN, AssetKind.SOLAR, False),
    ("home-near", 500, "0.1200", NEXT, 1, OrderStatus.OPEN, AssetKind.BATTERY, True),
    ("home-near", 700, "0.0100", CURRENT, 1, OrderStatus.CANCELLED, AssetKind.SOLAR, False),  # withdrawn
    ("home-near", 900, "0.0100", NEXT + INTERVAL, 1, OrderStatus.OPEN, AssetKind.SOLAR, False),  # later
    ("home-far", 400, "0.2000", CURRENT, 1, OrderStatus.OPEN, AssetKind.WIND, False),
]


async def seed_offers(hub: RunningHub, community: str) -> None:
    async with hub.state["sessions"]() as session:
        for site, wh, price, start, intervals, status, source, standing in OFFERS:
            rule = None
            if standing:
                rule = StandingOrder(
                    community=community, site_id=site, kind=StandingKind.SELL_SURPLUS, price=Decimal(price)
                )
                rule.active = False  # its concrete order is seeded here; the coordinator makes no more
                session.add(rule)
                await session.flush()
            session.add(
                OfferRow(
                    community=community,
                    site_id=site,
                    energy_wh=wh,
                    window_start=start,
                    window_end=start + intervals * INTERVAL,
                    min_price=Decimal(price),
                    source=source,
                    status=status,
                    standing_order_id=rule.id if rule else None,
                    created_at=NOW,
                )
            )
        await session.commit()


def on_offer(provider: dict[str, Any]) -> list[tuple[str, int, str | None]]:
    return [(o["start"], o["energy_wh"], o["min_price_per_kwh"]) for o in provider["on_offer"]]


async def test_members_see_each_provider_with_what_it_offers_now(
    amqtt_broker: BrokerAddress, sqlite_url: str, start_hub: HubFactory, community: str
) -> None:
    async with start_hub(amqtt_broker, sqlite_url, clock=SimClock.stepped(NOW)) as hub:
        consumer, near, _far = await homes(hub, community)
        await seed_offers(hub, community)
        response = await consumer.get(f"/api/communities/{community}/providers")
        assert response.status_code == 200, response.text
        body = response.json()
        assert (body["community"], body["currency"]) == (community, "EUR")
        providers = {p["site"]: p for p in body["providers"]}
        assert sorted(providers) == ["home-far", "home-near"]  # the consumer's home is not on the map

        current, following = (
            CURRENT.isoformat().replace("+00:00", "Z"),
            NEXT.isoformat().replace("+00:00", "Z"),
        )
        # (site, on offer per interval, lowest price, sources, location as the consumer sees it)
        expected = [
            (
                "home-near",
                [(current, 1000, "0.1500"), (following, 1500, "0.1200")],
                "0.1200",
                ["solar", "battery"],
                {"lat": round(NEAR[0], 2), "lon": round(NEAR[1], 2)},
            ),
            (
                "home-far",
                [(current, 400, "0.2000"), (following, 0, None)],
                "0.2000",
                ["wind"],
                {"lat": round(FAR[0], 2), "lon": round(FAR[1], 2)},
            ),
        ]
        for site, intervals, lowest, sources, location in expected:
            provider = providers[site]
            assert on_offer(provider) == intervals, site
            assert provider["min_price_per_kwh"] == lowest, site
            assert provider["sources"] == sources, site
            assert provider["location"] == location, site
            assert provider["mine"] is False, site
            assert provider["kind"] == "provider", site

        # the provider itself sees its own site exactly
        own = {
            p["site"]: p
            for p in (await near.get(f"/api/communities/{community}/providers")).json()["providers"]
        }
        assert own["home-near"]["mine"] is True
        assert own["home-near"]["location"] == {"lat": NEAR[0], "lon": NEAR[1]}
        assert own["home-far"]["location"] == {"lat": round(FAR[0], 2), "lon": round(FAR[1], 2)}


@pytest.mark.parametrize(
    ("who", "community_of_path", "status"),
    [
        ("outsider", "same", 403),  # a resident of no community
        ("stranger", "same", 403),  # a resident of another community
        ("member", "unknown", 404),
        ("nobody", "same", 401),
    ],
)
async def test_only_members_see_the_providers(
    amqtt_broker: BrokerAddress,
    sqlite_url: str,
    start_hub: HubFactory,
    community: str,
    who: str,
    community_of_path: str,
    status: int,
) -> None:
    async with start_hub(amqtt_broker, sqlite_url) as hub:
        member, _near, _far = await homes(hub, community)
        await hub.seed(lambda s: ensure_user(s, "o@example.org", PASSWORD))
        await hub.seed(lambda s: ensure_user(s, "s@example.org", PASSWORD, community=f"{community}x"))
        clients = {
            "member": member,
            "outsider": await hub.client_for("o@example.org"),
            "stranger": await hub.client_for("s@example.org"),
        }
        path_community = community if community_of_path == "same" else "nowhere"
        async with httpx.AsyncClient(base_url=hub.base_url) as nobody:  # no cookie of anyone's sign-in
            client = clients.get(who, nobody)
            response = await client.get(f"/api/communities/{path_community}/providers")
        assert response.status_code == status, response.text
