"""Battery controls (SunSpec 124/802 semantics) and one vectorised integration step."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from firmware_sims.physics.noise import FloatArray

CHARGE_BIT = 0x1  # 124 StorCtl_Mod bit0: InWRte limits (or, if negative, reverses) charging
DISCHARGE_BIT = 0x2  # bit1: OutWRte limits (or, if negative, reverses) discharging


@dataclass
class BatteryControls:
    """Remote controls written over Modbus; percentages are of the max charge/discharge rate.

    A negative ``in_pct`` with the CHARGE bit forces a discharge, a negative ``out_pct`` with
    the DISCHARGE bit forces a charge (the convention Fronius and SMA documents use).
    """

    storctl_mod: int = 0
    in_pct: float = 100.0
    out_pct: float = 100.0
    revert_s: int = 0  # InOutWRte_RvrtTms; 0 = never revert
    revert_at: float = math.inf  # simulated time when the rates fall back to defaults
    grid_charging: bool = True  # 124 ChaGriSet: GRID (1) or PV only (0)
    reserve_pct: float = 0.0  # 124 MinRsvPct / 802 SoCRsvMin: no discharge below this SoC
    connected: bool = True  # 802 SetOp: CONNECT / DISCONNECT

    def arm_revert(self, now: float) -> None:
        """(Re)start the revert timer, as a write of a rate or the mode does."""
        self.revert_at = now + self.revert_s if self.revert_s > 0 else math.inf

    def revert(self) -> None:
        self.storctl_mod = 0
        self.in_pct = 100.0
        self.out_pct = 100.0
        self.revert_at = math.inf


@dataclass(frozen=True)
class BatteryArrays:
    """Per-home battery parameters for one batch (0 capacity = no battery)."""

    capacity_wh: FloatArray
    max_charge_w: FloatArray
    max_discharge_w: FloatArray
    soc_min: FloatArray
    soc_max: FloatArray
    mode: FloatArray
    in_pct: FloatArray
    out_pct: FloatArray
    revert_at: FloatArray
    grid_charging: FloatArray
    reserve: FloatArray
    connected: FloatArray


def step(
    arrays: BatteryArrays, soc: FloatArray, surplus_w: FloatArray, measured_w: FloatArray, t: float, dt: float
) -> FloatArray:
    """Battery power (W, > 0 = discharge) for one step; updates ``soc`` (percent) in place.

    ``surplus_w`` is generation minus load now; ``measured_w`` is what the battery's own
    controller last saw (one step earlier), so self-consumption tracks the home with a small
    lag and the grid meter hovers around zero instead of sitting on it, as on real systems.
    """
    active = t < arrays.revert_at
    mode = np.where(active, arrays.mode, 0.0).astype(np.int64)
    in_pct = np.where(active, arrays.in_pct, 100.0)
    out_pct = np.where(active, arrays.out_pct, 100.0)
    charge_on = (mode & CHARGE_BIT) != 0
    discharge_on = (mode & DISCHARGE_BIT) != 0

    charge_limit = arrays.max_charge_w * np.where(charge_on, np.clip(in_pct, 0.0, None) / 100.0, 1.0)
    discharge_limit = arrays.max_discharge_w * np.where(
        discharge_on, np.clip(out_pct, 0.0, None) / 100.0, 1.0
    )
    lower = -charge_limit
    upper = discharge_limit
    desired = -measured_w
    forced_charge = discharge_on & (out_pct < 0)
    forced_discharge = charge_on & (in_pct < 0)
    desired = np.where(forced_charge, out_pct / 100.0 * arrays.max_charge_w, desired)
    desired = np.where(forced_discharge, -in_pct / 100.0 * arrays.max_discharge_w, desired)
    lower = np.where(forced_charge, desired, lower)
    upper = np.where(forced_discharge, desired, upper)
    # PV-only charging: never draw the charge current from the grid.
    lower = np.where(arrays.grid_charging > 0, lower, np.maximum(lower, -np.clip(surplus_w, 0.0, None)))

    capacity = np.where(arrays.capacity_wh > 0, arrays.capacity_wh, 1.0)
    floor = np.maximum(arrays.soc_min, arrays.reserve)
    room_charge_w = np.clip(arrays.soc_max - soc, 0.0, None) / 100.0 * capacity * 3600.0 / dt
    room_discharge_w = np.clip(soc - floor, 0.0, None) / 100.0 * capacity * 3600.0 / dt
    power = np.clip(desired, lower, upper)
    power = np.clip(power, -room_charge_w, room_discharge_w)
    power = np.where((arrays.capacity_wh > 0) & (arrays.connected > 0), power, 0.0)
    soc -= power * dt / 3600.0 / capacity * 100.0
    return power
