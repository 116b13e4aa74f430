"""The transportation problem of one clearing on POT's network simplex (``ot.emd``, sparse).

Why a second solver beside OR-Tools' min-cost flow: on a community book's pruned arcs (a
few hundred orders, a few thousand arcs) the network simplex takes about a quarter of the
time of OR-Tools' cost scaling, which runs a phase per factor of five in the cost span
whatever the graph's size.

The shape POT solves is balanced transport: rows supply, columns demand, every row's mass
leaves on its arcs and every column's arrives. Asks are rows and bids columns; a slack row
supplies what bids leave unfilled and a slack column takes what asks leave unsold (the slack
pair carries the rest), all at cost 0, so any allocation is a feasible plan and the plan's
cost is the flow's (up to one constant, see ``transport``).

It works in float64. That is exact while every figure is a whole number well inside 2^53, and
the solver's stopping test (a reduced cost below −2.2e-15 × the largest potential or cost at
hand) still sees a reduced cost of −1: potentials stay within about twice the node count times
the largest cost (its artificial arcs cost (largest + 1) × nodes), and costs shifted to start
at 0 are at most twice the largest in size. ``fits`` holds the figures to that, with room to
spare; the caller solves anything larger on OR-Tools.
"""

from __future__ import annotations

import warnings

import numpy as np
import numpy.typing as npt
from scipy.sparse import coo_array  # type: ignore[import-untyped]

# Imported with the market, not on the first solve: POT brings most of scipy with it (about a
# second), which belongs in the hub's start rather than in the first gate closure's clearing.
# Where the install left no bytecode, compiling POT warns about invalid escape sequences in its
# docstrings (a DeprecationWarning on 3.11, a SyntaxWarning from 3.12); that says nothing about
# the hub, and the tests turn warnings into errors.
with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    warnings.simplefilter("ignore", SyntaxWarning)
    import ot  # type: ignore[import-untyped]

I64 = npt.NDArray[np.int64]

_POTENTIAL_LIMIT = 2**46  # far below 1 / 2.2e-15 ≈ 2^48.7, and below 2^53
_OPTIMAL = 1  # the solver's result code for an optimal plan
_MAX_ITERATIONS = 100_000_000  # pivots; a few thousand suffice for a community book


def fits(nodes: int, total: int, largest_cost: int) -> bool:
    """Whether a problem of ``nodes`` nodes, ``total`` Wh and costs up to ``largest_cost`` in
    size is solved exactly in float64, and its objective summed in int64."""
    return 4 * (nodes + 1) * (largest_cost + 1) < _POTENTIAL_LIMIT and total * largest_cost < 2**62


def transport(supply: I64, demand: I64, row: I64, col: I64, cost: I64) -> I64:
    """Flow on each arc (``row[k]`` → ``col[k]`` at ``cost[k]`` per unit) of a plan that
    ships at most ``supply`` from each row and at most ``demand`` into each column at least
    cost; arcs given once each."""
    nr, nc = len(supply), len(demand)
    n = len(row)
    # the slack arcs: each row to the slack column, the slack row to each column and to it
    rows = np.concatenate([row, np.arange(nr), np.full(nc + 1, nr)])
    cols = np.concatenate([col, np.full(nr, nc), np.arange(nc), [nc]])
    # every unit of mass crosses exactly one arc, so adding one constant to every cost leaves
    # the best plan as it is: costs from 0 up, as the solver's artificial arcs assume
    offset = max(0, -int(cost.min()))
    costs = np.full(rows.size, offset, dtype=np.float64)
    costs[:n] += cost
    a = np.concatenate([supply, [demand.sum()]]).astype(np.float64)
    b = np.concatenate([demand, [supply.sum()]]).astype(np.float64)
    plan, log = ot.emd(
        a,
        b,
        coo_array((costs, (rows, cols)), shape=(nr + 1, nc + 1)),
        numItermax=_MAX_ITERATIONS,
        log=True,
        center_dual=False,
        check_marginals=False,  # balanced by construction: both sides sum to supply + demand
    )
    if log["result_code"] != _OPTIMAL:
        raise RuntimeError(f"network simplex failed: {log['warning']}")
    # the plan lists the arcs that carry flow; find each among the given arcs by its cell
    cell = np.full((nr + 1) * (nc + 1), -1, dtype=np.int64)
    cell[row * (nc + 1) + col] = np.arange(n)
    at = cell[plan.row.astype(np.int64) * (nc + 1) + plan.col]
    on_arc = at >= 0
    flows = np.zeros(n, dtype=np.int64)
    flows[at[on_arc]] = np.rint(plan.data[on_arc]).astype(np.int64)
    return flows
