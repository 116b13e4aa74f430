"""The surplus-maximising allocation over a set of admitted pairs, as a min-cost flow.

Sellers supply their energy, buyers demand theirs, and an arc from ask j to bid i costs
−(surplus_ij × scale + priority_ij). ``scale`` exceeds the largest total priority any
allocation can collect, so surplus is maximised exactly and priority only decides among
allocations of equal surplus: traded volume first (a trade at zero surplus still happens),
then urgency, then preferred partners. Left-over ties fall to the canonical order of the book
(lower order ids), since the solver is deterministic for the same arcs in the same order.
Energy may stay untraded at no cost. Only the orders that have an arc become nodes: the
solver's time grows with its nodes, and a book's orders outside the admitted set would only
carry their energy past the market.

Two solvers, one optimum: POT's network simplex (``simplex.py``), several times faster on a
pruned community book, takes every flow of at least ``SIMPLEX_ARCS`` arcs whose costs its
float64 holds exactly; OR-Tools' min-cost flow in int64 takes the rest (``min_cost_flow_plan``:
small flows, where it is done first, and exact tie ranks on a book with much energy, whose
scale grows with the volume, as in the bench's unpruned baseline).

Large books are pruned on the bid × ask grid: each bid keeps its best ``keep`` arcs and each
ask its best ``keep`` arcs. That is a heuristic (the bench reports its surplus against the unpruned optimum); books
with at most ``EXACT_ARCS`` admitted pairs are never pruned.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from ortools.graph.python import min_cost_flow  # type: ignore[import-untyped]

from hub.market import simplex

I64 = npt.NDArray[np.int64]
Mask = npt.NDArray[np.bool_]

EXACT_ARCS = 2_000
KEEP_PER_ORDER = 12
# below this many arcs OR-Tools is done before POT's Python wrapper is (≈ 0.1 ms a solve), and
# small books solve once per candidate price
SIMPLEX_ARCS = 150
_COST_LIMIT = 2**60


@dataclass(frozen=True, slots=True)
class Allocation:
    bid: I64  # bid index of each trade
    ask: I64
    wh: I64
    cost: int  # the solver's objective: lower is better, comparable for one book
    surplus: int  # Σ wh × (bid − ask − fee), Wh × ticks

    @classmethod
    def empty(cls) -> Allocation:
        none = np.zeros(0, dtype=np.int64)
        return cls(none, none, none, 0, 0)


def priority(urgency: I64, preferred: Mask) -> I64:
    """Per pair and Wh: ``rank_of`` the pair, above an age term that favours lower book
    indexes (older orders) on either side."""
    nb, na = preferred.shape
    rank = rank_of(urgency[:, None], preferred)
    age = (nb - np.arange(nb))[:, None] + (na - np.arange(na))[None, :]
    out: I64 = rank * (nb + na + 1) + age
    return out


def rank_of(urgency: I64, preferred: Mask) -> I64:
    """1 for volume, + 2 for a preferred partner, + 4 per urgency rank (0…3): 1…15, broadcast.

    Large books rank ties by this alone: the solver's time grows with the span of the costs,
    and the age term multiplies that span by the book's size."""
    rank: I64 = 1 + 2 * preferred.astype(np.int64) + 4 * urgency
    return rank


def compact(index: I64, count: int) -> tuple[I64, I64]:
    """The orders that have arcs (in book order) and each arc's position among them: solving
    and pruning on those alone keeps the flow's nodes and the pruning grid small."""
    used = np.bincount(index, minlength=count) > 0
    position = np.cumsum(used) - 1
    return np.flatnonzero(used), position[index]


def prune(arcs: Mask, score: I64, keep: int = KEEP_PER_ORDER) -> Mask:
    """Which of the ``arcs`` (a bid × ask grid) are among their bid's or their ask's ``keep``
    best by ``score`` (the same grid); equal scores go to the lower index (the older orders)."""
    nb, na = arcs.shape
    if np.count_nonzero(arcs) <= EXACT_ARCS:
        return arcs
    # unique keys (smaller is better) make the k-th of a row or a column a threshold that a
    # partition finds (no argpartition); cells without an arc never make the cut
    key = np.arange(nb * na, dtype=np.int64).reshape(nb, na)
    key -= score * (nb * na)
    key[~arcs] = 2**62
    kept = np.zeros_like(arcs)
    for axis in (1, 0):
        k = min(keep, arcs.shape[axis])
        if k:
            threshold = np.partition(key, k - 1, axis=axis).take([k - 1], axis=axis)
            kept |= key <= threshold
    kept &= arcs
    return kept


def allocate(bid_wh: I64, ask_wh: I64, arcs: Mask, surplus: I64, prio: I64, exact: bool = True) -> Allocation:
    """Maximise Σ wh × surplus over the ``arcs`` (bid × ask), ties by ``prio``; flows in Wh."""
    bid_idx, ask_idx = np.nonzero(arcs)
    return allocate_arcs(
        bid_wh, ask_wh, bid_idx, ask_idx, surplus[bid_idx, ask_idx], prio[bid_idx, ask_idx], exact
    )


@dataclass(frozen=True, slots=True)
class FlowProblem:
    """What either solver takes: the orders that have arcs (compacted, in book order), the arcs
    between them and each arc's cost per Wh."""

    ask_wh: I64  # supply per ask
    bid_wh: I64  # demand per bid
    ask: I64  # per arc, its ask's position in ``ask_wh``
    bid: I64
    cost: I64
    total: int  # the whole book's tradeable Wh: min(Σ bids, Σ asks)

    @property
    def on_simplex(self) -> bool:
        """Whether it goes to the network simplex: large enough to gain, and exact there."""
        nodes = len(self.bid_wh) + len(self.ask_wh) + 2
        return len(self.cost) >= SIMPLEX_ARCS and simplex.fits(
            nodes, self.total, int(np.abs(self.cost).max())
        )


def flow_problem(
    bid_wh: I64, ask_wh: I64, bid_idx: I64, ask_idx: I64, gain: I64, pri: I64, exact: bool = True
) -> FlowProblem:
    """The costs of ``allocate_arcs``'s flow (at least one arc)."""
    # the scale from the whole book, so that costs of solves over different arcs of one book
    # compare (pay-as-clear ranks its candidate prices by them)
    total = int(min(bid_wh.sum(), ask_wh.sum()))
    span = int(pri.max()) + 1
    scale = total * span + 1 if exact else span
    if int(gain.max(initial=0)) * scale * (len(bid_wh) + len(ask_wh) + 3) >= _COST_LIMIT:
        scale, pri = 1, np.zeros_like(gain)  # too large to rank ties exactly: surplus alone
    bids, tail_bid = compact(bid_idx, len(bid_wh))
    asks, tail_ask = compact(ask_idx, len(ask_wh))
    return FlowProblem(ask_wh[asks], bid_wh[bids], tail_ask, tail_bid, -(gain * scale + pri), total)


def allocate_arcs(
    bid_wh: I64, ask_wh: I64, bid_idx: I64, ask_idx: I64, gain: I64, pri: I64, exact: bool = True
) -> Allocation:
    """``allocate`` over arcs given as lists: bid and ask index, surplus and priority per Wh.

    Not ``exact``: surplus is scaled by the priority span alone, which keeps the solver's costs
    small (it runs about twice as fast) and can give up less than one tick per Wh for priority.
    Too large a book to rank ties exactly falls back to surplus alone.
    """
    if bid_idx.size == 0:
        return Allocation.empty()
    problem = flow_problem(bid_wh, ask_wh, bid_idx, ask_idx, gain, pri, exact)
    if problem.on_simplex:
        pair_flows = simplex.transport(problem.ask_wh, problem.bid_wh, problem.ask, problem.bid, problem.cost)
        used = pair_flows > 0
        objective = int((pair_flows[used] * problem.cost[used]).sum())
    else:
        pair_flows, objective = min_cost_flow_plan(problem)
        used = pair_flows > 0
    return Allocation(
        bid_idx[used].astype(np.int64),
        ask_idx[used].astype(np.int64),
        pair_flows[used].astype(np.int64),
        objective,
        int((pair_flows[used] * gain[used]).sum()),
    )


def min_cost_flow_plan(problem: FlowProblem) -> tuple[I64, int]:
    """OR-Tools' min-cost flow in int64 (costs past ``simplex.fits``): flow per arc, objective."""
    ask_wh, bid_wh, ask, bid, total = problem.ask_wh, problem.bid_wh, problem.ask, problem.bid, problem.total
    nb, na = len(bid_wh), len(ask_wh)
    source, sink = nb + na, nb + na + 1
    # nodes: bids 0…nb−1, asks nb…nb+na−1, then source and sink; a bypass arc lets energy
    # stay untraded at no cost
    tails = np.concatenate([np.full(na, source), nb + ask, np.arange(nb), [source]])
    heads = np.concatenate([nb + np.arange(na), bid, np.full(nb, sink), [sink]])
    caps = np.concatenate([ask_wh, np.full(len(bid), total), bid_wh, [total]])
    costs = np.concatenate([np.zeros(na, np.int64), problem.cost, np.zeros(nb + 1, np.int64)])
    flow = min_cost_flow.SimpleMinCostFlow()
    arcs_ids = flow.add_arcs_with_capacity_and_unit_cost(
        tails.astype(np.int32), heads.astype(np.int32), caps.astype(np.int64), costs.astype(np.int64)
    )
    supplies = np.zeros(nb + na + 2, dtype=np.int64)
    supplies[source], supplies[sink] = total, -total
    flow.set_nodes_supplies(np.arange(nb + na + 2, dtype=np.int32), supplies)
    status = flow.solve()
    if status != flow.OPTIMAL:
        raise RuntimeError(f"min-cost flow failed: {status}")
    pair_flows: I64 = flow.flows(arcs_ids[na : na + len(bid)]).astype(np.int64)
    return pair_flows, int(flow.optimal_cost())
