"""Table tests for a site's self-consumption and self-sufficiency (pure functions)."""

from __future__ import annotations

import pytest

from hub.energy.intervals import Energy
from hub.energy.site import self_consumption, self_sufficiency, site_figures

# energy over the period → (self-consumption, self-sufficiency)
CASES = [
    ("uses all it makes, buys the rest", Energy(import_wh=500, production_wh=1500), 1.0, 0.75),
    ("exports a third, buys nothing", Energy(export_wh=1000, production_wh=3000), 2 / 3, 1.0),
    ("grid only", Energy(import_wh=800), None, 0.0),
    ("nothing at all", Energy(), None, None),
    # the battery shifts the midday surplus to the evening: all used on site, nothing bought
    ("battery shifts", Energy(production_wh=2000, charge_wh=800, discharge_wh=800), 1.0, 1.0),
    # charged from the grid and emptied into it: more exported than produced → 0, not negative
    ("battery trades", Energy(import_wh=2000, export_wh=1800, production_wh=100, charge_wh=2000, discharge_wh=1900), 0.0, 0.0),
    # wind counts as production like solar does
    ("wind", Energy(import_wh=100, export_wh=200, production_wh=1000, wind_wh=600), 0.8, 0.8 / 0.9),
]  # fmt: skip


@pytest.mark.parametrize(
    ("energy", "consumption", "sufficiency"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_self_consumption_and_self_sufficiency(
    energy: Energy, consumption: float | None, sufficiency: float | None
) -> None:
    assert self_consumption(energy) == (None if consumption is None else pytest.approx(consumption))
    assert self_sufficiency(energy) == (None if sufficiency is None else pytest.approx(sufficiency))


def test_figures_are_ratios_of_the_period_totals_not_means_of_intervals() -> None:
    day = [
        Energy(export_wh=900, production_wh=1000),  # midday: 10 % used
        Energy(import_wh=100, production_wh=100),  # evening: all used, 50 % bought
    ]
    figures = site_figures(day)
    assert (figures.produced_wh, figures.wind_wh, figures.consumed_wh) == (1100, 0, 300)
    assert (figures.imported_wh, figures.exported_wh) == (100, 900)
    assert figures.self_consumption == pytest.approx(200 / 1100)
    assert figures.self_sufficiency == pytest.approx(200 / 300)


def test_a_period_without_intervals_has_no_ratios() -> None:
    figures = site_figures([])
    assert (figures.self_consumption, figures.self_sufficiency, figures.produced_wh) == (None, None, 0)
