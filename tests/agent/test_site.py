"""Site snapshot: flow split (table), energy counters that only grow, unknowns stay unknown."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from edge_agent.devices import Device, make_device
from edge_agent.site import MonotonicCounter, SiteAccounts, split_flows
from edge_agent.sunspec.device import SunSpecDevice
from edge_agent.sunspec.discovery import discover
from powershare_wire import Role
from tests.agent import images
from tests.agent.fakes import MemoryLink

# pv, battery (+discharge), grid (+import) → expected flows
FLOWS = [
    ("sunny, exporting", 3000, 0, -1000, {"pv_to_home_w": 2000, "pv_to_grid_w": 1000}),
    ("sunny, charging", 3000, -1000, 0, {"pv_to_home_w": 2000, "pv_to_battery_w": 1000}),
    ("charging from grid", 0, -2000, 2500, {"grid_to_home_w": 500, "grid_to_battery_w": 2000}),
    ("evening, battery", 0, 800, 200, {"battery_to_home_w": 800, "grid_to_home_w": 200}),
    ("battery exports", 0, 1000, -400, {"battery_to_home_w": 600}),
    ("mixed", 1000, -500, 300, {"pv_to_home_w": 800, "pv_to_battery_w": 200, "grid_to_battery_w": 300}),
    ("night idle", 0, 0, 400, {"grid_to_home_w": 400}),
]


@pytest.mark.parametrize(
    ("pv", "battery", "grid", "expected"), [c[1:] for c in FLOWS], ids=[c[0] for c in FLOWS]
)
def test_flow_split(pv: float, battery: float, grid: float, expected: dict[str, float]) -> None:
    flows = split_flows(pv, battery, grid)
    for name, value in flows.items():
        assert value == pytest.approx(expected.get(name, 0.0)), name
        assert value >= 0
    load = pv + battery + grid
    assert flows["pv_to_home_w"] + flows["battery_to_home_w"] + flows["grid_to_home_w"] == pytest.approx(load)


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
