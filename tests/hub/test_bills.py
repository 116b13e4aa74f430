"""Bills from the ledger: tables for the assembly, a property for the balance, the API on a real hub."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.db.models import (
    Community,
    LedgerKind,
    LedgerLine,
    Mechanism,
    Settlement,
    SharingMode,
    Shortfall,
    SiteInterval,
    Transaction,
    TransactionStatus,
    User,
    UserRole,
)
from hub.market.bills import Bill, Item, Line, Settled, bill, month_span, statement
from hub.market.correction_notes import CorrectionNote, NoteCode
from hub.market.settler import settle_interval
from hub.seed import ensure_community, ensure_site, ensure_user
from tests.conftest import BrokerAddress
from tests.hub.conftest import PASSWORD, HubFactory

K = LedgerKind
T1 = datetime(2026, 6, 3, 10, 0, tzinfo=UTC)
T2 = T1 + timedelta(minutes=15)
JUNE = month_span(2026, 6, ZoneInfo("UTC"))
TARIFF = Settled(Decimal("0.3000"), Decimal("0.0800"))


def transfer(
    kind: LedgerKind, payer: str, payee: str, amount: str, wh: int, at: datetime = T1, revision: int = 1
) -> list[Line]:
    """One balanced posting: ``payer`` pays ``payee`` for ``wh`` going the other way (0: money only)."""
    money = Decimal(amount)
    return [Line(payer, at, revision, kind, -money, wh), Line(payee, at, revision, kind, money, -wh)]


def reverse(lines: Sequence[Line], revision: int) -> list[Line]:
    return [
        Line(x.account, x.interval_start, revision, x.kind, -x.amount, -x.energy_wh, reversal=True)
        for x in lines
    ]


A, B, C = "site:home-a", "site:home-b", "site:home-c"

# home-a buys 1 kWh from home-b (0.15 + fee 0.02 per kWh) and 0.5 kWh from the grid; home-b sells 0.2 kWh to the grid.
MARKET = [
    *transfer(K.TRADE, A, B, "0.1500", 1000),
    *transfer(K.GRID_FEE, A, "network", "0.0200", 0),
    *transfer(K.GRID_IMPORT, A, "grid", "0.1500", 500),
    *transfer(K.GRID_EXPORT, "grid", B, "0.0160", 200),
]
# Ex post: home-a receives 0.4 kWh from the pool at 0.19, home-b gives it.
EX_POST = [
    *transfer(K.ALLOCATION, A, "pool", "0.0760", 400),
    *transfer(K.ALLOCATION, "pool", B, "0.0760", 400),
]
FIRST = transfer(K.GRID_IMPORT, A, "grid", "0.1500", 500)
# home-b's late readings: 0.3 kWh of home-a's import came from home-b after all.
SECOND = [
    *reverse(FIRST, 2),
    *transfer(K.TRADE, A, B, "0.0450", 300, revision=2),
    *transfer(K.GRID_FEE, A, "network", "0.0060", 0, revision=2),
    *transfer(K.GRID_IMPORT, A, "grid", "0.0600", 200, revision=2),
]
LATE = "late readings from home-b"
LATE_NOTE = CorrectionNote(NoteCode.LATE_READINGS, ("home-b",))


def lines_of(account: str, lines: Sequence[Line]) -> list[Line]:
    return [x for x in lines if x.account == account]


@pytest.mark.parametrize(
    ("lines", "site", "settled", "items", "total", "grid_only", "savings"),
    [
        pytest.param(
            MARKET,
            A,
            {T1: TARIFF},
            {
                Item.BOUGHT_FROM_NEIGHBOURS: (1000, "0.1500"),
                Item.GRID_FEES: (0, "0.0200"),
                Item.BOUGHT_FROM_GRID: (500, "0.1500"),
            },
            "0.3200",
            "0.4500",
            "0.1300",
            id="buyer",
        ),
        pytest.param(
            MARKET,
            B,
            {T1: TARIFF},
            {Item.SOLD_TO_NEIGHBOURS: (1000, "-0.1500"), Item.SOLD_TO_GRID: (200, "-0.0160")},
            "-0.1660",
            "-0.0960",
            "0.0700",
            id="seller",
        ),
        pytest.param(
            EX_POST,
            A,
            {T1: TARIFF},
            {Item.ALLOCATION_RECEIVED: (400, "0.0760")},
            "0.0760",
            "0.1200",
            "0.0440",
            id="allocation received",
        ),
        pytest.param(
            EX_POST,
            B,
            {T1: TARIFF},
            {Item.ALLOCATION_GIVEN: (400, "-0.0760")},
            "-0.0760",
            "-0.0320",
            "0.0440",
            id="allocation given",
        ),
        pytest.param(
            [
                *transfer(K.GRID_IMPORT, A, "grid", "0.3000", 1000),
                *transfer(K.GRID_IMPORT, A, "grid", "0.4000", 1000, T2),
            ],
            A,
            {T1: TARIFF, T2: Settled(Decimal("0.4000"), Decimal("0.0800"))},
            {Item.BOUGHT_FROM_GRID: (2000, "0.7000")},
            "0.7000",
            "0.7000",
            "0.0000",
            id="grid only at each interval's own retail price",
        ),
        pytest.param(
            [*FIRST, *SECOND],
            A,
            {T1: Settled(TARIFF.retail_price, TARIFF.feed_in_price, 2, LATE_NOTE)},
            {Item.BOUGHT_FROM_GRID: (500, "0.1500")},  # as first settled; the correction is an adjustment
            "0.1110",
            "0.1500",
            "0.0390",
            id="re-settled",
        ),
        pytest.param(
            [],
            A,
            {},
            {},
            "0.0000",
            "0.0000",
            "0.0000",
            id="nothing settled",
        ),
    ],
)
def test_a_statement_reads_the_ledger(
    lines: list[Line],
    site: str,
    settled: dict[datetime, Settled],
    items: dict[Item, tuple[int, str]],
    total: str,
    grid_only: str,
    savings: str,
) -> None:
    s = statement(lines_of(site, lines), settled)
    assert {item: (f.energy_wh, str(f.amount)) for item, f in s.items.items()} == {
        item: items.get(item, (0, "0.0000")) for item in Item
    }
    assert (str(s.total), str(s.grid_only), str(s.savings)) == (total, grid_only, savings)


def test_a_re_settlement_is_one_adjustment_with_its_note() -> None:
    third = [
        *reverse(SECOND[len(FIRST) :], 3),
        *transfer(K.TRADE, A, B, "0.0750", 500, revision=3),
        *transfer(K.GRID_FEE, A, "network", "0.0100", 0, revision=3),
    ]
    late = CorrectionNote(NoteCode.LATE_READINGS, ("home-a",))
    settled = {T1: Settled(TARIFF.retail_price, TARIFF.feed_in_price, 3, late)}
    s = statement(lines_of(A, [*FIRST, *SECOND, *third]), settled)
    [adjustment] = s.adjustments
    assert (adjustment.revision, adjustment.correction) == (3, late)
    assert adjustment.note == "late readings from home-a"  # the CSV export's wording
    # All of it came from home-b in the end: 0.0750 + 0.0100 instead of 0.1500 from the grid.
    assert str(adjustment.amount) == "-0.0650"
    assert (adjustment.import_wh, adjustment.export_wh) == (0, 0)
    assert str(s.total) == "0.0850"
    assert s.import_wh == 500
    assert s.total == s.items[Item.BOUGHT_FROM_GRID].amount + adjustment.amount


def test_a_household_is_the_sum_of_its_sites_to_the_last_decimal() -> None:
    # 1 Wh at 0.25 is 0.00025, rounded to even per site: 0.0002 each, never 0.0005 for both.
    lines = [
        *transfer(K.GRID_IMPORT, A, "grid", "0.0002", 1),
        *transfer(K.GRID_IMPORT, C, "grid", "0.0002", 1),
    ]
    settled = {T1: Settled(Decimal("0.2500"), Decimal("0.0800"))}
    b = bill([x for x in lines if x.account != "grid"], settled, ["home-a", "home-c"], *JUNE, "EUR")
    assert set(b.sites) == {"home-a", "home-c"}
    assert str(b.household.grid_only) == "0.0004"
    assert b.household.total == sum((s.total for s in b.sites.values()), Decimal(0))
    assert b.household.items[Item.BOUGHT_FROM_GRID].energy_wh == 2


def test_a_bill_refuses_lines_it_cannot_place() -> None:
    with pytest.raises(ValueError, match="not one of the household's sites"):
        bill(lines_of(B, MARKET), {T1: TARIFF}, ["home-a"], *JUNE, "EUR")
    with pytest.raises(ValueError, match="outside"):
        bill(lines_of(A, MARKET), {T1: TARIFF}, ["home-a"], T2, T2 + timedelta(days=1), "EUR")
    with pytest.raises(ValueError, match="no settlement"):
        statement(lines_of(A, MARKET), {})


def test_a_month_is_the_communitys_calendar_month() -> None:
    start, end = month_span(2026, 12, ZoneInfo("Europe/Berlin"))
    assert (start, end) == (datetime(2026, 11, 30, 23, tzinfo=UTC), datetime(2026, 12, 31, 23, tzinfo=UTC))


# The property: whatever was posted, money only moves between accounts. ------------------------------

SITES = [f"site:s{i}" for i in range(5)]
KINDS = [K.TRADE, K.GRID_FEE, K.ALLOCATION, K.GRID_IMPORT, K.GRID_EXPORT]


@st.composite
def postings(draw: st.DrawFn, at: datetime, revision: int) -> list[Line]:
    lines: list[Line] = []
    for _ in range(draw(st.integers(0, 6))):
        kind = draw(st.sampled_from(KINDS))
        site = draw(st.sampled_from(SITES))
        amount = str(Decimal(draw(st.integers(0, 200_000))) / 10_000)
        wh = draw(st.integers(0, 5000))
        if kind is K.TRADE:
            other = draw(st.sampled_from([s for s in SITES if s != site]))
            lines += transfer(kind, site, other, amount, wh, at, revision)
        elif kind is K.GRID_FEE:
            lines += transfer(kind, site, "network", amount, 0, at, revision)
        elif kind is K.GRID_IMPORT:
            lines += transfer(kind, site, "grid", amount, wh, at, revision)
        elif kind is K.GRID_EXPORT:
            lines += transfer(kind, "grid", site, amount, wh, at, revision)
        elif draw(st.booleans()):
            lines += transfer(kind, site, "pool", amount, wh, at, revision)
        else:
            lines += transfer(kind, "pool", site, amount, wh, at, revision)
    return lines


@st.composite
def ledgers(draw: st.DrawFn) -> tuple[list[Line], dict[datetime, Settled]]:
    """Intervals settled one to three times; each later revision reverses the one before."""
    lines: list[Line] = []
    settled: dict[datetime, Settled] = {}
    for i in range(draw(st.integers(1, 4))):
        at = T1 + i * timedelta(minutes=15)
        current = draw(postings(at, 1))
        lines += current
        revisions = draw(st.integers(1, 3))
        for revision in range(2, revisions + 1):
            replacement = draw(postings(at, revision))
            lines += reverse(current, revision) + replacement
            current = replacement
        retail = Decimal(draw(st.integers(1000, 5000))) / 10_000
        feed_in = Decimal(draw(st.integers(0, 1000))) / 10_000
        note = CorrectionNote(NoteCode.TRADES_CHANGED) if revisions > 1 else None
        settled[at] = Settled(retail, feed_in, revisions, note)
    return lines, settled


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ledger=ledgers(), owners=st.lists(st.integers(0, 2), min_size=len(SITES), max_size=len(SITES)))
def test_households_grid_network_and_pool_sum_to_zero(
    ledger: tuple[list[Line], dict[datetime, Settled]], owners: list[int]
) -> None:
    lines, settled = ledger
    households: dict[int, list[str]] = {}
    for site, owner in zip(SITES, owners, strict=True):
        households.setdefault(owner, []).append(site.removeprefix("site:"))
    bills: list[Bill] = []
    for sites in households.values():
        accounts = {f"site:{s}" for s in sites}
        bills.append(bill([x for x in lines if x.account in accounts], settled, sites, *JUNE, "EUR"))
    others = [
        statement([x for x in lines if x.account == account], settled)
        for account in ("grid", "network", "pool")
    ]
    assert (
        sum((b.household.total for b in bills), Decimal(0)) + sum((o.total for o in others), Decimal(0)) == 0
    )
    for b in bills:
        assert b.household.savings == b.household.grid_only - b.household.total
        assert b.household.total == sum((s.total for s in b.sites.values()), Decimal(0))
        assert b.household.grid_only == sum((s.grid_only for s in b.sites.values()), Decimal(0))
        # The items as first settled plus the adjustments are all the ledger holds for the household.
        own = [x for x in lines if x.account.removeprefix("site:") in b.sites]
        assert b.household.total == -sum((x.amount for x in own), Decimal(0))


# The API on a real hub. ---------------------------------------------------------------------------

BERLIN_JUNE_START = datetime(2026, 5, 31, 22, 0, tzinfo=UTC)  # 1 June, 00:00 in Berlin


def settlement(
    community: str, start: datetime, revision: int = 1, note: CorrectionNote | None = None
) -> Settlement:
    return Settlement(
        community=community,
        start=start,
        end=start + timedelta(minutes=15),
        mode=SharingMode.MARKET,
        revision=revision,
        digest="0" * 64,
        retail_price=Decimal("0.3000"),
        feed_in_price=Decimal("0.0800"),
        shared_wh=0,
        note_code=None if note is None else note.code.value,
        note_sites=None if note is None else list(note.sites),
        settled_at=start + timedelta(minutes=20),
    )


def ledger_rows(community: str, lines: Sequence[Line]) -> list[LedgerLine]:
    """Rows as the settler writes them: two lines per posting, entries counted per revision."""
    rows = []
    for n, x in enumerate(lines):
        rows.append(
            LedgerLine(
                community=community,
                interval_start=x.interval_start,
                revision=x.revision,
                entry=n // 2,
                account=x.account,
                kind=x.kind,
                amount=x.amount,
                energy_wh=x.energy_wh,
                reversal=x.reversal,
            )
        )
    return rows


def moved(lines: Sequence[Line], at: datetime) -> list[Line]:
    return [Line(x.account, at, x.revision, x.kind, x.amount, x.energy_wh, x.reversal) for x in lines]


async def seed_ledger(session: AsyncSession, community: str) -> None:
    """home-a and home-c are alice's, home-b is bob's. One interval in the first Berlin hour of June,
    re-settled after home-b's late readings; one plain market interval; one in July (not billed)."""
    first_hour = BERLIN_JUNE_START + timedelta(minutes=15)
    july = datetime(2026, 7, 1, 8, tzinfo=UTC)
    session.add_all(
        [
            settlement(community, first_hour, 2, LATE_NOTE),
            settlement(community, T1),
            settlement(community, july),
        ]
    )
    session.add_all(ledger_rows(community, moved([*FIRST, *SECOND], first_hour)))
    session.add_all(ledger_rows(community, MARKET))
    session.add_all(ledger_rows(community, moved(transfer(K.GRID_IMPORT, C, "grid", "0.3000", 1000), T1)))
    session.add_all(ledger_rows(community, moved(transfer(K.GRID_IMPORT, A, "grid", "9.0000", 30000), july)))


def figure(body: dict[str, Any], item: str) -> tuple[int, str]:
    return body[item]["energy_wh"], body[item]["amount"]


async def test_a_household_gets_its_bill_as_json_and_csv(
    broker: BrokerAddress, db_url: str, start_hub: HubFactory, community: str
) -> None:
    async with start_hub(broker, db_url) as hub:
        await hub.seed(lambda s: ensure_community(s, community, timezone="Europe/Berlin", currency="EUR"))
        alice = await hub.resident("alice@example.org", "home-a", community)
        await hub.seed(lambda s: ensure_site(s, "home-c", community, "alice@example.org"))
        bob = await hub.resident("bob@example.org", "home-b", community)
        await hub.seed(lambda s: seed_ledger(s, community))

        response = await alice.get("/api/bills", params={"month": "2026-06"})
        assert response.status_code == 200, response.text
        body = response.json()
        assert (body["community"], body["currency"], body["month"]) == (community, "EUR", "2026-06")
        assert body["start"].startswith("2026-05-31T22:00:00")
        assert figure(body, "bought_from_neighbours") == (1000, "0.1500")
        assert figure(body, "grid_fees") == (0, "0.0200")
        # home-a's 0.5 kWh twice (market interval, and first settled in the first hour) + home-c's 1 kWh
        assert figure(body, "bought_from_grid") == (2000, "0.6000")
        assert figure(body, "sold_to_grid") == (0, "0.0000")
        [adjustment] = body["adjustments"]
        assert (adjustment["note"], adjustment["revision"], adjustment["amount"]) == (LATE, 2, "-0.0390")
        assert adjustment["correction"] == {"code": "late_readings", "sites": ["home-b"]}
        assert (body["total"], body["grid_only"], body["savings"]) == ("0.7310", "0.9000", "0.1690")
        assert [s["site"] for s in body["sites"]] == ["home-a", "home-c"]
        home_c = body["sites"][1]
        assert (home_c["total"], home_c["savings"], home_c["adjustments"]) == ("0.3000", "0.0000", [])

        exported = await alice.get("/api/bills.csv", params={"month": "2026-06"})
        assert exported.headers["content-type"].startswith("text/csv")
        rows = list(csv.DictReader(io.StringIO(exported.text)))
        household = {r["line"]: r for r in rows if r["scope"] == "household"}
        assert household["bought_from_grid"]["energy_kwh"] == "2.000"
        assert household["adjustment"]["note"] == LATE
        assert (household["total"]["amount"], household["savings"]["amount"]) == ("0.7310", "0.1690")
        assert {r["scope"] for r in rows} == {"household", "home-a", "home-c"}
        assert sum(
            Decimal(r["amount"]) for r in rows if r["scope"] != "household" and r["line"] == "total"
        ) == Decimal("0.7310")

        berlin_june = {"start": "2026-05-31T22:00:00Z", "end": "2026-06-30T22:00:00Z"}
        seller = (await bob.get("/api/bills", params=berlin_june)).json()
        assert figure(seller, "sold_to_neighbours") == (1000, "-0.1500")
        assert figure(seller, "sold_to_grid") == (200, "-0.0160")
        assert seller["month"] is None
        [late] = seller["adjustments"]
        assert (late["amount"], late["export_wh"]) == ("-0.0450", 300)

        july = (await alice.get("/api/bills", params={"month": "2026-07", "site": "home-a"})).json()
        assert (july["total"], [s["site"] for s in july["sites"]]) == ("9.0000", ["home-a"])


async def test_who_may_see_a_bill_and_bad_queries_name_the_parameter(
    broker: BrokerAddress, db_url: str, start_hub: HubFactory, community: str
) -> None:
    async with start_hub(broker, db_url) as hub:
        await hub.seed(lambda s: ensure_community(s, community, timezone="Europe/Berlin"))
        alice = await hub.resident("alice@example.org", "home-a", community)
        bob = await hub.resident("bob@example.org", "home-b", community)
        await hub.seed(lambda s: seed_ledger(s, community))
        alice_id = await hub.seed(lambda s: _user_id(s, "alice@example.org"))

        assert (await bob.get("/api/bills", params={"household": alice_id})).status_code == 403
        assert (await bob.get("/api/bills", params={"site": "home-a"})).status_code == 403
        assert (await bob.get("/api/bills", params={"community": "other"})).status_code == 403
        admin = await hub.admin()
        as_admin = await admin.get("/api/bills", params={"household": alice_id, "month": "2026-06"})
        assert as_admin.status_code == 200, as_admin.text
        assert (as_admin.json()["household"], as_admin.json()["total"]) == (alice_id, "0.4310")
        await hub.seed(lambda s: ensure_user(s, "elsewhere@example.org", PASSWORD, UserRole.ADMIN, "other"))
        other_admin = await hub.client_for("elsewhere@example.org")
        assert (await other_admin.get("/api/bills", params={"household": alice_id})).status_code == 403
        assert (await other_admin.get("/api/bills", params={"site": "home-a"})).status_code == 403

        for params, name in [
            ({"month": "2026-13"}, "month"),
            ({"month": "June"}, "month"),
            ({"month": "2026-06", "start": "2026-06-01T00:00:00Z"}, "month"),
            ({"start": "2026-06-01T00:00:00Z"}, "end"),
            ({"start": "2026-06-02T00:00:00Z", "end": "2026-06-01T00:00:00Z"}, "end"),
            ({"start": "2025-01-01T00:00:00Z", "end": "2026-06-01T00:00:00Z"}, "start"),
            ({"start": "yesterday", "end": "2026-06-01T00:00:00Z"}, "start"),
            ({"month": "0000-01"}, "month"),
            ({"start": "0001-01-01T00:00:00+01:00", "end": "2026-06-01T00:00:00Z"}, "start"),
            ({"household": "0"}, "household"),
            ({"site": "Not A Site"}, "site"),
        ]:
            for path in ("/api/bills", "/api/bills.csv"):
                response = await alice.get(path, params=params)
                assert response.status_code == 422, (path, params, response.text)
                assert response.json()["detail"][0]["loc"] == ["query", name], (params, response.text)


async def _user_id(session: AsyncSession, email: str) -> int:
    return int((await session.scalars(select(User.id).where(User.email == email))).one())


async def test_a_resident_downloads_their_trades_as_csv(
    broker: BrokerAddress, db_url: str, start_hub: HubFactory, community: str
) -> None:
    async with start_hub(broker, db_url) as hub:
        alice = await hub.resident("alice@example.org", "home-a", community)
        await hub.seed(lambda s: ensure_site(s, "home-c", community, "alice@example.org"))
        bob = await hub.resident("bob@example.org", "home-b", community)
        await hub.resident("carol@example.org", "home-d", community)

        async def trades(session: AsyncSession) -> None:
            session.add_all(
                [
                    trade(community, "home-b", "home-a", T1, S.COMPLETED, 1000, 1000, Decimal("0.1700")),
                    trade(
                        community,
                        "home-a",
                        "home-b",
                        T2,
                        S.PARTIAL,
                        800,
                        350,
                        Decimal("0.0595"),
                        Shortfall.BUYER_IMPORTED_LESS,
                    ),
                    trade(community, "home-a", "home-c", T2, S.SCHEDULED, 500, 0, None),  # alice to herself
                    trade(community, "home-b", "home-d", T1, S.COMPLETED, 100, 100, Decimal("0.0170")),
                ]
            )

        await hub.seed(trades)
        response = await alice.get("/api/transactions.csv")
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith("text/csv")
        rows = list(csv.DictReader(io.StringIO(response.text)))
        assert [(r["site"], r["role"], r["counterparty"], r["status"]) for r in rows] == [
            ("home-a", "buyer", "home-b", "completed"),
            ("home-a", "seller", "home-b", "partially_delivered"),
            ("home-a", "seller", "home-c", "scheduled"),
            ("home-c", "buyer", "home-a", "scheduled"),
        ]
        first, partial, mine, _ = rows
        assert (first["interval_start"], first["traded_kwh"], first["delivered_kwh"]) == (
            T1.isoformat(),
            "1.000",
            "1.000",
        )
        assert (first["energy_price"], first["fee"], first["amount"], first["shortfall"]) == (
            "0.1500",
            "0.0200",
            "0.1700",
            "",
        )
        assert (partial["delivered_kwh"], partial["amount"], partial["shortfall"]) == (
            "0.350",
            "0.0595",
            "buyer_imported_less",
        )
        assert mine["amount"] == ""  # not settled yet

        only = list(
            csv.DictReader(
                io.StringIO((await alice.get("/api/transactions.csv", params={"site": "home-c"})).text)
            )
        )
        assert [(r["site"], r["role"]) for r in only] == [("home-c", "buyer")]
        later = await bob.get(
            "/api/transactions.csv", params={"start": T2.isoformat(), "status": "partially_delivered"}
        )
        assert [r["role"] for r in csv.DictReader(io.StringIO(later.text))] == ["buyer"]
        assert (await bob.get("/api/transactions.csv", params={"site": "home-a"})).status_code == 403
        admin = await (await hub.admin()).get("/api/transactions.csv")
        assert len(list(csv.DictReader(io.StringIO(admin.text)))) == 8  # both sides of every trade
        for params, name in [
            ({"start": T2.isoformat(), "end": T1.isoformat()}, "end"),
            ({"status": "done"}, "status"),
            ({"start": "soon"}, "start"),
            ({"end": "9999-12-31T23:00:00-05:00"}, "end"),
        ]:
            bad = await alice.get("/api/transactions.csv", params=params)
            assert bad.status_code == 422
            assert bad.json()["detail"][0]["loc"] == ["query", name]


S = TransactionStatus


def trade(
    community: str,
    seller: str,
    buyer: str,
    at: datetime,
    status: TransactionStatus,
    traded: int,
    delivered: int,
    amount: Decimal | None,
    shortfall: Shortfall | None = None,
) -> Transaction:
    return Transaction(
        community=community,
        seller_site_id=seller,
        buyer_site_id=buyer,
        energy_wh=traded,
        energy_price=Decimal("0.1500"),
        fee=Decimal("0.0200"),
        mechanism=Mechanism.PAY_AS_CLEAR,
        delivered_wh=delivered,
        status=status,
        shortfall=shortfall,
        amount=amount,
        window_start=at,
        window_end=at + timedelta(minutes=15),
    )


async def test_a_bill_reads_what_the_settler_posts_and_shows_its_correction(
    broker: BrokerAddress, db_url: str, start_hub: HubFactory, community: str
) -> None:
    async with start_hub(broker, db_url) as hub:
        alice = await hub.resident("alice@example.org", "home-a", community, kind="consumer")
        await hub.resident("bob@example.org", "home-b", community, kind="provider")

        async def meters(session: AsyncSession, seller_export_wh: float) -> None:
            for site, imported, exported in (("home-a", 1500.0, 0.0), ("home-b", 0.0, seller_export_wh)):
                row = await session.get(SiteInterval, (site, T1))
                if row is None:
                    row = SiteInterval(site_id=site, start=T1, readings=10)
                    session.add(row)
                row.import_wh, row.export_wh = imported, exported

        async def settle(session: AsyncSession) -> None:
            found = await session.get(Community, community)
            assert found is not None
            assert await settle_interval(session, found, T1, T1 + timedelta(hours=1)) is not None

        async def seeded(session: AsyncSession) -> None:
            session.add(trade(community, "home-b", "home-a", T1, S.SCHEDULED, 1000, 0, None))
            await meters(session, 600.0)  # home-b exported only 600 Wh of the 1000 it sold

        await hub.seed(seeded)
        await hub.seed(settle)
        first = (await alice.get("/api/bills", params={"month": "2026-06"})).json()
        assert figure(first, "bought_from_neighbours") == (600, "0.0900")
        assert figure(first, "grid_fees") == (0, "0.0120")
        assert figure(first, "bought_from_grid") == (900, "0.2700")
        assert (first["total"], first["grid_only"], first["savings"], first["adjustments"]) == (
            "0.3720",
            "0.4500",
            "0.0780",
            [],
        )

        # home-b's agent comes back online: it had exported 1200 Wh after all.
        await hub.seed(lambda s: meters(s, 1200.0))
        await hub.seed(settle)
        again = (await alice.get("/api/bills", params={"month": "2026-06"})).json()
        assert figure(again, "bought_from_neighbours") == (600, "0.0900")  # as first settled
        [adjustment] = again["adjustments"]
        assert (adjustment["revision"], adjustment["note"]) == (2, "late readings from home-b")
        assert adjustment["correction"] == {"code": "late_readings", "sites": ["home-b"]}
        assert (adjustment["amount"], adjustment["import_wh"]) == ("-0.0520", 0)
        assert (again["total"], again["grid_only"], again["savings"]) == ("0.3200", "0.4500", "0.1300")
