"""The vocabulary of a site snapshot: every quantity's name, unit and sign convention, once.

A site snapshot is the :class:`~powershare_wire.messages.Reading` whose ``device`` is
:data:`SITE_DEVICE`. The agent writes its values under these names, the hub books them, and
the dashboard reads them from ``web/src/client/site.gen.ts``, generated from :data:`QUANTITIES`
by ``make schemas`` (``python -m powershare_wire docs/wire --typescript …``).

Sign conventions:
  * ``grid_w``    > 0 imports from the grid, < 0 exports to it.
  * ``battery_w`` > 0 discharges the battery, < 0 charges it.
  * ``pv_w``, ``wind_w``, ``load_w`` and every flow (``pv_to_home_w`` …) are ≥ 0.
  * The balance: ``load_w = pv_w + wind_w + battery_w + grid_w``, and every watt of it is in
    exactly one flow.
Energy counters (``*_wh``) only ever grow; consumers take deltas. ``production_wh`` counts
solar and wind, ``wind_wh`` the wind part of it.

Added to wire v1 without breaking it: ``wind_w``, ``wind_wh``, the ``wind_to_*_w`` flows and
``battery_to_grid_w``. Agents before them folded wind into ``pv_w`` and sent none of these;
a name that is missing means "not reported", so their snapshots read as before.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Final, Literal

from powershare_wire.messages import Unit

SITE_DEVICE: Final = "site"  # the Reading.device of a site snapshot; devices use their serial


class Node(StrEnum):
    """Where power comes from or goes to, in the flows."""

    PV = "pv"
    WIND = "wind"
    BATTERY = "battery"
    GRID = "grid"
    HOME = "home"


class Nature(StrEnum):
    POWER = "power"  # a meter's or a device's power now
    FLOW = "flow"  # the part of the power balance that goes from one node to another
    COUNTER = "counter"  # lifetime energy that only grows
    STATE = "state"  # neither power nor energy (state of charge)


@dataclass(frozen=True, slots=True)
class SiteQuantity:
    """One named value of a site snapshot."""

    name: str
    unit: Unit
    nature: Nature
    positive: str  # what a value above 0 means
    negative: str | None = None  # what a value below 0 means; None: it is never below 0
    source: Node | None = None  # flows: where the power comes from
    target: Node | None = None  # flows: where it goes
    integrates: tuple[str, ...] = ()  # counters: the powers whose sum, over time, it counts …
    sense: Literal[1, -1] = 1  # … their positive part (1) or their negative part (-1)


PV_W: Final = "pv_w"
WIND_W: Final = "wind_w"
BATTERY_W: Final = "battery_w"
GRID_W: Final = "grid_w"
LOAD_W: Final = "load_w"
SOC_PCT: Final = "soc_pct"

PV_TO_HOME_W: Final = "pv_to_home_w"
PV_TO_BATTERY_W: Final = "pv_to_battery_w"
PV_TO_GRID_W: Final = "pv_to_grid_w"
WIND_TO_HOME_W: Final = "wind_to_home_w"
WIND_TO_BATTERY_W: Final = "wind_to_battery_w"
WIND_TO_GRID_W: Final = "wind_to_grid_w"
BATTERY_TO_HOME_W: Final = "battery_to_home_w"
BATTERY_TO_GRID_W: Final = "battery_to_grid_w"
GRID_TO_HOME_W: Final = "grid_to_home_w"
GRID_TO_BATTERY_W: Final = "grid_to_battery_w"

IMPORT_WH: Final = "import_wh"
EXPORT_WH: Final = "export_wh"
PRODUCTION_WH: Final = "production_wh"
WIND_WH: Final = "wind_wh"
CHARGE_WH: Final = "charge_wh"
DISCHARGE_WH: Final = "discharge_wh"


_WORDS = {
    Node.PV: "solar",
    Node.WIND: "wind",
    Node.BATTERY: "the battery",
    Node.GRID: "the grid",
    Node.HOME: "the home",
}


def _flow(name: str, source: Node, target: Node) -> SiteQuantity:
    return SiteQuantity(
        name, Unit.W, Nature.FLOW, f"{_WORDS[source]} feeds {_WORDS[target]}", source=source, target=target
    )


QUANTITIES: Final[tuple[SiteQuantity, ...]] = (
    SiteQuantity(PV_W, Unit.W, Nature.POWER, "solar production"),
    SiteQuantity(WIND_W, Unit.W, Nature.POWER, "wind production"),
    SiteQuantity(BATTERY_W, Unit.W, Nature.POWER, "the battery discharges", negative="the battery charges"),
    SiteQuantity(GRID_W, Unit.W, Nature.POWER, "import from the grid", negative="export to the grid"),
    SiteQuantity(LOAD_W, Unit.W, Nature.POWER, "what the home uses"),
    SiteQuantity(SOC_PCT, Unit.PERCENT, Nature.STATE, "battery state of charge, capacity-weighted"),
    _flow(PV_TO_HOME_W, Node.PV, Node.HOME),
    _flow(PV_TO_BATTERY_W, Node.PV, Node.BATTERY),
    _flow(PV_TO_GRID_W, Node.PV, Node.GRID),
    _flow(WIND_TO_HOME_W, Node.WIND, Node.HOME),
    _flow(WIND_TO_BATTERY_W, Node.WIND, Node.BATTERY),
    _flow(WIND_TO_GRID_W, Node.WIND, Node.GRID),
    _flow(BATTERY_TO_HOME_W, Node.BATTERY, Node.HOME),
    _flow(BATTERY_TO_GRID_W, Node.BATTERY, Node.GRID),
    _flow(GRID_TO_HOME_W, Node.GRID, Node.HOME),
    _flow(GRID_TO_BATTERY_W, Node.GRID, Node.BATTERY),
    SiteQuantity(IMPORT_WH, Unit.WH, Nature.COUNTER, "energy imported", integrates=(GRID_W,)),
    SiteQuantity(EXPORT_WH, Unit.WH, Nature.COUNTER, "energy exported", integrates=(GRID_W,), sense=-1),
    SiteQuantity(
        PRODUCTION_WH, Unit.WH, Nature.COUNTER, "energy produced, solar and wind", integrates=(PV_W, WIND_W)
    ),
    SiteQuantity(WIND_WH, Unit.WH, Nature.COUNTER, "energy produced by wind", integrates=(WIND_W,)),
    SiteQuantity(
        CHARGE_WH, Unit.WH, Nature.COUNTER, "energy into the battery", integrates=(BATTERY_W,), sense=-1
    ),
    SiteQuantity(DISCHARGE_WH, Unit.WH, Nature.COUNTER, "energy out of the battery", integrates=(BATTERY_W,)),
)

BY_NAME: Final[dict[str, SiteQuantity]] = {q.name: q for q in QUANTITIES}
POWERS: Final[tuple[str, ...]] = tuple(q.name for q in QUANTITIES if q.nature is Nature.POWER)
FLOWS: Final[tuple[SiteQuantity, ...]] = tuple(q for q in QUANTITIES if q.nature is Nature.FLOW)
FLOW_NAMES: Final[tuple[str, ...]] = tuple(q.name for q in FLOWS)
COUNTERS: Final[tuple[str, ...]] = tuple(q.name for q in QUANTITIES if q.nature is Nature.COUNTER)
PRODUCERS: Final[dict[Node, str]] = {Node.PV: PV_W, Node.WIND: WIND_W}  # generation and its power
