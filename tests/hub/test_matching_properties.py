"""Properties of the matching engine on random books, and its surplus against a linear program.

The linear program (scipy's HiGHS) is written here from the orders themselves, not from the
engine's pair matrices: variables are the Wh each admissible (bid, ask) pair trades.
"""

from __future__ import annotations

import random
from decimal import Decimal

import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog  # type: ignore[import-untyped]

from hub.db.models.enums import AssetKind, Mechanism, Urgency
from hub.market import simplex
from hub.market.allocation import FlowProblem, min_cost_flow_plan
from hub.market.book import GREEN, Ask, Bid, Book
from hub.market.fees import (
    EARTH_RADIUS_KM,
    NO_FEES,
    UNKNOWN,
    FeeSchedule,
    PairDistances,
    distance_units,
    street_feeder_substation,
)
from hub.market.matching import Clearing, Rules, clear
from hub.market.ticks import from_ticks
from hub.market.transport import EXACT_ORDERS, reach_of, reference_price

D = Decimal
FEES = street_feeder_substation(D("0.01"), D("0.02"), D("0.04"))
SITES = [f"site{k}" for k in range(8)]
LOCATIONS = {site: (0.006 * k, 0.004 * (k % 3)) for k, site in enumerate(SITES[:7])}  # site7: no location
FEED_IN, RETAIL = D("0.08"), D("0.30")
I64 = npt.NDArray[np.int64]

prices = st.integers(5, 35).map(lambda cents: D(cents) / 100)
energies = st.integers(1, 50).map(lambda hundreds: hundreds * 100)
owners = st.one_of(st.none(), st.integers(1, 6))
site_sets = st.frozensets(st.sampled_from(SITES), max_size=2)


@st.composite
def bids(draw: st.DrawFn, order_id: int, plain: bool) -> Bid:
    return Bid(
        order_id=order_id,
        site=draw(st.sampled_from(SITES)),
        owner=None if plain else draw(owners),
        energy_wh=draw(energies),
        max_price=draw(prices),
        urgency=draw(st.sampled_from(list(Urgency))),
        green_only=False if plain else draw(st.booleans()),
        max_distance_km=None if plain else draw(st.one_of(st.none(), st.sampled_from([0.5, 1.0, 2.5]))),
        preferred=frozenset() if plain else draw(site_sets),
        excluded=frozenset() if plain else draw(site_sets),
    )


@st.composite
def books(draw: st.DrawFn, plain: bool = False) -> tuple[list[Bid], list[Ask]]:
    nb = draw(st.integers(0, 15))
    na = draw(st.integers(0, 15))
    bid_list = [draw(bids(100 + i, plain)) for i in range(nb)]
    ask_list = [
        Ask(
            order_id=200 + j,
            site=draw(st.sampled_from(SITES)),
            owner=None if plain else draw(owners),
            energy_wh=draw(energies),
            min_price=draw(prices),
            source=draw(st.sampled_from(list(AssetKind))),
        )
        for j in range(na)
    ]
    if plain:  # distinct sites on each side, so no site trades with itself
        bid_list = [
            Bid(b.order_id, f"b{b.order_id}", None, b.energy_wh, b.max_price, b.urgency) for b in bid_list
        ]
    return bid_list, ask_list


def rules(mechanism: Mechanism, fees: FeeSchedule = NO_FEES) -> Rules:
    return Rules(mechanism, FEED_IN, RETAIL, fees)


def _fee(bid: Bid, ask: Ask, fees: FeeSchedule) -> tuple[Decimal, int]:
    a, b = LOCATIONS.get(bid.site), LOCATIONS.get(ask.site)
    if a is None or b is None:
        units = UNKNOWN
    else:
        units = int(distance_units(*(np.array([v]) for v in (a[0], a[1], b[0], b[1])))[0])
    return fees.fee(None if units == UNKNOWN else units / 100), units


def admissible_pairs(
    bid_list: list[Bid], ask_list: list[Ask], fees: FeeSchedule
) -> list[tuple[int, int, Decimal, Decimal, Decimal]]:
    """(bid index, ask index, gain per kWh, lowest price, highest price) of every pair that may trade."""
    out = []
    for i, b in enumerate(bid_list):
        for j, a in enumerate(ask_list):
            if b.site == a.site or (b.owner is not None and b.owner == a.owner):
                continue
            if a.site in b.excluded or (b.green_only and a.source not in GREEN):
                continue
            fee, units = _fee(b, a, fees)
            if b.max_distance_km is not None and (units == UNKNOWN or units > round(b.max_distance_km * 100)):
                continue
            low, high = max(a.min_price, FEED_IN), min(b.max_price - fee, RETAIL)
            if low <= high:
                out.append((i, j, b.max_price - a.min_price - fee, low, high))
    return out


def lp_optimum(bid_list: list[Bid], ask_list: list[Ask], pairs: list[tuple[int, int, Decimal]]) -> float:
    """The best surplus (currency) over ``pairs`` (bid index, ask index, gain per kWh)."""
    if not pairs:
        return 0.0
    gain = np.array([float(g) / 1000 for _, _, g in pairs])  # per Wh
    rows = np.zeros((len(bid_list) + len(ask_list), len(pairs)))
    for k, (i, j, _) in enumerate(pairs):
        rows[i, k] = rows[len(bid_list) + j, k] = 1
    limits = [b.energy_wh for b in bid_list] + [a.energy_wh for a in ask_list]
    result = linprog(-gain, A_ub=rows, b_ub=limits, bounds=(0, None), method="highs")
    assert result.status == 0
    return float(-result.fun)


def best_single_price(bid_list: list[Bid], ask_list: list[Ask], fees: FeeSchedule) -> float:
    pairs = admissible_pairs(bid_list, ask_list, fees)
    candidates = sorted({p for *_, low, high in pairs for p in (low, high)})
    best, seen = 0.0, set()
    for price in candidates:
        admitted = frozenset((i, j, g) for i, j, g, low, high in pairs if low <= price <= high)
        if admitted not in seen:
            seen.add(admitted)
            best = max(best, lp_optimum(bid_list, ask_list, sorted(admitted)))
    return best


def check_invariants(bid_list: list[Bid], ask_list: list[Ask], result: Clearing, rule: Rules) -> None:
    by_bid = {b.order_id: b for b in bid_list}
    by_ask = {a.order_id: a for a in ask_list}
    traded_bid: dict[int, int] = {}
    traded_ask: dict[int, int] = {}
    for t in result.trades():
        assert t.energy_wh > 0
        traded_bid[t.bid_order_id] = traded_bid.get(t.bid_order_id, 0) + t.energy_wh
        traded_ask[t.ask_order_id] = traded_ask.get(t.ask_order_id, 0) + t.energy_wh
        assert t.energy_price >= by_ask[t.ask_order_id].min_price
        assert t.buyer_price <= by_bid[t.bid_order_id].max_price
        assert rule.feed_in <= t.energy_price <= rule.retail
        assert t.buyer_site != t.seller_site
        owner = by_bid[t.bid_order_id].owner
        assert owner is None or owner != by_ask[t.ask_order_id].owner
        assert t.seller_site not in by_bid[t.bid_order_id].excluded
    for order_id, wh in traded_bid.items():
        assert wh <= by_bid[order_id].energy_wh
    for order_id, wh in traded_ask.items():
        assert wh <= by_ask[order_id].energy_wh
    assert sum(traded_bid.values()) == sum(traded_ask.values()) == result.volume_wh
    if rule.mechanism is Mechanism.PAY_AS_CLEAR:
        assert {t.energy_price for t in result.trades()} <= {result.price}
    for b in bid_list:
        assert result.explain_bid(b.order_id).code
    for a in ask_list:
        assert result.explain_ask(a.order_id).code


FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
LP = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.parametrize("mechanism", list(Mechanism))
@pytest.mark.parametrize("fees", [FeeSchedule.zero(), FEES], ids=["no_fees", "fees"])
@FAST
@given(book=books())
def test_trades_respect_every_order_and_the_corridor(
    mechanism: Mechanism, fees: FeeSchedule, book: tuple[list[Bid], list[Ask]]
) -> None:
    rule = rules(mechanism, fees)
    check_invariants(*book, clear(Book.build(*book, LOCATIONS), rule), rule)


@FAST
@given(book=books(plain=True), mechanism=st.sampled_from(list(Mechanism)))
def test_plain_books_respect_every_order(book: tuple[list[Bid], list[Ask]], mechanism: Mechanism) -> None:
    rule = rules(mechanism)
    check_invariants(*book, clear(Book.build(*book, LOCATIONS), rule), rule)


@FAST
@given(book=books(), seed=st.integers(0, 2**16), mechanism=st.sampled_from(list(Mechanism)))
def test_shuffling_the_book_changes_nothing(
    book: tuple[list[Bid], list[Ask]], seed: int, mechanism: Mechanism
) -> None:
    bid_list, ask_list = book
    rule = rules(mechanism, FEES)
    first = clear(Book.build(bid_list, ask_list, LOCATIONS), rule)
    random.Random(seed).shuffle(bid_list)
    random.Random(seed + 1).shuffle(ask_list)
    again = clear(Book.build(bid_list, ask_list, LOCATIONS), rule)
    assert (again.trades(), again.price) == (first.trades(), first.price)
    assert [again.explain_bid(b.order_id) for b in bid_list] == [
        first.explain_bid(b.order_id) for b in bid_list
    ]


def _surplus(result: Clearing) -> float:
    return float(result.surplus)


@LP
@given(book=books(plain=True))
def test_pay_as_clear_without_fees_reaches_the_optimum(book: tuple[list[Bid], list[Ask]]) -> None:
    pairs = [(i, j, g) for i, j, g, *_ in admissible_pairs(*book, FeeSchedule.zero())]
    optimum = lp_optimum(*book, pairs)
    assert (
        _surplus(clear(Book.build(*book, LOCATIONS), rules(Mechanism.PAY_AS_CLEAR))) >= 0.99 * optimum - 1e-9
    )


@LP
@given(book=books())
def test_pay_as_bid_reaches_the_optimum(book: tuple[list[Bid], list[Ask]]) -> None:
    pairs = [(i, j, g) for i, j, g, *_ in admissible_pairs(*book, FEES)]
    optimum = lp_optimum(*book, pairs)
    assert (
        _surplus(clear(Book.build(*book, LOCATIONS), rules(Mechanism.PAY_AS_BID, FEES)))
        >= 0.99 * optimum - 1e-9
    )


@LP
@given(book=books())
def test_pay_as_clear_with_fees_reaches_the_best_single_price(book: tuple[list[Bid], list[Ask]]) -> None:
    best = best_single_price(*book, FEES)
    result = clear(Book.build(*book, LOCATIONS), rules(Mechanism.PAY_AS_CLEAR, FEES))
    assert _surplus(result) >= 0.99 * best - 1e-9


# Fee bands and distance limits compare the haversine's h with that of a limit instead of
# rounding every distance: these pin that to the rounded figures, near the rounding edges too.
coordinates = st.tuples(st.floats(-60.0, 60.0), st.floats(-170.0, 170.0))
half_units = 2 * EARTH_RADIUS_KM * 100  # units per radian of the haversine's central half-angle


@settings(max_examples=60, deadline=None)
@given(
    origin=coordinates,
    units=st.lists(st.integers(0, 5_000), min_size=1, max_size=30),
    offset=st.sampled_from([0.5, 0.5 - 1e-7, 0.5 + 1e-7, 0.5 - 1e-12, 0.0, 0.25]),
    unknown=st.booleans(),
    far=st.booleans(),
)
def test_distance_limits_and_fee_bands_agree_with_the_rounded_distance(
    origin: tuple[float, float], units: list[int], offset: float, unknown: bool, far: bool
) -> None:
    # points due north of the origin at (almost) a whole number and a half of 10 m units
    north = np.degrees((np.array(units, dtype=np.float64) + offset) * 2 / half_units)
    lat_b = np.array([[origin[0]]])
    lat_a = (origin[0] + north)[None, :] if not far else np.array([[-origin[0]] * len(units)])
    lon_a = np.full((1, len(units)), origin[1] + (120.0 if far else 0.0))
    if unknown:
        lat_a[0, 0] = np.nan
    points = (lat_b, np.array([[origin[1]]]), lat_a, lon_a)
    exact = distance_units(*points)
    distances = PairDistances(*points)
    for limit in {0, units[0], units[-1], units[0] + 1, 2_500, 10**8}:
        assert (distances.at_most(limit) == ((exact <= limit) & (exact != UNKNOWN))).all()
    rows = PairDistances(*points).of_rows(np.array([0]))
    assert (rows.at_most(np.array([[units[0]]])) == ((exact <= units[0]) & (exact != UNKNOWN))).all()
    for schedule in (FEES, FeeSchedule.rate(D("0.0030"), D("0.0250"))):
        assert (schedule.fee_of(PairDistances(*points)) == schedule.fee_ticks(exact)).all()
    assert (distances.units == exact).all()


@st.composite
def large_books(draw: st.DrawFn) -> tuple[list[Bid], list[Ask]]:
    """More than ``EXACT_ORDERS`` orders, so the one-price, one-solve path clears them."""
    nb = draw(st.integers(16, 24))
    na = draw(st.integers(EXACT_ORDERS + 1 - nb, 24))
    bid_list = [draw(bids(100 + i, False)) for i in range(nb)]
    ask_list = [
        Ask(
            200 + j,
            draw(st.sampled_from(SITES)),
            draw(owners),
            draw(energies),
            draw(prices),
            draw(st.sampled_from(list(AssetKind))),
        )
        for j in range(na)
    ]
    return bid_list, ask_list


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(book=large_books(), seed=st.integers(0, 2**16))
def test_large_books_reach_the_optimum_at_the_reference_price(
    book: tuple[list[Bid], list[Ask]], seed: int
) -> None:
    """Pay-as-clear on a large book: every invariant, the same trades in any order, and the
    surplus of the linear program over the pairs the reference price admits (the one solve),
    less at most 15/16 of a tick per Wh traded: what ranking urgency and preferred partners in
    the same flow may cost."""
    bid_list, ask_list = book
    rule = rules(Mechanism.PAY_AS_CLEAR, FEES)
    canonical = Book.build(bid_list, ask_list, LOCATIONS)
    result = clear(canonical, rule)
    check_invariants(bid_list, ask_list, result, rule)
    shuffled = random.Random(seed).sample(bid_list, len(bid_list))
    again = clear(Book.build(shuffled, ask_list, LOCATIONS), rule)
    assert (again.trades(), again.price) == (result.trades(), result.price)
    pairs = result.pairs
    admissible = pairs.admissible
    if not admissible.any():
        assert result.volume_wh == 0
        return
    reference = from_ticks(reference_price(canonical, pairs, reach_of(pairs, admissible)))
    admitted = [
        (i, j, gain)
        for i, j, gain, low, high in admissible_pairs(bid_list, ask_list, FEES)
        if low <= reference <= high
    ]
    slack = result.volume_wh * 15 / 16 * 1e-7  # Wh × ticks, in currency
    assert _surplus(result) >= lp_optimum(bid_list, ask_list, admitted) - slack - 1e-9


@st.composite
def transport_problems(draw: st.DrawFn) -> tuple[I64, I64, I64, I64, I64]:
    """Asks' supply, bids' demand, and arcs (ask, bid, cost per Wh) between them, each pair once;
    costs from a few levels, so that equal-cost plans are common, some near ``simplex.fits``'s
    limit."""
    na, nb = draw(st.integers(1, 9)), draw(st.integers(1, 9))
    supply = draw(st.lists(st.integers(1, 5000), min_size=na, max_size=na))
    demand = draw(st.lists(st.integers(1, 5000), min_size=nb, max_size=nb))
    cells = draw(st.lists(st.tuples(st.integers(0, na - 1), st.integers(0, nb - 1)), min_size=1, unique=True))
    largest = draw(st.sampled_from([40_000, 2**46 // 100]))
    levels = draw(st.lists(st.integers(-largest, 0), min_size=1, max_size=4))
    cost = [draw(st.sampled_from(levels)) for _ in cells]
    ask, bid = zip(*cells, strict=True)
    return tuple(np.array(v, dtype=np.int64) for v in (supply, demand, ask, bid, cost))  # type: ignore[return-value]


@settings(max_examples=200, deadline=None)
@given(problem=transport_problems())
def test_the_network_simplex_reaches_the_min_cost_flow_optimum(
    problem: tuple[I64, I64, I64, I64, I64],
) -> None:
    """The two solvers behind ``allocate_arcs``: POT's network simplex in float64 gives a
    feasible plan in whole Wh whose cost is OR-Tools' optimum in int64."""
    supply, demand, ask, bid, cost = problem
    total = int(min(supply.sum(), demand.sum()))
    assert simplex.fits(len(supply) + len(demand) + 2, total, int(np.abs(cost).max()))
    flows = simplex.transport(supply, demand, ask, bid, cost)
    assert flows.dtype == np.int64
    assert (flows >= 0).all()
    assert (np.bincount(ask, weights=flows, minlength=len(supply)) <= supply).all()
    assert (np.bincount(bid, weights=flows, minlength=len(demand)) <= demand).all()
    reference, optimum = min_cost_flow_plan(FlowProblem(supply, demand, ask, bid, cost, total))
    assert int((flows * cost).sum()) == optimum == int((reference * cost).sum())
