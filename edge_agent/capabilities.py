"""What a device can do, as small protocols. The poller asks ``isinstance(dev, BatterySoc)``.

Values come from the device's latest sample and follow the site sign conventions of
:mod:`powershare_wire.messages` (already corrected for the device's configured sign).
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from powershare_wire import DispatchMode


@runtime_checkable
class PowerReader(Protocol):
    def power_w(self) -> float | None:
        """AC power in W: pv ≥ 0 producing, battery > 0 discharging, meter > 0 importing."""


@runtime_checkable
class ProductionCounter(Protocol):
    def production_wh(self) -> float | None:
        """Lifetime energy produced, Wh (may roll over on the device; the site counter fixes that)."""


@runtime_checkable
class GridCounters(Protocol):
    def import_wh(self) -> float | None:
        """Lifetime energy imported from the grid, Wh."""

    def export_wh(self) -> float | None:
        """Lifetime energy exported to the grid, Wh."""


@runtime_checkable
class BatterySoc(Protocol):
    def soc_pct(self) -> float | None:
        """State of charge, %."""

    def reserve_pct(self) -> float | None:
        """SoC below which the battery must not be discharged, %."""

    def capacity_wh(self) -> float | None:
        """Usable capacity, Wh (weights the site SoC when there are several batteries)."""


@runtime_checkable
class BatteryController(Protocol):
    def max_charge_w(self) -> float | None:
        """Largest charge power the device accepts, W."""

    def max_discharge_w(self) -> float | None:
        """Largest discharge power the device accepts, W."""

    async def command(self, mode: DispatchMode, power_w: float, revert_s: int) -> None:
        """Run at ``power_w`` (≥ 0) in ``mode``; the device itself reverts after ``revert_s``."""

    async def release(self) -> None:
        """Hand the battery back to its own control."""

    def in_effect(self) -> bool | None:
        """Whether the last command still shows in the device (``None``: not known yet)."""


@runtime_checkable
class DispatchableBattery(BatteryController, BatterySoc, Protocol):
    """What dispatch needs: control plus state of charge, and an identity to match commands."""

    @property
    def serial(self) -> str: ...
