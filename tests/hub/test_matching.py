"""The matching engine from tables: literal books, the trades, prices and explanations expected."""

from __future__ import annotations

import random
from decimal import Decimal

import numpy as np
import pytest

from hub.db.models.enums import AssetKind, Mechanism, Urgency
from hub.market.book import Ask, Bid, Book
from hub.market.fees import EARTH_RADIUS_KM, FeeSchedule, distance_units, street_feeder_substation
from hub.market.matching import Clearing, Rules, clear

D = Decimal
KM_PER_DEGREE = 2 * np.pi * EARTH_RADIUS_KM / 360
FEES = street_feeder_substation(D("0.01"), D("0.02"), D("0.04"))
PLAIN = Rules(Mechanism.PAY_AS_CLEAR, feed_in=D("0.08"), retail=D("0.30"))
WITH_FEES = Rules(Mechanism.PAY_AS_CLEAR, feed_in=D("0.08"), retail=D("0.30"), fees=FEES)


def at_km(km: float) -> tuple[float, float]:
    """A point ``km`` north of (0, 0)."""
    return (km / KM_PER_DEGREE, 0.0)


def bid(order_id: int, wh: int, price: str, site: str | None = None, **more: object) -> Bid:
    return Bid(order_id, site or f"b{order_id}", order_id, wh, D(price), **more)  # type: ignore[arg-type]


def ask(order_id: int, wh: int, price: str, site: str | None = None, **more: object) -> Ask:
    more.setdefault("source", AssetKind.SOLAR)
    return Ask(order_id, site or f"s{order_id}", order_id, wh, D(price), **more)  # type: ignore[arg-type]


def run(
    bids: list[Bid],
    asks: list[Ask],
    rules: Rules = PLAIN,
    locations: dict[str, tuple[float, float]] | None = None,
) -> Clearing:
    return clear(Book.build(bids, asks, locations or {}), rules)


def trades(clearing: Clearing) -> list[tuple[int, int, int, str, str]]:
    return [
        (t.bid_order_id, t.ask_order_id, t.energy_wh, str(t.energy_price), str(t.fee))
        for t in clearing.trades()
    ]


def test_an_empty_book_clears_nothing() -> None:
    result = run([], [])
    assert result.trades() == []
    assert (result.price, result.volume_wh, result.surplus) == (None, 0, D(0))


def test_nothing_crosses() -> None:
    result = run([bid(1, 1000, "0.10")], [ask(10, 1000, "0.20")])
    assert result.trades() == []
    assert result.price is None
    assert result.explain_bid(1).as_json() == {
        "code": "price_too_low",
        "params": {
            "cheapest_price": "0.2000",
            "max_price": "0.1000",
            "grid_wh": 1000,
            "grid_price": "0.3000",
        },
        "rest": None,
    }
    assert result.explain_ask(10).code == "price_too_high"
    assert result.explain_ask(10).params == {
        "best_price": "0.1000",
        "min_price": "0.2000",
        "grid_wh": 1000,
        "grid_price": "0.0800",
    }


def test_an_exact_crossing_trades_at_that_price() -> None:
    result = run([bid(1, 1000, "0.15")], [ask(10, 1000, "0.15")])
    assert trades(result) == [(1, 10, 1000, "0.1500", "0.0000")]
    assert result.surplus == 0


@pytest.mark.parametrize(
    ("feed_in", "retail", "price"),
    [
        ("0.08", "0.30", "0.1500"),  # midpoint of [ask, bid]
        ("0.16", "0.30", "0.1800"),  # the corridor lifts the lower end
        ("0.08", "0.12", "0.1100"),  # … and caps the upper end
        ("0.08", "0.1301", "0.1150"),  # rounded down to a tick
    ],
)
def test_one_pair_clears_at_the_midpoint_inside_the_corridor(feed_in: str, retail: str, price: str) -> None:
    rules = Rules(Mechanism.PAY_AS_CLEAR, D(feed_in), D(retail))
    result = run([bid(1, 2000, "0.20")], [ask(10, 2000, "0.10")], rules)
    assert str(result.price) == price


def test_merit_order_the_rationed_side_sets_the_price() -> None:
    bids = [bid(1, 3000, "0.25"), bid(2, 2000, "0.20"), bid(3, 2000, "0.12")]
    asks = [ask(10, 2500, "0.10"), ask(11, 4000, "0.15"), ask(12, 1000, "0.50")]
    result = run(bids, asks)
    assert str(result.price) == "0.1500"  # ask 11 keeps 1.5 kWh: the price cannot rise above it
    assert trades(result) == [
        (1, 10, 2500, "0.1500", "0.0000"),
        (1, 11, 500, "0.1500", "0.0000"),
        (2, 11, 2000, "0.1500", "0.0000"),
    ]
    assert result.surplus == D("0.525")
    assert result.explain_bid(3).code == "outbid"
    assert result.explain_bid(3).params["clearing_price"] == "0.1500"
    partly = result.explain_ask(11)
    assert (partly.code, partly.params["offered_wh"], partly.params["grid_wh"]) == (
        "partly_matched",
        4000,
        1500,
    )
    assert partly.rest is not None
    assert partly.rest.code == "undercut"
    assert result.explain_ask(12).code == "price_too_high"
    assert result.explain_bid(1).params == {
        "energy_wh": 3000,
        "energy_price": "0.1500",
        "fee": "0.0000",
        "price": "0.1500",
        "partners": ["s10", "s11"],
    }


def test_a_rationed_buyer_sets_the_price() -> None:
    result = run([bid(1, 3000, "0.20")], [ask(10, 1000, "0.10")])
    assert str(result.price) == "0.2000"
    explained = result.explain_bid(1)
    assert explained.code == "partly_matched"
    assert explained.params["requested_wh"] == 3000
    assert (explained.params["grid_wh"], explained.params["grid_price"]) == (2000, "0.3000")
    assert explained.rest is not None
    assert explained.rest.code == "outbid"  # the only ask is taken


def test_orders_outside_the_corridor_never_trade() -> None:
    result = run([bid(1, 1000, "0.40"), bid(2, 1000, "0.05")], [ask(10, 1000, "0.35"), ask(11, 1000, "0.04")])
    assert trades(result) == [(1, 11, 1000, "0.1900", "0.0000")]  # [0.08, 0.30] midpoint: 0.19
    assert result.explain_ask(10).code == "price_too_high"
    assert result.explain_bid(2).code == "price_too_low"


def test_equal_asks_go_by_order_id() -> None:
    result = run([bid(1, 1000, "0.20")], [ask(11, 1000, "0.10"), ask(10, 1000, "0.10")])
    assert [t.ask_order_id for t in result.trades()] == [10]
    assert result.explain_ask(11).code == "undercut"


def test_on_equal_prices_urgency_then_age_wins() -> None:
    bids = [bid(3, 1000, "0.20"), bid(2, 1000, "0.20"), bid(4, 1000, "0.20", urgency=Urgency.HIGH)]
    plain = run(bids, [ask(10, 2000, "0.10")])
    assert sorted(t.bid_order_id for t in plain.trades()) == [2, 4]
    fees = run(bids, [ask(10, 2000, "0.10")], WITH_FEES)
    assert sorted(t.bid_order_id for t in fees.trades()) == [2, 4]


def test_one_offer_many_requests() -> None:
    bids = [bid(1, 1000, "0.30"), bid(2, 1000, "0.25"), bid(3, 1000, "0.20")]
    result = run(bids, [ask(10, 2500, "0.10")])
    assert [(t.bid_order_id, t.energy_wh) for t in result.trades()] == [(1, 1000), (2, 1000), (3, 500)]
    assert str(result.price) == "0.2000"
    assert result.filled_ask_wh(10) == 2500
    assert result.explain_ask(10).params["partners"] == ["b1", "b2", "b3"]


def test_one_request_many_offers() -> None:
    asks = [ask(10, 1000, "0.10"), ask(11, 1000, "0.12"), ask(12, 1000, "0.14")]
    result = run([bid(1, 2500, "0.20")], asks)
    assert [(t.ask_order_id, t.energy_wh) for t in result.trades()] == [(10, 1000), (11, 1000), (12, 500)]
    assert str(result.price) == "0.1400"
    assert result.filled_bid_wh(1) == 2500


def test_pay_as_bid_charges_each_buyer_its_maximum_less_the_fee() -> None:
    rules = Rules(Mechanism.PAY_AS_BID, D("0.08"), D("0.30"), FEES)
    locations = {"b1": at_km(0), "b2": at_km(0), "s10": at_km(0.3), "s11": at_km(5)}
    bids = [bid(1, 1000, "0.25"), bid(2, 1000, "0.45")]
    result = run(bids, [ask(10, 1000, "0.10"), ask(11, 1000, "0.10")], rules, locations)
    prices = {(t.bid_order_id, t.ask_order_id): (str(t.energy_price), str(t.fee)) for t in result.trades()}
    # bid 2 would pay 0.45 − fee, but energy never costs more than retail
    assert prices == {(1, 10): ("0.2400", "0.0100"), (2, 11): ("0.3000", "0.0400")}
    assert result.price is None
    assert result.explain_bid(1).params["price"] == "0.2500"


def test_a_near_dearer_offer_beats_a_far_cheaper_one() -> None:
    locations = {"b1": at_km(0), "near": at_km(0.2), "far": at_km(8)}
    asks = [ask(10, 1000, "0.12", site="near"), ask(11, 1000, "0.10", site="far")]
    result = run([bid(1, 1000, "0.30")], asks, WITH_FEES, locations)
    [trade] = result.trades()
    assert (trade.seller_site, str(trade.fee), trade.distance_km) == ("near", "0.0100", 0.2)
    assert trade.buyer_price == trade.energy_price + D("0.01")
    assert result.explain_ask(11).code == "undercut"


def test_green_only_buys_solar_or_wind() -> None:
    buyer = bid(1, 1000, "0.30", green_only=True)
    asks = [ask(10, 1000, "0.05", source=AssetKind.BATTERY), ask(11, 1000, "0.15", source=AssetKind.WIND)]
    result = run([buyer], asks)
    assert [t.ask_order_id for t in result.trades()] == [11]
    assert result.explain_ask(10).params["preferences"] == ["green_only"]
    alone = run([buyer], asks[:1])
    assert alone.explain_bid(1).code == "no_green_offer"
    assert alone.explain_ask(10).code == "not_wanted"


def test_max_distance_rules_out_far_offers() -> None:
    locations = {"b1": at_km(0), "s10": at_km(3.0), "s11": at_km(1.0)}
    buyer = bid(1, 1000, "0.30", max_distance_km=2.0)
    result = run([buyer], [ask(10, 1000, "0.10"), ask(11, 1000, "0.20")], locations=locations)
    assert [t.ask_order_id for t in result.trades()] == [11]
    far = run([buyer], [ask(10, 1000, "0.10")], locations=locations)
    assert far.explain_bid(1).as_json()["params"] == {
        "nearest_km": 3.0,
        "max_distance_km": 2.0,
        "grid_wh": 1000,
        "grid_price": "0.3000",
    }
    assert far.explain_ask(10).params["preferences"] == ["distance"]
    unknown = run([buyer], [ask(10, 1000, "0.10", site="nowhere")], locations=locations)
    assert unknown.explain_bid(1).params["nearest_km"] is None  # no location: never proven near


def test_excluded_partners_never_trade() -> None:
    buyer = bid(1, 1000, "0.30", excluded=frozenset({"s10"}))
    result = run([buyer], [ask(10, 1000, "0.10"), ask(11, 1000, "0.25")])
    assert [t.ask_order_id for t in result.trades()] == [11]
    alone = run([buyer], [ask(10, 1000, "0.10")])
    assert alone.explain_bid(1).code == "only_excluded"
    assert alone.explain_ask(10).params["preferences"] == ["excluded"]


def test_preferred_partners_win_ties() -> None:
    asks = [ask(10, 1000, "0.10"), ask(11, 1000, "0.10")]
    result = run([bid(1, 1000, "0.30", preferred=frozenset({"s11"}))], asks)
    assert [t.ask_order_id for t in result.trades()] == [11]
    dearer = run([bid(1, 1000, "0.30", preferred=frozenset({"s11"}))], [asks[0], ask(11, 1000, "0.11")])
    assert [t.ask_order_id for t in dearer.trades()] == [10]  # a preference never costs surplus


def test_no_trade_between_sites_of_the_same_owner() -> None:
    buyer = Bid(1, "home-a", 7, 1000, D("0.30"))
    seller = Ask(10, "home-b", 7, 1000, D("0.10"), AssetKind.SOLAR)
    result = run([buyer], [seller])
    assert result.trades() == []
    assert result.explain_bid(1).code == "only_own_sites"
    assert result.explain_ask(10).code == "only_own_sites"
    other = Ask(11, "home-c", None, 1000, D("0.20"), AssetKind.SOLAR)
    assert [t.ask_order_id for t in run([buyer], [seller, other]).trades()] == [11]


def test_unowned_orders_may_trade_with_each_other() -> None:
    result = run([Bid(1, "a", None, 1000, D("0.30"))], [Ask(10, "b", None, 1000, D("0.10"), AssetKind.WIND)])
    assert result.volume_wh == 1000


def test_no_offer_and_no_request() -> None:
    assert run([bid(1, 1000, "0.20")], []).explain_bid(1).code == "no_offer"
    assert run([], [ask(10, 1000, "0.20")]).explain_ask(10).code == "no_request"


def test_with_fees_one_price_serves_every_trade() -> None:
    locations = {"b1": at_km(0), "b2": at_km(0.1), "s10": at_km(0.3), "s11": at_km(1.5)}
    bids = [bid(1, 1000, "0.25"), bid(2, 1000, "0.22")]
    result = run(bids, [ask(10, 1000, "0.12"), ask(11, 1000, "0.14")], WITH_FEES, locations)
    assert {t.energy_price for t in result.trades()} == {result.price}
    for t in result.trades():
        assert t.buyer_price <= {1: D("0.25"), 2: D("0.22")}[t.bid_order_id]
    assert result.volume_wh == 2000


def test_the_same_book_in_any_order_clears_the_same() -> None:
    bids = [bid(i, 500 + 100 * i, f"0.{10 + i}") for i in range(1, 8)]
    asks = [ask(10 + i, 700, f"0.{8 + i}", source=AssetKind.BATTERY) for i in range(7)]
    sites = [o.site for o in bids] + [o.site for o in asks]
    locations = {site: at_km(0.4 * k) for k, site in enumerate(sites)}
    first = run(bids, asks, WITH_FEES, locations)
    for seed in range(5):
        random.Random(seed).shuffle(bids)
        random.Random(seed + 1).shuffle(asks)
        again = run(bids, asks, WITH_FEES, locations)
        assert again.trades() == first.trades()
        assert again.price == first.price


def test_prices_with_more_than_four_decimals_are_refused() -> None:
    with pytest.raises(ValueError, match="four decimal places"):
        Book.build([bid(1, 1000, "0.12345")], [], {})


@pytest.mark.parametrize(
    ("schedule", "km", "fee"),
    [
        (FEES, 0.5, "0.0100"),
        (FEES, 0.51, "0.0200"),
        (FEES, 2.0, "0.0200"),
        (FEES, 2.004, "0.0200"),  # rounded to 10 m first
        (FEES, 12.0, "0.0400"),
        (FEES, None, "0.0400"),  # no location: the highest fee
        (FeeSchedule.rate(D("0.0030"), D("0.0250")), 1.25, "0.0038"),  # 0.00375 half up
        (FeeSchedule.rate(D("0.0030"), D("0.0250")), 10.0, "0.0250"),  # the cap
        (FeeSchedule.rate(D("0.0030"), D("0.0250")), None, "0.0250"),
        (FeeSchedule.zero(), 3.0, "0.0000"),
    ],
)
def test_fee_schedules(schedule: FeeSchedule, km: float | None, fee: str) -> None:
    assert str(schedule.fee(km)) == fee


def test_distances_are_haversine_rounded_to_ten_metres() -> None:
    lat = np.array([52.5200])
    units = distance_units(lat, np.array([13.4050]), np.array([48.1351]), np.array([11.5820]))
    assert units.tolist() == [50442]  # Berlin – Munich, 504.42 km
    assert distance_units(lat, np.array([13.0]), np.array([np.nan]), np.array([13.0])).tolist() == [-1]


def test_fee_bands_must_end_open() -> None:
    with pytest.raises(ValueError, match="open-ended"):
        FeeSchedule.distance_bands((0.5, D("0.01")))


@pytest.mark.parametrize("mechanism", list(Mechanism))
def test_a_large_book_with_one_side_only_clears_nothing(mechanism: Mechanism) -> None:
    # more orders than the exact path takes, so the one-solve path with its reference price runs
    bids = [bid(i, 1000, "0.25") for i in range(40)]
    rules = Rules(mechanism, feed_in=D("0.08"), retail=D("0.30"), fees=FEES)
    result = run(bids, [], rules, {f"b{i}": at_km(0.1 * i) for i in range(40)})
    assert (result.trades(), result.price, result.volume_wh) == ([], None, 0)
    assert result.explain_bid(7).code == "no_offer"
