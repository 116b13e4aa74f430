"""Settlement in a running hub: a trade is checked against the meters after its interval, the
ledger balances, and late readings re-settle it, once."""

from __future__ import annotations

import asyncio
import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from firmware_sims.clock import SimClock
from hub.db.models import (
    AllocationKey,
    Community,
    LedgerKind,
    LedgerLine,
    Notification,
    Settlement,
    SharingMode,
    SharingPeriod,
    Site,
    SiteInterval,
    SiteKind,
    Transaction,
    TransactionStatus,
)
from hub.market.audit import Audit, audit
from hub.market.expost import Metered
from hub.market.ledger import Line, Tariff, money
from hub.market.settlement import Trade, settle
from hub.market.settler import settle_interval
from hub.outbox import Outbox
from tests.conftest import BrokerAddress
from tests.hub.conftest import HubFactory, RunningHub
from tests.hub.test_bills import trade
from tests.hub.test_market import clear, homes, next_interval, offer, request

GRACE = timedelta(seconds=300)  # the community's default


async def meters(hub: RunningHub, start: datetime, **export_import: tuple[int, int]) -> None:
    """What the sites' meters showed in the interval from ``start``: site=(import, export) Wh."""

    async def seed(session: AsyncSession) -> None:
        for site, (imported, exported) in export_import.items():
            row = await session.get(SiteInterval, (site.replace("_", "-"), start))
            if row is None:
                row = SiteInterval(site_id=site.replace("_", "-"), start=start)
                session.add(row)
            row.import_wh, row.export_wh, row.readings = float(imported), float(exported), 30
            row.revised_at = datetime.now(UTC)

    await hub.seed(seed)


async def one_trade(
    hub: RunningHub, community: str, wh: int, ask: str
) -> tuple[httpx.AsyncClient, httpx.AsyncClient, datetime]:
    """A consumer buying ``wh`` from its near neighbour in the next interval, cleared: (buyer, seller, start)."""
    consumer, near, _ = await homes(hub, community)
    start = next_interval(hub)
    await offer(near, "home-near", wh, ask, start)
    await request(consumer, wh, "0.2500", start)
    await clear(hub, community, start)
    return consumer, near, start


async def eventually(probe: Any, done: Any, what: str, seconds: float = 20) -> Any:
    for _ in range(int(seconds * 10)):
        value = await probe()
        if done(value):
            return value
        await asyncio.sleep(0.1)
    raise AssertionError(f"no {what} within {seconds} s; last: {value!r}")


@dataclass(frozen=True)
class FailedTrade:
    """A cleared trade whose interval was settled without the seller's meter."""

    hub: RunningHub
    seller: httpx.AsyncClient
    start: datetime

    async def status(self) -> tuple[str, str | None]:
        """The trade's status and shortfall, as its seller lists it."""
        [row] = (await self.seller.get("/api/transactions")).json()
        return row["status"], row["shortfall"]

    async def delivered_wh_once_settled(self) -> int:
        """Wait until a re-settlement completes the trade; what it delivered."""
        done = await eventually(self.status, lambda s: s[0] == "completed", "re-settlement")
        assert done == ("completed", None)

        async def stored(session: AsyncSession) -> Transaction:
            return (await session.scalars(select(Transaction))).one()

        return (await self.hub.seed(stored)).delivered_wh


async def failed_trade(hub: RunningHub, clock: SimClock, community: str, wh: int = 800) -> FailedTrade:
    """A consumer buys ``wh`` from its near neighbour; only the buyer's meter reports, so once
    the interval and its grace have passed the trade fails for the seller's missing readings."""
    _, near, start = await one_trade(hub, community, wh, "0.1000")
    await meters(hub, start, home_c=(wh, 0))
    clock.advance((start + timedelta(minutes=15) + GRACE - clock.now()).total_seconds() + 1)
    failed = FailedTrade(hub, near, start)
    settled = await eventually(failed.status, lambda s: s[0] == "failed", "settlement")
    assert settled == ("failed", "readings_missing")
    return failed


async def ledger(hub: RunningHub, community: str) -> list[LedgerLine]:
    async def read(session: AsyncSession) -> list[LedgerLine]:
        return list(await session.scalars(select(LedgerLine).where(LedgerLine.community == community)))

    return await hub.seed(read)


async def test_a_trade_is_settled_from_the_meters_and_corrected_by_late_readings(
    amqtt_broker: BrokerAddress, sqlite_url: str, start_hub: HubFactory, community: str
) -> None:
    clock = SimClock.stepped(datetime(2026, 6, 21, 10, 7, tzinfo=UTC))
    async with start_hub(amqtt_broker, sqlite_url, clock=clock) as hub:
        consumer, near, start = await one_trade(hub, community, 1000, "0.1000")
        [trade] = (await consumer.get("/api/transactions")).json()
        assert trade["status"] == "scheduled"

        # The seller fed in only 600 Wh of the 1,000 it sold; the buyer drew 1,200.
        await meters(hub, start, home_c=(1200, 0), home_near=(0, 600))
        clock.advance((start + timedelta(minutes=15) + GRACE - clock.now()).total_seconds() + 1)

        async def listed() -> dict[str, Any]:
            [row] = (await consumer.get("/api/transactions")).json()
            return row  # type: ignore[no-any-return]

        settled = await eventually(listed, lambda t: t["status"] == "partially_delivered", "settlement")
        assert settled["delivered_wh"] == 600
        assert settled["shortfall"] == "seller_exported_less"
        price, fee = Decimal(settled["energy_price"]), Decimal(settled["fee"])
        assert Decimal(settled["amount"]) == money(price, 600) + money(fee, 600)

        lines = await ledger(hub, community)
        assert sum(line.amount for line in lines) == 0
        buyer = [line for line in lines if line.account == "site:home-c"]
        # 600 Wh from the neighbour (price + fee) and 600 Wh from the grid at retail.
        assert sum(line.amount for line in buyer) == -(
            money(price, 600) + money(fee, 600) + money(Decimal("0.3000"), 600)
        )
        assert sum(line.energy_wh for line in buyer) == 1200
        notes = (await near.get("/api/notifications")).json()
        assert any(n["kind"] == "settlement" and n["title"].startswith("Shortfall") for n in notes)

        # The seller's agent was offline; its backlog shows it fed in all 1,000 Wh.
        await meters(hub, start, home_near=(0, 1000))
        corrected = await eventually(listed, lambda t: t["status"] == "completed", "re-settlement")
        assert corrected["delivered_wh"] == 1000
        assert corrected["shortfall"] is None

        async def settlement(session: AsyncSession) -> Settlement | None:
            return await session.get(Settlement, (community, start))

        row = await hub.seed(settlement)
        assert row is not None
        assert row.revision == 2
        assert (row.note_code, row.note_sites) == ("late_readings", ["home-near"])
        lines = await ledger(hub, community)
        assert sum(line.amount for line in lines) == 0
        reversed_lines = [line for line in lines if line.reversal]
        first = [line for line in lines if line.revision == 1 and line.interval_start == start]
        assert sorted((line.account, -line.amount) for line in reversed_lines) == sorted(
            (line.account, line.amount) for line in first
        )
        buyer = [line for line in lines if line.account == "site:home-c" and line.interval_start == start]
        assert sum(line.amount for line in buyer) == -(
            money(price, 1000) + money(fee, 1000) + money(Decimal("0.3000"), 200)
        )

        # The same readings again change nothing: no new revision, no new lines.
        assert await hub.state["settlement"].settle(community, start) is False
        assert len(await ledger(hub, community)) == len(lines)

        # What residents and the admin see: the interval's revisions, and a ledger that balances.
        settlements = (
            await consumer.get(
                f"/api/communities/{community}/settlements",
                params={"start": start.isoformat(), "end": (start + timedelta(minutes=15)).isoformat()},
            )
        ).json()
        assert [(s["revision"], s["correction"], s["shared_wh"]) for s in settlements] == [
            (2, {"code": "late_readings", "sites": ["home-near"]}, 1000)
        ]
        assert settlements[0]["note"] == "late readings from home-near"  # in English too, as before
        admin = await hub.admin()
        checked = (await admin.get(f"/api/communities/{community}/ledger/audit")).json()
        assert (checked["balanced"], checked["lines"]) == (True, len(lines))
        assert (await consumer.get(f"/api/communities/{community}/ledger/audit")).status_code == 403

        async def tamper(session: AsyncSession) -> None:  # a line posted outside settlement
            session.add(
                LedgerLine(
                    community=community,
                    interval_start=start,
                    revision=2,
                    entry=0,
                    account="site:home-c",
                    kind=LedgerKind.TRADE,
                    amount=Decimal("0.0001"),
                    energy_wh=0,
                )
            )

        await hub.seed(tamper)
        checked = (await admin.get(f"/api/communities/{community}/ledger/audit")).json()
        assert checked["balanced"] is False
        assert [(u["revision"], u["entry"], u["off_by"]) for u in checked["unbalanced"]] == [(2, 0, "0.0001")]


async def test_a_trade_whose_seller_sent_no_readings_fails_until_they_arrive(
    amqtt_broker: BrokerAddress, sqlite_url: str, start_hub: HubFactory, community: str
) -> None:
    clock = SimClock.stepped(datetime(2026, 6, 21, 10, 7, tzinfo=UTC))
    async with start_hub(amqtt_broker, sqlite_url, clock=clock) as hub:
        failed = await failed_trade(hub, clock, community, 800)
        # Nobody is billed for the missing side: the buyer's import went to the grid meanwhile.
        lines = await ledger(hub, community)
        assert {line.kind.value for line in lines if line.account == "site:home-c"} == {"grid_import"}
        assert not [line for line in lines if line.account == "site:home-near"]

        await meters(hub, failed.start, home_near=(0, 800))
        assert await failed.delivered_wh_once_settled() == 800
        # The interval's settlements keep balancing through the correction.
        assert sum(line.amount for line in await ledger(hub, community)) == 0


async def test_settling_an_interval_twice_posts_once(
    amqtt_broker: BrokerAddress, db_url: str, start_hub: HubFactory, community: str
) -> None:
    clock = SimClock.stepped(datetime(2026, 6, 21, 10, 7, tzinfo=UTC))
    async with start_hub(amqtt_broker, db_url, clock=clock) as hub:
        consumer, _, start = await one_trade(hub, community, 500, "0.1200")
        await meters(hub, start, home_c=(500, 0), home_near=(0, 700))
        # The trade list takes a span of intervals, as the history chart asks for it.
        span = {"start": start.isoformat(), "end": (start + timedelta(minutes=15)).isoformat()}
        assert len((await consumer.get("/api/transactions", params=span)).json()) == 1
        later = {"start": (start + timedelta(minutes=15)).isoformat()}
        assert (await consumer.get("/api/transactions", params=later)).json() == []
        backwards = await consumer.get("/api/transactions", params={**span, "end": span["start"]})
        assert backwards.status_code == 422
        assert "end" in backwards.text
        settler = hub.state["settlement"]
        assert await settler.settle(community, start) is True
        count = len(await ledger(hub, community))
        assert await settler.settle(community, start) is False
        assert len(await ledger(hub, community)) == count

        async def stale(session: AsyncSession) -> None:  # a revision stamp with nothing changed
            await session.execute(update(SiteInterval).values(revised_at=datetime.now(UTC)))

        await hub.seed(stale)
        assert await settler.resettle_revised() == 0
        assert len(await ledger(hub, community)) == count


async def test_an_ex_post_interval_is_allocated_settled_and_explained(
    amqtt_broker: BrokerAddress, sqlite_url: str, start_hub: HubFactory, community: str
) -> None:
    clock = SimClock.stepped(datetime(2026, 6, 21, 10, 7, tzinfo=UTC))
    async with start_hub(amqtt_broker, sqlite_url, clock=clock) as hub:
        consumer, near, _ = await homes(hub, community)
        start = next_interval(hub)

        async def ex_post(session: AsyncSession) -> None:
            session.add(
                SharingPeriod(
                    community=community,
                    effective_from=start,
                    mode=SharingMode.EX_POST,
                    key=AllocationKey.DYNAMIC,
                    price=Decimal("0.2000"),
                )
            )

        await hub.seed(ex_post)
        await meters(hub, start, home_c=(900, 0), home_near=(0, 600))
        assert await hub.state["settlement"].settle(community, start) is True

        span = {"start": start.isoformat(), "end": (start + timedelta(minutes=15)).isoformat()}
        [received] = (await consumer.get("/api/allocations", params=span)).json()
        assert (received["received_wh"], received["given_wh"], received["amount"]) == (600, 0, "0.1200")
        assert (received["key"], received["explanation"]["code"]) == ("dynamic", "dynamic_share")
        [given] = (await near.get("/api/allocations", params=span)).json()
        assert (given["given_wh"], given["amount"], given["explanation"]["code"]) == (
            600,
            "-0.1200",
            "gave_surplus",
        )
        bill = (await consumer.get("/api/bills", params=span)).json()
        assert bill["allocation_received"]["energy_wh"] == 600
        assert bill["bought_from_grid"]["energy_wh"] == 300
        assert sum(line.amount for line in await ledger(hub, community)) == 0


PAST = datetime(2026, 6, 3, 10, 0, tzinfo=UTC)  # long settled: the hub's own settler leaves it alone


async def test_a_correction_reverses_only_the_postings_it_changes(
    amqtt_broker: BrokerAddress, db_url: str, start_hub: HubFactory, community: str
) -> None:
    async with start_hub(amqtt_broker, db_url) as hub:
        for name, kind in (("a", "consumer"), ("b", "provider"), ("c", "provider")):
            await hub.resident(f"{name}@example.org", f"home-{name}", community, kind=kind)

        async def seeded(session: AsyncSession) -> list[Trade]:
            rows = [
                trade(community, "home-b", "home-a", PAST, TransactionStatus.SCHEDULED, 1000, 0, None),
                trade(community, "home-c", "home-a", PAST, TransactionStatus.SCHEDULED, 500, 0, None),
            ]
            session.add_all(rows)
            await session.flush()
            return [
                Trade(t.id, t.seller_site_id, t.buyer_site_id, t.energy_wh, t.energy_price, t.fee)
                for t in rows
            ]

        from_b, from_c = trades = await hub.seed(seeded)

        async def settle_with(**metered: tuple[int, int]) -> Settlement:
            """Settle PAST with the meters now showing site=(import, export) Wh."""

            async def run(session: AsyncSession) -> Settlement:
                for site, (imported, exported) in metered.items():
                    row = await session.get(SiteInterval, (site.replace("_", "-"), PAST))
                    if row is None:
                        row = SiteInterval(site_id=site.replace("_", "-"), start=PAST, readings=10)
                        session.add(row)
                    row.import_wh, row.export_wh = float(imported), float(exported)
                await session.flush()
                found = await session.get(Community, community)
                assert found is not None
                assert await settle_interval(session, found, PAST, PAST + timedelta(hours=1)) is not None
                settled = await session.get(Settlement, (community, PAST))
                assert settled is not None
                return settled

            return await hub.seed(run)

        async def stored() -> tuple[list[LedgerLine], list[Notification]]:
            async def read(session: AsyncSession) -> tuple[list[LedgerLine], list[Notification]]:
                lines = await session.scalars(select(LedgerLine).where(LedgerLine.community == community))
                notes = await session.scalars(select(Notification).where(Notification.kind == "settlement"))
                return list(lines), list(notes)

            return await hub.seed(read)

        def nets(lines: Iterable[LedgerLine | Line]) -> dict[str, tuple[Decimal, int]]:
            """What each account holds: the lines summed (over revisions, reversals included)."""
            held: dict[str, tuple[Decimal, int]] = defaultdict(lambda: (Decimal(0), 0))
            for line in lines:
                amount, energy = held[line.account]
                held[line.account] = (amount + line.amount, energy + line.energy_wh)
            return {account: net for account, net in held.items() if any(net)}

        def settled_afresh(settled: Settlement, **metered: tuple[int, int]) -> dict[str, tuple[Decimal, int]]:
            """What settling the final meters at once would post, per account."""
            meters = {site.replace("_", "-"): Metered(*wh) for site, wh in metered.items()}
            outcome = settle(trades, meters, Tariff(settled.retail_price, settled.feed_in_price))
            return nets(line for posting in outcome.postings for line in posting.lines)

        # home-b fed in 600 of its 1000 Wh; home-c all its 500; home-a drew 1500 (the rest from the grid).
        first = {"home_a": (1500, 0), "home_b": (0, 600), "home_c": (0, 500)}
        await settle_with(**first)
        lines, notes = await stored()
        assert {n.data["site"] for n in notes} == {"home-a", "home-b", "home-c"}  # one each, stored with ids
        assert len({n.id for n in notes}) == 3

        # home-b's backlog: it fed in all 1000 Wh. Only its trade, the fees and home-a's grid import change.
        second = first | {"home_b": (0, 1000)}
        settled = await settle_with(**second)
        lines, notes = await stored()
        assert settled.revision == 2
        reversed_trades = {x.transaction_id for x in lines if x.reversal and x.kind is LedgerKind.TRADE}
        assert reversed_trades == {from_b.id, None}  # home-b's posting: its trade's line, and home-b's own
        assert {x.revision for x in lines if x.transaction_id == from_c.id} == {1}  # home-c's trade stands
        assert nets(lines) == settled_afresh(settled, **second)
        told = [n.data["site"] for n in notes if n.data["revision"] == 2]
        assert sorted(told) == ["home-a", "home-b"]  # home-c's trade did not change

        # home-c's corrected meter: it fed in only 250 Wh after all. Now its trade is reversed, from revision 1.
        third = second | {"home_c": (0, 250)}
        settled = await settle_with(**third)
        lines, _ = await stored()
        assert settled.revision == 3
        latest = [x for x in lines if x.revision == 3 and x.kind is LedgerKind.TRADE]
        assert {x.transaction_id for x in latest if x.reversal} == {from_c.id, None}
        assert nets(lines) == settled_afresh(settled, **third)

        async def checked(session: AsyncSession) -> Audit:
            return await audit(session, community)

        assert (await hub.seed(checked)).balanced


async def test_a_settled_trade_is_announced_on_its_own_only_to_a_site_without_a_resident(
    amqtt_broker: BrokerAddress, db_url: str, start_hub: HubFactory, community: str
) -> None:
    """Residents hear of a settlement by one notice per site (their dashboard then fetches the
    trades again), so a trade's own /ws event goes out only when one of its sites has nobody to tell."""
    async with start_hub(amqtt_broker, db_url) as hub:
        for name, kind in (("a", "consumer"), ("b", "provider")):
            await hub.resident(f"{name}@example.org", f"home-{name}", community, kind=kind)

        async def seeded(session: AsyncSession) -> tuple[int, int]:
            session.add(Site(id="home-x", community=community, name="x", kind=SiteKind.PROVIDER, assets=[]))
            await session.flush()  # before the rows that name it
            rows = [
                trade(community, "home-b", "home-a", PAST, TransactionStatus.SCHEDULED, 1000, 0, None),
                trade(community, "home-x", "home-a", PAST, TransactionStatus.SCHEDULED, 500, 0, None),
            ]
            session.add_all(rows)
            for site, imported, exported in (("home-a", 1500, 0), ("home-b", 0, 1000), ("home-x", 0, 500)):
                session.add(
                    SiteInterval(
                        site_id=site, start=PAST, import_wh=imported, export_wh=exported, readings=10
                    )
                )
            await session.flush()
            return rows[0].id, rows[1].id

        between_residents, from_nobody = await hub.seed(seeded)

        async def settled(session: AsyncSession) -> Outbox:
            found = await session.get(Community, community)
            assert found is not None
            outbox = await settle_interval(session, found, PAST, PAST + timedelta(hours=1))
            assert outbox is not None
            return outbox

        outbox = await hub.seed(settled)
        assert sorted(note.data["site"] for note in outbox.notes) == ["home-a", "home-b"]
        events = [json.loads(event.text) for event in outbox.events]
        assert [(e["type"], e["transaction"]["id"]) for e in events] == [("transaction", from_nobody)]
        [announced] = events
        assert announced["transaction"]["status"] == "completed"
        assert announced["transaction"]["delivered_wh"] == 500
        assert between_residents != from_nobody


async def test_an_interval_posted_a_posting_per_trade_is_corrected_exactly(
    amqtt_broker: BrokerAddress, db_url: str, start_hub: HubFactory, community: str
) -> None:
    """Intervals settled before trades were posted per seller keep their lines: a correction
    reverses the per-trade postings and posts the seller's, and the ledger nets to what settling
    the final meters at once would post."""
    async with start_hub(amqtt_broker, db_url) as hub:
        for name, kind in (("a", "consumer"), ("b", "provider")):
            await hub.resident(f"{name}@example.org", f"home-{name}", community, kind=kind)

        async def seeded(session: AsyncSession) -> list[Trade]:
            rows = [
                trade(community, "home-b", "home-a", PAST, TransactionStatus.SCHEDULED, 600, 0, None),
                trade(community, "home-b", "home-a", PAST, TransactionStatus.SCHEDULED, 400, 0, None),
            ]
            session.add_all(rows)
            for site, imported, exported in (("home-a", 1000, 0), ("home-b", 0, 500)):
                session.add(
                    SiteInterval(
                        site_id=site, start=PAST, import_wh=imported, export_wh=exported, readings=10
                    )
                )
            await session.flush()
            return [
                Trade(t.id, t.seller_site_id, t.buyer_site_id, t.energy_wh, t.energy_price, t.fee)
                for t in rows
            ]

        trades = await hub.seed(seeded)

        async def settled_once(session: AsyncSession) -> None:
            found = await session.get(Community, community)
            assert found is not None
            assert await settle_interval(session, found, PAST, PAST + timedelta(hours=1)) is not None
            # As the settler posted trades before: a posting of two lines per trade, both naming it.
            posted = await session.scalars(
                select(LedgerLine).where(
                    LedgerLine.community == community, LedgerLine.kind == LedgerKind.TRADE
                )
            )
            [seller, *buyers] = sorted(posted, key=lambda x: x.transaction_id or 0)
            assert seller.transaction_id is None
            for n, line in enumerate(buyers):
                session.add(
                    LedgerLine(
                        community=community,
                        interval_start=PAST,
                        revision=1,
                        entry=100 + n,
                        account=seller.account,
                        kind=LedgerKind.TRADE,
                        amount=-line.amount,
                        energy_wh=-line.energy_wh,
                        transaction_id=line.transaction_id,
                        reversal=False,
                    )
                )
                line.entry = 100 + n
            await session.delete(seller)

        await hub.seed(settled_once)

        async def corrected(session: AsyncSession) -> tuple[list[LedgerLine], Audit, Settlement]:
            await session.execute(
                update(SiteInterval)
                .where(SiteInterval.site_id == "home-b", SiteInterval.start == PAST)
                .values(export_wh=1000)
            )
            found = await session.get(Community, community)
            assert found is not None
            assert await settle_interval(session, found, PAST, PAST + timedelta(hours=2)) is not None
            lines = await session.scalars(select(LedgerLine).where(LedgerLine.community == community))
            settled = await session.get(Settlement, (community, PAST))
            assert settled is not None
            return list(lines), await audit(session, community), settled

        lines, checked, settled = await hub.seed(corrected)
        assert checked.balanced
        assert {
            (x.transaction_id, x.revision) for x in lines if x.reversal and x.kind is LedgerKind.TRADE
        } == {
            (trades[0].id, 2),
            (trades[1].id, 2),
        }
        held: dict[str, tuple[Decimal, int]] = defaultdict(lambda: (Decimal(0), 0))
        for line in lines:
            amount, energy = held[line.account]
            held[line.account] = (amount + line.amount, energy + line.energy_wh)
        meters = {"home-a": Metered(1000, 0), "home-b": Metered(0, 1000)}
        afresh: dict[str, tuple[Decimal, int]] = defaultdict(lambda: (Decimal(0), 0))
        for posting in settle(trades, meters, Tariff(settled.retail_price, settled.feed_in_price)).postings:
            for x in posting.lines:
                amount, energy = afresh[x.account]
                afresh[x.account] = (amount + x.amount, energy + x.energy_wh)
        assert {k: v for k, v in held.items() if any(v)} == {k: v for k, v in afresh.items() if any(v)}
