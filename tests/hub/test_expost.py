"""Ex-post allocation (hub.market.expost): tables for the keys, properties on random meters."""

from __future__ import annotations

import random
from decimal import Decimal
from fractions import Fraction
from math import floor
from typing import TypeVar

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hub.db.models.enums import AllocationKey
from hub.market.expost import Metered, Share, allocate, allocation_price

D = Decimal
T = TypeVar("T")
DYNAMIC, STATIC = AllocationKey.DYNAMIC, AllocationKey.STATIC


def m(import_wh: int = 0, export_wh: int = 0) -> Metered:
    return Metered(import_wh, export_wh)


@pytest.mark.parametrize(
    ("meters", "expected"),
    [
        pytest.param(  # pool 600 < demand 900: pro rata 200 / 400
            {"pv": m(0, 600), "a": m(300), "b": m(600)},
            {"pv": Share(600, 0), "a": Share(0, 200), "b": Share(0, 400)},
            id="short-pool-pro-rata",
        ),
        pytest.param(  # pool 1000 ≥ demand 400: everyone takes all its import; givers pro rata 1:3
            {"pv1": m(0, 250), "pv2": m(0, 750), "a": m(100), "b": m(300)},
            {"pv1": Share(100, 0), "pv2": Share(300, 0), "a": Share(0, 100), "b": Share(0, 300)},
            id="pool-exceeds-demand",
        ),
        pytest.param(  # 100 × 1/3 each: 33.3 → the spare Wh to the lowest site id
            {"pv": m(0, 100), "c": m(50), "a": m(50), "b": m(50)},
            {"pv": Share(100, 0), "a": Share(0, 34), "b": Share(0, 33), "c": Share(0, 33)},
            id="rounding-tie-by-site-id",
        ),
        pytest.param(
            {"pv": m(0, 500), "a": m(0, 0)},
            {"pv": Share(0, 0), "a": Share(0, 0)},
            id="no-demand",
        ),
        pytest.param(
            {"a": m(300), "b": m(600)},
            {"a": Share(0, 0), "b": Share(0, 0)},
            id="empty-pool",
        ),
        pytest.param(  # gross: its own export joins the pool, its import draws from it
            {"p": m(200, 300), "a": m(200)},
            {"p": Share(300, 150), "a": Share(0, 150)},
            id="imports-and-exports",
        ),
        pytest.param({}, {}, id="nobody"),
    ],
)
def test_dynamic_key(meters: dict[str, Metered], expected: dict[str, Share]) -> None:
    assert allocate(meters, DYNAMIC, None) == expected


@pytest.mark.parametrize(
    ("meters", "shares", "expected"),
    [
        pytest.param(  # 1000 by 1:3 → 250 / 750
            {"pv": m(0, 1000), "a": m(800), "b": m(800)},
            {"a": 1, "b": 3},
            {"pv": Share(1000, 0), "a": Share(0, 250), "b": Share(0, 750)},
            id="weights",
        ),
        pytest.param(  # a could take 500 but needs 100: the other 400 go to the grid, not to b
            {"pv": m(0, 1000), "a": m(100), "b": m(2000)},
            {"a": 1, "b": 1},
            {"pv": Share(600, 0), "a": Share(0, 100), "b": Share(0, 500)},
            id="capped-share-goes-to-grid",
        ),
        pytest.param(  # c has no weight; d's weight counts though it was not metered
            {"pv": m(0, 900), "a": m(900), "c": m(900)},
            {"a": D("1"), "d": D("2")},
            {"pv": Share(300, 0), "a": Share(0, 300), "c": Share(0, 0)},
            id="unlisted-and-unmetered",
        ),
        pytest.param(  # 100 × 1/3 = 33.3 and 100 × 2/3 = 66.6 → 100 in all, the Wh to b's .6
            {"pv": m(0, 100), "a": m(1000), "b": m(1000)},
            {"a": 1.0, "b": 2.0},
            {"pv": Share(100, 0), "a": Share(0, 33), "b": Share(0, 67)},
            id="largest-remainder",
        ),
        pytest.param(  # quotas 10 (capped) + 16.6: ⌊26.6⌋ = 26, the fraction of a Wh to the grid
            {"pv": m(0, 100), "a": m(10), "b": m(1000), "x": m(0, 0)},
            {"a": 2, "b": 1, "x": 3},
            {"pv": Share(26, 0), "a": Share(0, 10), "b": Share(0, 16), "x": Share(0, 0)},
            id="fractional-total-rounds-down",
        ),
        pytest.param(
            {"a": m(300)},
            {"a": 1},
            {"a": Share(0, 0)},
            id="empty-pool",
        ),
    ],
)
def test_static_key(
    meters: dict[str, Metered], shares: dict[str, Decimal | int | float], expected: dict[str, Share]
) -> None:
    assert allocate(meters, STATIC, shares) == expected


def test_static_key_needs_positive_weights() -> None:
    with pytest.raises(ValueError, match="static key needs shares"):
        allocate({"a": m(1)}, STATIC, None)
    with pytest.raises(ValueError, match="positive"):
        allocate({"a": m(1)}, STATIC, {"a": 1, "b": 0})


def test_metered_energy_is_never_negative() -> None:
    with pytest.raises(ValueError, match="never negative"):
        Metered(-1, 0)


@pytest.mark.parametrize(
    ("period_price", "expected"),
    [
        (None, D("0.1900")),  # midway between 0.08 and 0.30
        (D("0.12"), D("0.1200")),
        (D("0.123456"), D("0.1235")),
    ],
)
def test_allocation_price(period_price: Decimal | None, expected: Decimal) -> None:
    price = allocation_price(period_price, D("0.08"), D("0.30"))
    assert price == expected
    assert str(price) == str(expected)  # four decimals, as the API carries prices


def test_midway_price_rounds_half_to_even() -> None:
    assert allocation_price(None, D("0.0801"), D("0.3000")) == D("0.1900")  # 0.19005 → even


SITES = [f"s{k}" for k in range(7)]
meters_st = st.dictionaries(
    st.sampled_from(SITES),
    st.builds(Metered, st.integers(0, 5000) | st.just(0), st.integers(0, 5000) | st.just(0)),
    max_size=len(SITES),
)
shares_st = st.dictionaries(
    st.sampled_from(SITES),
    st.integers(1, 100) | st.decimals(D("0.01"), D("10"), places=2) | st.floats(0.01, 10),
    min_size=1,
)


def check_invariants(meters: dict[str, Metered], result: dict[str, Share]) -> None:
    assert result.keys() == meters.keys()
    given_wh = sum(s.given_wh for s in result.values())
    received_wh = sum(s.received_wh for s in result.values())
    assert given_wh == received_wh
    assert received_wh <= min(
        sum(x.export_wh for x in meters.values()), sum(x.import_wh for x in meters.values())
    )
    for site, share in result.items():
        assert 0 <= share.received_wh <= meters[site].import_wh
        assert 0 <= share.given_wh <= meters[site].export_wh


@given(meters_st)
def test_dynamic_key_properties(meters: dict[str, Metered]) -> None:
    result = allocate(meters, DYNAMIC, None)
    check_invariants(meters, result)
    # Nothing is lost: the community uses all the surplus it can.
    pool = sum(x.export_wh for x in meters.values())
    demand = sum(x.import_wh for x in meters.values())
    assert sum(s.received_wh for s in result.values()) == min(pool, demand)


@given(meters_st, shares_st)
def test_static_key_properties(meters: dict[str, Metered], shares: dict[str, Decimal | int | float]) -> None:
    result = allocate(meters, STATIC, shares)
    check_invariants(meters, result)
    for site, share in result.items():
        if site not in shares:
            assert share.received_wh == 0


@given(meters_st, shares_st, st.sampled_from(AllocationKey), st.randoms(use_true_random=False))
def test_order_does_not_matter(
    meters: dict[str, Metered],
    shares: dict[str, Decimal | int | float],
    key: AllocationKey,
    rnd: random.Random,
) -> None:
    def shuffled(d: dict[str, T]) -> dict[str, T]:
        items = list(d.items())
        rnd.shuffle(items)
        return dict(items)

    assert allocate(meters, key, shares) == allocate(shuffled(meters), key, shuffled(shares))


def exact(
    meters: dict[str, Metered], key: AllocationKey, shares: dict[str, Decimal | int | float]
) -> dict[str, Share]:
    """The rule in exact fractions, written straight from the docs, as an oracle for the integer code."""

    def whole(quotas: dict[str, Fraction], total: int) -> dict[str, int]:
        out = {site: floor(q) for site, q in quotas.items()}
        by_remainder = sorted(quotas, key=lambda site: (out[site] - quotas[site], site))
        for site in by_remainder[: total - sum(out.values())]:
            out[site] += 1
        return out

    pool = sum(x.export_wh for x in meters.values())
    demand = sum(x.import_wh for x in meters.values())
    weights = {site: Fraction(w) for site, w in shares.items()}
    quotas = {
        site: min(
            Fraction(x.import_wh),
            Fraction(pool * x.import_wh, demand)
            if key is DYNAMIC
            else pool * weights[site] / sum(weights.values()),
        )
        for site, x in meters.items()
        if x.import_wh and (key is DYNAMIC or site in weights)
    }
    received = whole(quotas, floor(sum(quotas.values())))
    total = sum(received.values())
    given = (
        whole({site: Fraction(total * x.export_wh, pool) for site, x in meters.items() if x.export_wh}, total)
        if total
        else {}
    )
    return {site: Share(given.get(site, 0), received.get(site, 0)) for site in meters}


@given(meters_st, shares_st, st.sampled_from(AllocationKey))
def test_integer_arithmetic_agrees_with_exact_fractions(
    meters: dict[str, Metered], shares: dict[str, Decimal | int | float], key: AllocationKey
) -> None:
    assert allocate(meters, key, shares) == exact(meters, key, shares)
