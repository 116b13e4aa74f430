"""Site snapshot: flow split (table), energy counters that only grow, unknowns stay unknown."""

from __future__ import annotations

import functools
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from edge_agent.devices import Device, make_device
from edge_agent.site import MonotonicCounter, SiteAccounts, split_flows
from edge_agent.sunspec.device import SunSpecDevice
from edge_agent.sunspec.discovery import discover
from powershare_wire import Node, Role
from powershare_wire import site as vocabulary
from tests.agent import images
from tests.agent.fakes import MemoryLink

# pv, battery (+discharge), grid (+import), wind → expected flows (the rest are 0)
FLOWS = [
    ("sunny, exporting", 3000, 0, -1000, 0, {"pv_to_home_w": 2000, "pv_to_grid_w": 1000}),
    ("sunny, charging", 3000, -1000, 0, 0, {"pv_to_home_w": 2000, "pv_to_battery_w": 1000}),
    ("sunny, charging and exporting", 3000, -800, -1200, 0, {"pv_to_home_w": 1000, "pv_to_battery_w": 800, "pv_to_grid_w": 1200}),
    ("charging from grid", 0, -2000, 2500, 0, {"grid_to_home_w": 500, "grid_to_battery_w": 2000}),
    ("evening, battery", 0, 800, 200, 0, {"battery_to_home_w": 800, "grid_to_home_w": 200}),
    # (#10) the battery's export to the grid was lost
    ("battery exports", 0, 3000, -2000, 0, {"battery_to_home_w": 1000, "battery_to_grid_w": 2000}),
    ("battery exports beside pv", 500, 1000, -400, 0, {"pv_to_home_w": 500, "battery_to_home_w": 600, "battery_to_grid_w": 400}),
    ("pv and battery export", 3000, 1000, -2500, 0, {"pv_to_home_w": 1500, "pv_to_grid_w": 1500, "battery_to_grid_w": 1000}),
    ("mixed", 1000, -500, 300, 0, {"pv_to_home_w": 800, "pv_to_battery_w": 200, "grid_to_battery_w": 300}),
    ("night idle", 0, 0, 400, 0, {"grid_to_home_w": 400}),
    ("windy night", 0, 0, -1500, 2000, {"wind_to_home_w": 500, "wind_to_grid_w": 1500}),
    ("sun and wind", 1000, -1000, -500, 2000, {"pv_to_home_w": 1000, "wind_to_home_w": 500, "wind_to_battery_w": 1000, "wind_to_grid_w": 500}),
    ("inverter standby", -5, 0, 300, 0, {"grid_to_home_w": 300}),
]  # fmt: skip


@pytest.mark.parametrize(
    ("pv", "battery", "grid", "wind", "expected"), [c[1:] for c in FLOWS], ids=[c[0] for c in FLOWS]
)
def test_flow_split(pv: float, battery: float, grid: float, wind: float, expected: dict[str, float]) -> None:
    flows = split_flows(pv, battery, grid, wind_w=wind)
    assert set(flows) == set(vocabulary.FLOW_NAMES)
    assert {name: value for name, value in flows.items() if value} == expected


def _into(node: Node, flows: dict[str, float]) -> float:
    return sum(flows[f.name] for f in vocabulary.FLOWS if f.target is node)


def _out_of(node: Node, flows: dict[str, float]) -> float:
    return sum(flows[f.name] for f in vocabulary.FLOWS if f.source is node)


watts = st.floats(min_value=0, max_value=1e6, allow_nan=False, allow_infinity=False)


@given(pv=watts, wind=watts, load=watts, battery=st.floats(-1e6, 1e6))
def test_every_watt_is_in_exactly_one_flow(pv: float, wind: float, load: float, battery: float) -> None:
    """Whatever the site does, each source's flows add up to what it supplies, each sink's to what it takes."""
    grid = load - pv - wind - battery  # the grid meter closes the balance
    flows = split_flows(pv, battery, grid, wind_w=wind)
    close = functools.partial(pytest.approx, abs=1e-6 * (pv + wind + abs(battery) + load + 1))
    assert all(value >= 0 for value in flows.values())
    assert _out_of(Node.PV, flows) == close(pv)
    assert _out_of(Node.WIND, flows) == close(wind)
    assert _out_of(Node.BATTERY, flows) == close(max(battery, 0))
    assert _into(Node.BATTERY, flows) == close(max(-battery, 0))
    assert _out_of(Node.GRID, flows) == close(max(grid, 0))
    assert _into(Node.GRID, flows) == close(max(-grid, 0))
    assert _into(Node.HOME, flows) == close(load)


def test_counter_only_grows() -> None:
    counter = MonotonicCounter()
    assert counter.follow(1000) == 1000
    assert counter.follow(1500) == 1500
    assert counter.follow(0) == 1500  # accumulator 0 = unknown
    assert counter.follow(200) == 1500  # reset or rollover: no negative energy
    assert counter.follow(260) == 1560


async def pv_battery_meter() -> list[Device]:
    """An inverter making 3 kW, a battery charging at 1 kW and a meter importing 500 W."""
    devices = []
    for image in (images.inverter(w=3000, wh=10_000), images.battery(w=-1000, soc=55), images.meter(w=500)):
        link = MemoryLink.single(image)
        device = make_device(SunSpecDevice(link, await discover(link, [1])))
        await device.refresh()
        devices.append(device)
    return devices


async def test_snapshot_from_devices() -> None:
    devices = await pv_battery_meter()
    accounts = SiteAccounts()
    t0 = datetime(2026, 6, 1, 12, tzinfo=UTC)
    accounts.snapshot([(d, True) for d in devices], t0)
    values = accounts.snapshot([(d, True) for d in devices], t0 + timedelta(hours=1))
    assert values["load_w"]["value"] == 2500
    assert values["charge_wh"]["value"] == pytest.approx(1000)
    assert values["discharge_wh"]["value"] == 0
    assert values["production_wh"]["value"] == 10_000
    # The meter fails: grid and everything derived from it become unknown, not zero.
    failed = accounts.snapshot(
        [(devices[0], True), (devices[1], True), (devices[2], False)], t0 + timedelta(hours=2)
    )
    assert failed["grid_w"]["value"] is None
    assert failed["load_w"]["value"] is None
    assert failed["pv_to_home_w"]["value"] is None
    assert failed["pv_w"]["value"] == 3000
    assert failed["import_wh"]["value"] == 200_000  # counters keep their last total


async def test_wind_is_published_apart_from_solar() -> None:
    """A wind inverter's power and energy go to wind_w / wind_wh, not into pv_w (#10)."""
    devices = await pv_battery_meter()
    link = MemoryLink.single(images.inverter(serial="WIND-1", w=2000, wh=4000))
    turbine = make_device(SunSpecDevice(link, await discover(link, [1])), Role.WIND)
    await turbine.refresh()
    values = SiteAccounts().snapshot(
        [(d, True) for d in [*devices, turbine]], datetime(2026, 6, 1, tzinfo=UTC)
    )
    assert values["pv_w"]["value"] == 3000
    assert values["wind_w"]["value"] == 2000
    assert values["load_w"]["value"] == 4500  # 3000 + 2000 − 1000 charging + 500 import
    assert values["production_wh"]["value"] == 14_000  # solar and wind
    assert values["wind_wh"]["value"] == 4000  # the wind part
    assert values["wind_to_home_w"]["value"] == 1500
    assert values["wind_to_battery_w"]["value"] == 500
    assert values["grid_to_battery_w"]["value"] == 500
    assert all(values[name]["unit"] is vocabulary.BY_NAME[name].unit for name in values)


async def test_a_site_without_wind_sends_what_it_sent_before_wind() -> None:
    devices = await pv_battery_meter()
    values = SiteAccounts().snapshot([(d, True) for d in devices], datetime(2026, 6, 1, tzinfo=UTC))
    assert not {name for name in values if name.startswith("wind")}
    assert values["battery_to_grid_w"]["value"] == 0


def testsite_soc_weights_by_capacity() -> None:
    from edge_agent.site import site_soc

    assert site_soc([(50.0, 10_000.0), (100.0, 5_000.0)]) == pytest.approx(66.667, abs=0.01)
    assert site_soc([(50.0, None), (100.0, 5_000.0)]) == 75.0
    assert site_soc([(50.0, 10_000.0), (None, 5_000.0)]) is None
    assert site_soc([]) is None


@pytest.mark.parametrize(
    ("unidentified", "unknown", "known"),
    [
        ([None], {"pv_w", "battery_w", "grid_w", "load_w"}, set()),
        ([Role.PV], {"pv_w", "load_w"}, {"battery_w", "grid_w"}),
        ([Role.METER], {"grid_w", "load_w"}, {"pv_w", "battery_w"}),
        ([], set(), {"pv_w", "battery_w", "grid_w", "load_w"}),
    ],
)
async def test_a_device_not_found_yet_makes_its_sums_unknown_not_zero(
    unidentified: list[Role | None], unknown: set[str], known: set[str]
) -> None:
    devices = await pv_battery_meter()
    values = SiteAccounts().snapshot(
        [(d, True) for d in devices], datetime(2026, 6, 1, 12, tzinfo=UTC), unidentified=unidentified
    )
    assert {name for name in unknown | known if values[name]["value"] is None} == unknown
