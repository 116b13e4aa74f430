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
    assert (figures["production_w"], figures["wind_w"]) == (2700, 1500)
    assert (figures["import_w"], figures["export_w"], figures["community_coverage_w"]) == (1000, 2000, 1000)
    assert figures["self_sufficiency"] == 1.0  # b's import is a's export: nothing from outside


def test_live_self_sufficiency_counts_only_what_comes_from_outside() -> None:
    live = LiveStats()
    live.update("north", "a", snapshot(pv_w=500, load_w=300, grid_w=-200))
    live.update("north", "b", snapshot(load_w=1000, grid_w=1000))
    assert live.figures("north")["self_sufficiency"] == round(1 - 800 / 1300, 4)
    live.update("east", "c", snapshot(pv_w=0, load_w=0, grid_w=0))
    assert live.figures("east")["self_sufficiency"] is None  # nothing used: no share to speak of


def test_too_few_homes_send_nothing_and_a_figure_one_home_feeds_is_withheld() -> None:
    """No neighbour's own figures can be worked out from the totals (#12)."""
    live = LiveStats()
    live.update("north", "a", snapshot(pv_w=1000, wind_w=1500, load_w=500, grid_w=-2000))
    live.update("north", "b", snapshot(pv_w=200, load_w=1200, grid_w=1000))
    assert live.shareable("north", min_sites=3) is None  # b minus its own is a's figures
    live.update("north", "c", snapshot(pv_w=300, load_w=700, grid_w=400))
    figures = live.shareable("north", min_sites=3)
    assert figures is not None
    assert figures["production_w"] == 3000  # three homes produce
    assert figures["wind_w"] is None  # a alone has wind: the total would be a's
    assert figures["export_w"] is None  # a alone exports
    assert figures["community_coverage_w"] is None
    assert figures["self_sufficiency"] is None
    assert figures["import_w"] is None  # two importers: each would learn the other's
    assert figures["consumption_w"] == 2400
