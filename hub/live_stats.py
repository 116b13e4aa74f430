"""Live community figures (watts, now) from each site's newest snapshot, pushed on /ws.

Cheap by design: ingest hands over each site's newest snapshot per batch; every few seconds
one ``stats`` event per community goes to ``community:<id>``. Only totals leave this
module, never a single home's figures.

A total of two homes is one neighbour's figure to the other (subtract your own), and a total
that only one home feeds (the single wind turbine among ten homes) is that home's figure to
everyone. So a community's stats are sent only once ``min_sites`` homes report, and each
figure only when at least ``min_sites`` homes contribute to it (or none do); otherwise it is
null. Ratios made from a withheld figure are withheld too.
"""

from __future__ import annotations

import asyncio

from hub.api.schemas.events import StatsEvent
from hub.energy.site import covered_share
from hub.events import Event, EventBus, community_channel
from powershare_wire import Reading
from powershare_wire import site as vocabulary
from powershare_wire.clock import WALL_CLOCK, Clock


def _watts(reading: Reading, name: str) -> float:
    quantity = reading.values.get(name)
    return float(quantity["value"]) if quantity is not None and quantity["value"] is not None else 0.0


def _contributors(readings: list[Reading]) -> dict[str, int]:
    """How many homes feed each figure (a non-zero value in it)."""
    count = dict.fromkeys(("production_w", "wind_w", "consumption_w", "import_w", "export_w"), 0)
    for r in readings:
        grid = _watts(r, vocabulary.GRID_W)
        count["production_w"] += any(_watts(r, n) != 0 for n in vocabulary.PRODUCERS.values())
        count["wind_w"] += _watts(r, vocabulary.WIND_W) != 0
        count["consumption_w"] += _watts(r, vocabulary.LOAD_W) != 0
        count["import_w"] += grid > 0
        count["export_w"] += grid < 0
    return count


class LiveStats:
    def __init__(self) -> None:
        self._latest: dict[str, dict[str, Reading]] = {}  # community → site → snapshot

    def shareable(self, community: str, min_sites: int) -> dict[str, float | None] | None:
        """The figures residents may see: None with fewer than ``min_sites`` homes, thin ones null."""
        readings = list(self._latest.get(community, {}).values())
        if len(readings) < min_sites:
            return None
        figures = self.figures(community)
        for name, homes in _contributors(readings).items():
            if 0 < homes < min_sites:
                figures[name] = None
        if figures["import_w"] is None or figures["export_w"] is None:
            figures["community_coverage_w"] = None
        if None in (figures["import_w"], figures["export_w"], figures["consumption_w"]):
            figures["self_sufficiency"] = None
        return figures

    def update(self, community: str, site: str, reading: Reading) -> None:
        self._latest.setdefault(community, {})[site] = reading

    def figures(self, community: str) -> dict[str, float | None]:
        production = wind = consumption = imported = exported = 0.0
        readings = self._latest.get(community, {}).values()
        for r in readings:
            grid = _watts(r, vocabulary.GRID_W)
            production += sum(_watts(r, name) for name in vocabulary.PRODUCERS.values())
            wind += _watts(r, vocabulary.WIND_W)
            consumption += _watts(r, vocabulary.LOAD_W)
            imported += max(grid, 0.0)
            exported += max(-grid, 0.0)
        coverage = min(imported, exported)
        # Only what comes from outside the community counts against it, as in its daily figures.
        sufficiency = covered_share(consumption, imported - coverage)
        return {
            "sites": len(readings),
            "production_w": round(production, 1),  # solar and wind
            "wind_w": round(wind, 1),
            "consumption_w": round(consumption, 1),
            "import_w": round(imported, 1),
            "export_w": round(exported, 1),
            # The meters netted, not trades: what the community covers itself right now.
            "community_coverage_w": round(coverage, 1),
            "self_sufficiency": None if sufficiency is None else round(sufficiency, 4),
        }

    def communities(self) -> list[str]:
        return sorted(self._latest)


async def publish_live_stats(
    bus: EventBus, live: LiveStats, every_s: float, clock: Clock = WALL_CLOCK, min_sites: int = 3
) -> None:
    """Run until cancelled: one ``stats`` event per community every ``every_s`` (wall) seconds.

    Communities with fewer than ``min_sites`` reporting homes get none (see the module's docstring).
    """
    while True:
        await asyncio.sleep(every_s)
        now = clock.now()
        for community in live.communities():
            figures = live.shareable(community, min_sites)
            if figures is None:
                continue
            stats = StatsEvent.model_validate({"community": community, "ts": now, "live": figures})
            bus.publish(Event.of(stats, [community_channel(community)]))
