"""A hub back from downtime settles every interval it missed, several in one transaction, and
an interval that cannot be settled undoes none of those before it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

import hub.market.settler as settler_module
from firmware_sims.clock import SimClock
from hub.db.engine import create_engine, migrate
from hub.db.models import Community, LedgerLine, Settlement, Site, SiteInterval, SiteKind
from hub.events import EventBus
from hub.market.settler import CATCH_UP_BATCH, SettlementCoordinator
from hub.metrics import HubMetrics

DOWN_FROM = datetime(2026, 6, 21, 8, 0, tzinfo=UTC)
MISSED = CATCH_UP_BATCH + 3  # more than one batch
BACK_AT = DOWN_FROM + MISSED * timedelta(minutes=15) + timedelta(minutes=1)


@pytest.fixture
async def sessions(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    # Look back only as far as the downtime.
    monkeypatch.setattr(settler_module, "CATCH_UP", BACK_AT - DOWN_FROM)
    engine = create_engine(db_url)
    await migrate(engine)
    made = async_sessionmaker(engine, expire_on_commit=False)
    async with made() as session:
        session.add(Community(id="c", name="c", settlement_grace_s=0))
        await session.flush()
        session.add(Site(id="home-a", community="c", name="a", kind=SiteKind.HYBRID, assets=[]))
        await session.flush()
        session.add_all(
            SiteInterval(
                site_id="home-a",
                start=DOWN_FROM + k * timedelta(minutes=15),
                import_wh=100.0 + k,
                readings=15,
            )
            for k in range(MISSED)
        )
        await session.commit()
    yield made
    await engine.dispose()


async def settled(sessions: async_sessionmaker[AsyncSession]) -> list[tuple[datetime, int]]:
    async with sessions() as session:
        rows = await session.execute(select(Settlement.start, Settlement.revision).order_by(Settlement.start))
        return [(start, revision) for start, revision in rows]


async def test_a_hub_back_from_downtime_settles_each_missed_interval_once(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    settler = SettlementCoordinator(sessions, EventBus(), SimClock.stepped(BACK_AT), HubMetrics())
    assert await settler.settle_due("c") == MISSED
    expected = [(DOWN_FROM + k * timedelta(minutes=15), 1) for k in range(MISSED)]
    assert await settled(sessions) == expected
    async with sessions() as session:
        lines = await session.scalar(select(func.count()).select_from(LedgerLine))
    assert await settler.settle_due("c") == 0  # nothing left, nothing posted twice
    async with sessions() as session:
        assert await session.scalar(select(func.count()).select_from(LedgerLine)) == lines
    assert await settled(sessions) == expected


async def test_an_interval_that_fails_undoes_none_settled_before_it(
    sessions: async_sessionmaker[AsyncSession], monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = DOWN_FROM + 2 * timedelta(minutes=15)
    settle_interval = settler_module.settle_interval

    async def fails_once_at_broken(
        session: AsyncSession, community: Community, start: datetime, now: datetime
    ) -> Any:
        if start == broken:
            raise RuntimeError("unreadable meters")
        return await settle_interval(session, community, start, now)

    monkeypatch.setattr(settler_module, "settle_interval", fails_once_at_broken)
    settler = SettlementCoordinator(sessions, EventBus(), SimClock.stepped(BACK_AT), HubMetrics())
    with pytest.raises(RuntimeError, match="unreadable meters"):
        await settler.settle_due("c")
    # The intervals before the broken one are settled; after it, they wait for the next tick.
    assert [start for start, _ in await settled(sessions)] == [DOWN_FROM, DOWN_FROM + timedelta(minutes=15)]
    monkeypatch.setattr(settler_module, "settle_interval", settle_interval)
    assert await settler.settle_due("c") == MISSED - 2
    assert len(await settled(sessions)) == MISSED
