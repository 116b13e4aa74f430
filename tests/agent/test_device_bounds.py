"""A device's impossible values and control characters never stop the poll cycle (#12)."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import pytest

from edge_agent.devices import BoundsGuard, make_device
from edge_agent.site import SiteAccounts
from edge_agent.sunspec.device import SunSpecDevice
from edge_agent.sunspec.discovery import discover
from powershare_wire import DeviceInfo, Quantity, Reading, Unit
from tests.agent import images
from tests.agent.fakes import MemoryLink

T0 = datetime(2026, 6, 1, 12, tzinfo=UTC)


async def test_an_out_of_bounds_value_is_sent_as_not_reported(caplog: pytest.LogCaptureFixture) -> None:
    # 150 % state of charge, and a serial a firmware padded with control characters.
    link = MemoryLink.single(images.battery(serial="BAT\x01-7\x7f", soc=150))
    device = make_device(SunSpecDevice(link, await discover(link, [1])), guard=BoundsGuard())
    with caplog.at_level(logging.WARNING, logger="edge_agent.devices"):
        sample = await device.refresh()
    assert "\x01" in device.sunspec.serial
    assert device.serial == "BAT-7"
    assert sample.value("soc_pct") is None
    assert sample.value("w") == -1000  # the rest is kept
    assert any("BAT-7" in r.message and "soc_pct = 150 %" in r.message for r in caplog.records)
    # What the agent builds from it validates: device reading, status and site snapshot.
    values = {name: Quantity(value=v, unit=u) for name, (v, u) in sample.values.items()}
    Reading(seq=0, ts=T0, device=device.serial, values=values)
    DeviceInfo.model_validate(device.info().model_dump())
    snapshot = SiteAccounts().snapshot([(device, True)], T0)
    Reading(seq=1, ts=T0, device="site", values=snapshot)


def test_warnings_are_rate_limited_per_device_and_quantity(caplog: pytest.LogCaptureFixture) -> None:
    now = [0.0]
    guard = BoundsGuard(every_s=600, clock=lambda: now[0])
    with caplog.at_level(logging.WARNING, logger="edge_agent.devices"):
        for _ in range(5):
            assert guard.check("INV-1", "pv_w", 1e308, Unit.W) is None
        assert guard.check("INV-2", "pv_w", float("inf"), Unit.W) is None  # another device: its own warning
        now[0] = 601.0
        assert guard.check("INV-1", "pv_w", 2e7, Unit.W) is None
        assert guard.check("INV-1", "pv_w", 3000.0, Unit.W) == 3000.0
    assert [r.message.split(":")[0] for r in caplog.records] == [
        "device INV-1",
        "device INV-2",
        "device INV-1",
    ]
    assert "pv_w = 1e+308 W" in caplog.records[0].message
    assert guard.refused == 7


def test_site_quantities_outside_their_bounds_become_unknown() -> None:
    guard = BoundsGuard()
    values = {"pv_w": Quantity(value=2e7, unit=Unit.W), "grid_w": Quantity(value=-300.0, unit=Unit.W)}
    cleaned = guard.clean_quantities("site", values)
    assert cleaned == {"pv_w": {"value": None, "unit": Unit.W}, "grid_w": {"value": -300.0, "unit": Unit.W}}
