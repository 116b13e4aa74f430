"""Live community figures from the sites' newest snapshots."""

from __future__ import annotations

from datetime import UTC, datetime

from hub.live_stats import LiveStats
from powershare_wire import SITE_DEVICE, Quantity, Reading, Unit


def snapshot(**watts: float) -> Reading:
    values = {name: Quantity(value=w, unit=Unit.W) for name, w in watts.items()}
    return Reading(seq=1, ts=datetime(2026, 6, 1, tzinfo=UTC), device=SITE_DEVICE, values=values)


def test_solar_and_wind_both_produce_and_old_agents_still_count() -> None:
    live = LiveStats()
    live.update("north", "a", snapshot(pv_w=1000, wind_w=1500, load_w=500, grid_w=-2000))
    live.update("north", "b", snapshot(pv_w=200, load_w=1200, grid_w=1000))  # an agent before wind_w
    figures = live.figures("north")
    assert figures["production_w"] == 2700
    assert (figures["import_w"], figures["export_w"], figures["community_coverage_w"]) == (1000, 2000, 1000)
