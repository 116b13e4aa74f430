"""The community market's matching engine, pure: no database, no clock inside the engine.

    python bench/bench_market.py [--communities 5000] [--repeat 20]

1. Plain pay-as-clear at scale: communities × 400 orders (no fees, no preferences, distinct
   owners), books built beforehand, ``clear()`` once per community. Baseline: a bare numpy
   sort-and-cumsum clearing (price and volume only) of the same books, in the same run.
2. One 400-order community with distance fees (three bands) and preferences, pay-as-clear and
   pay-as-bid. Baseline: OR-Tools' min-cost flow on all admissible pairs (the exact
   pay-as-bid optimum). Reported as well: the surplus the engine reaches against the exact
   optimum of the same book (pay-as-bid: unpruned flow; pay-as-clear: every single price tried).
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from decimal import Decimal

import numpy as np
import numpy.typing as npt

from hub.db.models.enums import AssetKind, Mechanism, Urgency
from hub.market import simplex
from hub.market.allocation import allocate, flow_problem, min_cost_flow_plan, priority
from hub.market.book import Ask, Bid, Book
from hub.market.fees import street_feeder_substation
from hub.market.matching import Rules, clear
from hub.market.pairs import pairs_of
from hub.market.ticks import to_ticks
from hub.market.transport import flow_arcs, pay_as_bid, pay_as_clear, reach_of, reference_price

I64 = npt.NDArray[np.int64]
ORDERS = 400
GOAL_PLAIN_S = 1.0
GOAL_PLAIN_RATIO = 3.0
GOAL_FEES_MS = 5.0
FEED_IN, RETAIL = Decimal("0.08"), Decimal("0.30")
FEES = street_feeder_substation(Decimal("0.01"), Decimal("0.02"), Decimal("0.04"))


def plain_books(communities: int, seed: int = 1) -> list[Book]:
    rng = np.random.default_rng(seed)
    half = ORDERS // 2
    sites = tuple(f"home-{k:03d}" for k in range(ORDERS))
    bid_site, ask_site = np.arange(half, dtype=np.int64), np.arange(half, ORDERS, dtype=np.int64)
    books = []
    for _ in range(communities):
        ids = rng.permutation(ORDERS).astype(np.int64)
        books.append(
            Book.plain_from_arrays(
                bid_id=ids[:half],
                bid_wh=rng.integers(100, 5000, half),
                bid_ticks=rng.integers(1000, 3200, half),
                ask_id=ids[half:],
                ask_wh=rng.integers(100, 5000, half),
                ask_ticks=rng.integers(600, 2800, half),
                sites=sites,
                bid_site=bid_site,
                ask_site=ask_site,
                bid_urgency=rng.integers(0, 4, half),
            )
        )
    return books


def numpy_clearing(book: Book) -> tuple[int, int]:
    """The baseline: sort both sides, cumulate, find where demand meets supply; price and volume."""
    ob = np.argsort(-book.bid_ticks)
    oa = np.argsort(book.ask_ticks)
    bt, at = book.bid_ticks[ob], book.ask_ticks[oa]
    bc, ac = np.cumsum(book.bid_wh[ob]), np.cumsum(book.ask_wh[oa])
    # the ask standing where each bid starts; demand meets supply while that ask ≤ the bid
    k = np.searchsorted(ac, bc - book.bid_wh[ob], side="right")
    inside = (k < at.size) & (at[np.minimum(k, at.size - 1)] <= bt)
    n = int(inside.sum())
    if not n:
        return 0, 0
    volume = min(int(bc[n - 1]), int(ac[-1]))
    last_ask = int(np.searchsorted(ac, volume - 1, side="right"))
    return (int(at[last_ask]) + int(bt[n - 1])) // 2, volume


def community_book(seed: int = 7) -> Book:
    """200 requests and 200 offers around a 3 km neighbourhood, with every kind of preference."""
    rng = np.random.default_rng(seed)
    half = ORDERS // 2
    km_per_degree = 111.19
    locations = {
        f"home-{k:03d}": (
            51.0 + rng.uniform(0, 3) / km_per_degree,
            9.0 + rng.uniform(0, 3) / km_per_degree / 0.63,
        )
        for k in range(ORDERS)
    }
    kinds = list(AssetKind)
    urgencies = list(Urgency)
    bids = [
        Bid(
            order_id=k,
            site=f"home-{k:03d}",
            owner=k,
            energy_wh=int(rng.integers(200, 4000)),
            max_price=Decimal(int(rng.integers(1400, 3400))) / 10_000,
            urgency=urgencies[int(rng.integers(0, 4))],
            green_only=bool(rng.random() < 0.2),
            max_distance_km=float(rng.choice([1.0, 2.0])) if rng.random() < 0.2 else None,
            preferred=frozenset({f"home-{int(rng.integers(half, ORDERS)):03d}"})
            if rng.random() < 0.3
            else frozenset(),
            excluded=frozenset({f"home-{int(rng.integers(half, ORDERS)):03d}"})
            if rng.random() < 0.1
            else frozenset(),
        )
        for k in range(half)
    ]
    asks = [
        Ask(
            order_id=k,
            site=f"home-{k:03d}",
            owner=k,
            energy_wh=int(rng.integers(200, 4000)),
            min_price=Decimal(int(rng.integers(800, 2600))) / 10_000,
            source=kinds[int(rng.integers(0, 3))],
        )
        for k in range(half, ORDERS)
    ]
    return Book.build(bids, asks, locations)


def timed(run: Callable[[], object], repeat: int) -> list[float]:
    """Seconds of each of ``repeat`` runs (after one warm-up)."""
    run()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return times


def best_of(run: Callable[[], object], repeat: int) -> float:
    """Median seconds of ``repeat`` runs (after one warm-up)."""
    return statistics.median(timed(run, repeat))


def row(name: str, figure: str, goal: str, ratio: str) -> None:
    print(f"{name:<46} {figure:>12} {goal:>12} {ratio:>14}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--communities", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()

    books = plain_books(args.communities)
    plain_rules = Rules(Mechanism.PAY_AS_CLEAR, FEED_IN, RETAIL)
    start = time.perf_counter()
    for book in books:
        numpy_clearing(book)
    baseline = time.perf_counter() - start
    start = time.perf_counter()
    for book in books:
        clear(book, plain_rules)
    engine = time.perf_counter() - start

    book = community_book()
    fee_rules = {m: Rules(m, FEED_IN, RETAIL, FEES) for m in Mechanism}
    pairs = pairs_of(book, FEES, to_ticks(FEED_IN), to_ticks(RETAIL))
    admissible = pairs.admissible
    prio = priority(book.bid_urgency, pairs.preferred)

    def flow_baseline() -> object:
        return allocate(book.bid_wh, book.ask_wh, admissible, pairs.weight, prio)

    flow_s = best_of(flow_baseline, args.repeat)
    clear_times = timed(lambda: clear(book, fee_rules[Mechanism.PAY_AS_CLEAR]), args.repeat)
    clear_s = statistics.median(clear_times)
    bid_s = best_of(lambda: clear(book, fee_rules[Mechanism.PAY_AS_BID]), args.repeat)
    engine_clear = clear(book, fee_rules[Mechanism.PAY_AS_CLEAR]).surplus_wh_ticks
    engine_bid = clear(book, fee_rules[Mechanism.PAY_AS_BID]).surplus_wh_ticks
    exact_bid = pay_as_bid(book, pairs, exact=True).allocation.surplus
    # pay-as-clear's one solve, on each solver
    reference = reference_price(book, pairs, reach_of(pairs, admissible))
    arcs = flow_arcs(book, pairs, pairs.admitted(admissible, reference), False, reference, admitted=True)
    problem = flow_problem(book.bid_wh, book.ask_wh, *arcs, exact=False)
    assert problem.on_simplex
    simplex_s = best_of(
        lambda: simplex.transport(problem.ask_wh, problem.bid_wh, problem.ask, problem.bid, problem.cost),
        args.repeat,
    )
    ortools_s = best_of(lambda: min_cost_flow_plan(problem), args.repeat)
    exact_clear = pay_as_clear(book, pairs, exact=True).allocation.surplus

    print(
        f"{args.communities} plain communities × {ORDERS} orders; one {ORDERS}-order book with fees and preferences"
    )
    print(f"({int(admissible.sum())} admissible pairs of {book.bid_count * book.ask_count})\n")
    row("figure", "measured", "goal", "ratio")
    row(f"plain pay-as-clear, {args.communities} books", f"{engine:.3f} s", f"≤ {GOAL_PLAIN_S:.1f} s", "")
    row(
        "  numpy sort-and-cumsum baseline",
        f"{baseline:.3f} s",
        "",
        f"{engine / baseline:.2f}× (≤ {GOAL_PLAIN_RATIO:.0f}×)",
    )
    row("  per community", f"{engine / args.communities * 1e6:.0f} µs", "", "")
    row(
        "fees + preferences, pay-as-clear",
        f"{clear_s * 1e3:.2f} ms",
        f"≤ {GOAL_FEES_MS:.0f} ms",
        f"{clear_s / flow_s:.2f}× flow",
    )
    # the fastest run: what the engine takes when nothing else wants the core (a shared machine
    # moves the median, and the ratio to the flow baseline, far more than the engine does)
    row("  fastest of the runs", f"{min(clear_times) * 1e3:.2f} ms", "", "")
    row(
        f"  its one solve ({arcs.bid.size} arcs), network simplex",
        f"{simplex_s * 1e3:.2f} ms",
        "",
        f"{simplex_s / ortools_s:.2f}× OR-Tools",
    )
    row("  the same arcs on OR-Tools' min-cost flow", f"{ortools_s * 1e3:.2f} ms", "", "1.00×")
    row("fees + preferences, pay-as-bid", f"{bid_s * 1e3:.2f} ms", "", f"{bid_s / flow_s:.2f}× flow")
    row("  OR-Tools min-cost flow, all pairs (baseline)", f"{flow_s * 1e3:.2f} ms", "", "1.00×")
    row("  pay-as-bid surplus / exact optimum", f"{engine_bid / exact_bid:.4f}", "≥ 0.99", "")
    row("  pay-as-clear surplus / best single price", f"{engine_clear / exact_clear:.4f}", "≥ 0.99", "")
    row("  best single price / unrestricted optimum", f"{exact_clear / exact_bid:.4f}", "", "")


if __name__ == "__main__":
    main()
