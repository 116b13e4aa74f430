"""Community statistics: "shared" is what neighbours delivered; the meters' netting is coverage."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from hub.db.models import Allocation, Mechanism, SiteInterval, Transaction, TransactionStatus
from tests.conftest import BrokerAddress
from tests.hub.conftest import HubFactory

START = datetime(2026, 6, 3, 10, 0, tzinfo=UTC)
S = TransactionStatus


def trade(
    community: str, status: TransactionStatus, traded: int, delivered: int, at: datetime = START
) -> Transaction:
    return Transaction(
        community=community,
        seller_site_id="home-sun",
        buyer_site_id="home-dark",
        energy_wh=traded,
        energy_price=Decimal("0.1500"),
        fee=Decimal("0.0100"),
        mechanism=Mechanism.PAY_AS_CLEAR,
        delivered_wh=delivered,
        status=status,
        window_start=at,
        window_end=at + timedelta(minutes=15),
    )


async def seed(session: AsyncSession, community: str) -> None:
    session.add_all(
        [
            # The meters: 500 Wh out of one home while the other drew 300 Wh.
            SiteInterval(site_id="home-sun", start=START, export_wh=500.0, production_wh=800.0),
            SiteInterval(site_id="home-dark", start=START, import_wh=300.0),
            trade(community, S.COMPLETED, 200, 200),
            trade(community, S.PARTIAL, 100, 50),
            trade(community, S.FAILED, 100, 0),
            trade(community, S.COMPLETED, 1000, 1000, START + timedelta(days=2)),  # outside the span
            Allocation(
                community=community,
                start=START + timedelta(minutes=15),
                site_id="home-dark",
                received_wh=70,
                price=Decimal("0.1900"),
            ),
        ]
    )


async def test_shared_is_what_was_delivered_and_coverage_what_the_meters_net(
    broker: BrokerAddress, db_url: str, start_hub: HubFactory, community: str
) -> None:
    async with start_hub(broker, db_url) as hub:
        sunny = await hub.resident("sun@example.org", "home-sun", community, kind="provider")
        await hub.resident("dark@example.org", "home-dark", community, kind="consumer")
        await hub.seed(lambda s: seed(s, community))
        span = {"start": START.isoformat(), "end": (START + timedelta(days=1)).isoformat()}
        response = await sunny.get(f"/api/communities/{community}/stats", params=span)
        assert response.status_code == 200, response.text
        stats = response.json()
        assert stats["shared_kwh"] == pytest.approx(0.32)  # 200 + 50 delivered, 70 allocated
        assert stats["community_coverage_kwh"] == pytest.approx(0.3)
        assert stats["imported_kwh"] == pytest.approx(0.0)  # the meters: all of it covered inside
        assert stats["savings"] == "0.07"  # 0.32 kWh × (0.30 − 0.08)
