"""Settlement from the meters: delivery tables, shortfalls, and properties of the ledger it posts."""

from __future__ import annotations

import random
from collections import defaultdict
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hub.db.models import AllocationKey, LedgerKind, SharingMode, Shortfall, TransactionStatus
from hub.market.correction_notes import CorrectionNote, NoteCode, stored, why
from hub.market.expost import Metered
from hub.market.ledger import GRID, NETWORK, Tariff, balances, money, site_account
from hub.market.settlement import ExPost, Trade, deliveries, digest, pro_rata, settle

S = TransactionStatus
TARIFF = Tariff(retail=Decimal("0.3000"), feed_in=Decimal("0.0800"))
PRICE, FEE = Decimal("0.1500"), Decimal("0.0200")


def trade(id: int, seller: str, buyer: str, wh: int) -> Trade:
    return Trade(id, seller, buyer, wh, PRICE, FEE)


@pytest.mark.parametrize(
    ("total", "weights", "shares"),
    [
        (1000, [600, 400], [600, 400]),  # enough for all
        (500, [600, 400], [300, 200]),
        (1, [1, 1], [1, 0]),  # a tie goes to the earlier trade
        (2, [1, 1, 1], [1, 1, 0]),
        (7, [3, 3, 3], [3, 2, 2]),
        (0, [5, 5], [0, 0]),
        (10, [], []),
    ],
)
def test_pro_rata_table(total: int, weights: list[int], shares: list[int]) -> None:
    assert pro_rata(total, weights) == shares


@pytest.mark.parametrize(
    ("meters", "delivered", "status", "shortfall"),
    [
        ({"sun": Metered(0, 1000), "home": Metered(1000, 0)}, 1000, S.COMPLETED, None),
        ({"sun": Metered(0, 1500), "home": Metered(1200, 0)}, 1000, S.COMPLETED, None),
        ({"sun": Metered(0, 600), "home": Metered(1000, 0)}, 600, S.PARTIAL, Shortfall.SELLER_EXPORTED_LESS),
        ({"sun": Metered(0, 1000), "home": Metered(250, 0)}, 250, S.PARTIAL, Shortfall.BUYER_IMPORTED_LESS),
        ({"sun": Metered(0, 0), "home": Metered(1000, 0)}, 0, S.FAILED, Shortfall.SELLER_EXPORTED_LESS),
        ({"home": Metered(1000, 0)}, 0, S.FAILED, Shortfall.READINGS_MISSING),
        ({"sun": Metered(0, 1000)}, 0, S.FAILED, Shortfall.READINGS_MISSING),
    ],
)
def test_one_trade_delivers_what_both_meters_show(
    meters: dict[str, Metered], delivered: int, status: S, shortfall: Shortfall | None
) -> None:
    [result] = deliveries([trade(1, "sun", "home", 1000)], meters)
    assert (result.delivered_wh, result.status, result.shortfall) == (delivered, status, shortfall)
    assert result.amount == money(PRICE, delivered) + money(FEE, delivered)


def test_a_short_seller_shares_its_export_pro_rata_across_its_trades() -> None:
    trades = [trade(1, "sun", "a", 600), trade(2, "sun", "b", 400)]
    meters = {"sun": Metered(0, 500), "a": Metered(600, 0), "b": Metered(400, 0)}
    assert [d.delivered_wh for d in deliveries(trades, meters)] == [300, 200]


def test_the_ledger_of_one_interval_pays_seller_network_and_grid() -> None:
    trades = [trade(1, "sun", "home", 1000)]
    meters = {"sun": Metered(0, 1800), "home": Metered(1500, 0)}
    outcome = settle(trades, meters, TARIFF)
    assert balances(outcome.postings) == {
        site_account("home"): -(
            Decimal("0.1500") + Decimal("0.0200") + Decimal("0.1500")
        ),  # 1 kWh traded, 0.5 grid
        site_account("sun"): Decimal("0.1500") + Decimal("0.0640"),  # 1 kWh traded, 0.8 kWh fed in
        NETWORK: Decimal("0.0200"),
        GRID: Decimal("0.1500") - Decimal("0.0640"),
    }
    assert {p.kind for p in outcome.postings} == {
        LedgerKind.TRADE,
        LedgerKind.GRID_FEE,
        LedgerKind.GRID_IMPORT,
        LedgerKind.GRID_EXPORT,
    }
    assert outcome.shared_wh == 1000


def test_a_sellers_trades_are_one_posting_a_line_per_trade_and_one_for_the_seller() -> None:
    trades = [trade(1, "sun", "a", 600), trade(2, "sun", "b", 400), trade(3, "wind", "a", 100)]
    meters = {"sun": Metered(0, 1000), "wind": Metered(0, 100), "a": Metered(700, 0), "b": Metered(400, 0)}
    traded = [p for p in settle(trades, meters, TARIFF).postings if p.kind is LedgerKind.TRADE]
    assert [[(x.account, x.amount, x.energy_wh, x.transaction_id) for x in p.lines] for p in traded] == [
        [
            (site_account("sun"), money(PRICE, 600) + money(PRICE, 400), -1000, None),
            (site_account("a"), -money(PRICE, 600), 600, 1),
            (site_account("b"), -money(PRICE, 400), 400, 2),
        ],
        [
            (site_account("wind"), money(PRICE, 100), -100, None),
            (site_account("a"), -money(PRICE, 100), 100, 3),
        ],
    ]


def test_ex_post_shares_surplus_through_the_pool() -> None:
    meters = {"sun": Metered(0, 1000), "a": Metered(600, 0), "b": Metered(1400, 0)}
    outcome = settle([], meters, TARIFF, ExPost(AllocationKey.DYNAMIC, Decimal("0.2000")))
    assert outcome.shared_wh == 1000
    assert {
        s: (a.given_wh, a.received_wh) for s, a in outcome.allocations.items() if a.given_wh or a.received_wh
    } == {
        "sun": (1000, 0),
        "a": (0, 300),
        "b": (0, 700),
    }
    totals = balances(outcome.postings)
    assert totals[site_account("sun")] == Decimal("0.2000")
    assert totals[site_account("a")] == -(Decimal("0.0600") + money(TARIFF.retail, 300))
    assert sum(totals.values()) == 0


# Properties: for any trades and meters.
SITES = ["s0", "s1", "s2", "s3", "s4"]


@st.composite
def intervals(draw: st.DrawFn) -> tuple[list[Trade], dict[str, Metered]]:
    trades = []
    for i in range(draw(st.integers(0, 8))):
        seller, buyer = draw(st.lists(st.sampled_from(SITES), min_size=2, max_size=2, unique=True))
        price = Decimal(draw(st.integers(800, 3000))) / 10000
        fee = Decimal(draw(st.integers(0, 400))) / 10000
        trades.append(Trade(i + 1, seller, buyer, draw(st.integers(1, 5000)), price, fee))
    meters = {
        site: Metered(draw(st.integers(0, 8000)), draw(st.integers(0, 8000)))
        for site in SITES
        if draw(st.booleans()) or draw(st.booleans())  # some sites send no readings
    }
    return trades, meters


@settings(max_examples=300, deadline=None)
@given(intervals())
def test_delivery_never_exceeds_the_trade_nor_the_meters(
    case: tuple[list[Trade], dict[str, Metered]],
) -> None:
    trades, meters = case
    done = {d.trade_id: d for d in deliveries(trades, meters)}
    sold: dict[str, int] = defaultdict(int)
    bought: dict[str, int] = defaultdict(int)
    for t in trades:
        d = done[t.id]
        assert 0 <= d.delivered_wh <= t.energy_wh
        assert (d.status is S.COMPLETED) == (d.delivered_wh == t.energy_wh) == (d.shortfall is None)
        sold[t.seller] += d.delivered_wh
        bought[t.buyer] += d.delivered_wh
    for site, m in meters.items():
        assert sold[site] <= m.export_wh
        assert bought[site] <= m.import_wh
    assert all(sold[s] == bought[s] == 0 for s in SITES if s not in meters)


@settings(max_examples=300, deadline=None)
@given(intervals(), st.sampled_from([None, AllocationKey.DYNAMIC]))
def test_every_posting_balances_and_every_metered_wh_is_booked(
    case: tuple[list[Trade], dict[str, Metered]], key: AllocationKey | None
) -> None:
    trades, meters = case
    ex_post = None if key is None else ExPost(key, Decimal("0.1900"))
    outcome = settle(trades, meters, TARIFF, ex_post)
    assert all(p.balance() == 0 for p in outcome.postings)
    energy: dict[str, int] = defaultdict(int)
    for posting in outcome.postings:
        for line in posting.lines:
            energy[line.account] += line.energy_wh
    for site, m in meters.items():  # bought minus sold, from neighbours and the grid, is what the meter saw
        assert energy[site_account(site)] == m.import_wh - m.export_wh
    assert sum(energy.values()) == 0


@settings(max_examples=200, deadline=None)
@given(intervals(), st.randoms(use_true_random=False))
def test_the_order_of_trades_and_readings_does_not_change_the_result(
    case: tuple[list[Trade], dict[str, Metered]], rng: random.Random
) -> None:
    trades, meters = case
    shuffled_trades = rng.sample(trades, len(trades))
    shuffled_meters = dict(rng.sample(list(meters.items()), len(meters)))
    assert settle(trades, meters, TARIFF) == settle(shuffled_trades, shuffled_meters, TARIFF)
    assert digest(SharingMode.MARKET, trades, meters, TARIFF) == digest(
        SharingMode.MARKET, shuffled_trades, shuffled_meters, TARIFF
    )


def test_the_digest_changes_with_any_input() -> None:
    trades = [trade(1, "sun", "home", 1000)]
    meters = {"sun": Metered(0, 1000), "home": Metered(1000, 0)}
    base = digest(SharingMode.MARKET, trades, meters, TARIFF)
    assert digest(SharingMode.MARKET, trades, {**meters, "home": Metered(999, 0)}, TARIFF) != base
    assert digest(SharingMode.MARKET, [], meters, TARIFF) != base
    assert digest(SharingMode.MARKET, trades, meters, Tariff(Decimal("0.3100"), TARIFF.feed_in)) != base


@pytest.mark.parametrize(
    ("before", "after", "note", "text"),
    [
        (
            {"a": [100, 0], "b": [0, 50]},
            {"a": [100, 0], "b": [0, 80]},
            CorrectionNote(NoteCode.LATE_READINGS, ("b",)),
            "late readings from b",
        ),
        # A site heard of for the first time, and one whose readings were withdrawn, both count.
        (
            {"c": [10, 0], "a": [5, 0]},
            {"a": [5, 0], "b": [0, 1]},
            CorrectionNote(NoteCode.LATE_READINGS, ("b", "c")),
            "late readings from b, c",
        ),
        ({"a": [100, 0]}, {"a": [100, 0]}, CorrectionNote(NoteCode.TRADES_CHANGED), "trades changed"),
    ],
)
def test_a_correction_is_noted_as_a_code_and_the_sites_whose_meters_changed(
    before: dict[str, list[int]], after: dict[str, list[int]], note: CorrectionNote, text: str
) -> None:
    assert why(before, after) == note
    assert note.text() == text
    assert stored(note.code.value, list(note.sites) or None) == note
    assert stored(None, None) is None
