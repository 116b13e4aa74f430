"""Simulated home battery: Common + 802 Battery + 124 Storage (legacy controls), optionally 713.

Controls that change the physics: 124 ``StorCtl_Mod``, ``InWRte``, ``OutWRte``,
``InOutWRte_RvrtTms``, ``ChaGriSet``, ``MinRsvPct``; 802 ``SoCRsvMin`` and ``SetOp``.
Run one on its own: ``python -m firmware_sims battery --port 5021``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from typing import ClassVar

from firmware_sims.device import DeviceKind, IllegalValue, SimulatedDevice
from firmware_sims.faults import Fault
from firmware_sims.physics.community import Home
from firmware_sims.physics.specs import BatterySpec
from firmware_sims.sunspec.image import ModelSpec, PlacedPoint

PACK_V = 400.0  # a typical high-voltage home battery


class ChargeStatus(IntEnum):
    """124/802 ``ChaSt``."""

    OFF = 1
    EMPTY = 2
    DISCHARGING = 3
    CHARGING = 4
    FULL = 5
    HOLDING = 6
    TESTING = 7


@dataclass(frozen=True)
class BatteryState:
    """Physical state (W > 0 = discharge, whatever sign the registers use)."""

    w: float
    soc_pct: float
    capacity_wh: float
    charge_status: ChargeStatus
    max_charge_w: float
    max_discharge_w: float
    soc_min_pct: float
    soc_max_pct: float
    reserve_pct: float
    charged_wh: float
    discharged_wh: float
    storctl_mod: int
    in_pct: float
    out_pct: float
    revert_s: int
    connected: bool
    grid_charging: bool


_WRITE_RANGES: dict[tuple[int, str], tuple[float, float]] = {
    # Engineering-value ranges a write must fall in, else exception 3.
    (1, "DA"): (1, 247),
    (124, "StorCtl_Mod"): (0, 3),
    (124, "InWRte"): (-100, 100),
    (124, "OutWRte"): (-100, 100),
    (124, "ChaGriSet"): (0, 1),
    (124, "MinRsvPct"): (0, 100),
    (802, "SoCRsvMin"): (0, 100),
    (802, "SocRsvMax"): (0, 100),
    (802, "SetOp"): (1, 2),
    (802, "SetInvState"): (1, 3),
}


class Battery(SimulatedDevice):
    kind: ClassVar[DeviceKind] = DeviceKind.BATTERY
    default_variant: ClassVar[str] = "standard"
    variants: ClassVar[dict[str, tuple[ModelSpec, ...]]] = {
        "standard": (ModelSpec(1), ModelSpec(802), ModelSpec(124)),
        "der": (ModelSpec(1), ModelSpec(802), ModelSpec(713), ModelSpec(124)),
        "legacy": (ModelSpec(1), ModelSpec(124)),
    }
    model_name: ClassVar[dict[str, str]] = {
        "standard": "SimBattery",
        "der": "SimBattery DER",
        "legacy": "SimBattery L",
    }

    def __init__(
        self, home: Home, *, variant: str = "", unit_id: int = 1, serial: str | None = None, seed: int = 0
    ) -> None:
        if home.spec.battery is None:
            raise ValueError(f"home {home.spec.home_id!r} has no battery")
        self.spec: BatterySpec = home.spec.battery
        super().__init__(home, variant=variant, unit_id=unit_id, serial=serial, seed=seed)

    # --- physics view ------------------------------------------------------------------------
    @property
    def state(self) -> BatteryState:
        home, spec, controls = self.home, self.spec, self.home.controls
        w, soc = home.battery_w, home.soc_pct
        return BatteryState(
            w=w,
            soc_pct=soc,
            capacity_wh=spec.capacity_wh,
            charge_status=self._charge_status(w, soc),
            max_charge_w=spec.max_charge_w,
            max_discharge_w=spec.max_discharge_w,
            soc_min_pct=spec.soc_min_pct,
            soc_max_pct=spec.soc_max_pct,
            reserve_pct=controls.reserve_pct,
            charged_wh=home.battery_charged_wh,
            discharged_wh=home.battery_discharged_wh,
            storctl_mod=controls.storctl_mod,
            in_pct=controls.in_pct,
            out_pct=controls.out_pct,
            revert_s=controls.revert_s,
            connected=controls.connected,
            grid_charging=controls.grid_charging,
        )

    def _charge_status(self, w: float, soc: float) -> ChargeStatus:
        if not self.home.controls.connected:
            return ChargeStatus.OFF
        if w > 1.0:
            return ChargeStatus.DISCHARGING
        if w < -1.0:
            return ChargeStatus.CHARGING
        if soc >= self.spec.soc_max_pct - 0.05:
            return ChargeStatus.FULL
        if soc <= max(self.spec.soc_min_pct, self.home.controls.reserve_pct) + 0.05:
            return ChargeStatus.EMPTY
        return ChargeStatus.HOLDING

    # --- encoding ----------------------------------------------------------------------------
    def _write_static(self) -> None:
        image, spec = self.image, self.spec
        ah = spec.capacity_wh / PACK_V
        if image.has(802, "W"):
            wh_sf = 0 if spec.capacity_wh < 65000 else 1
            for name, sf in (("AHRtg_SF", -1), ("WHRtg_SF", wh_sf), ("WChaDisChaMax_SF", 0), ("SoC_SF", -1)):
                image.set(802, name, sf)
            for name, sf in (("DoD_SF", -1), ("SoH_SF", 0), ("V_SF", -1), ("A_SF", -1), ("AMax_SF", -1)):
                image.set(802, name, sf)
            image.set(802, "W_SF", 0)
            image.set(802, "AHRtg", ah)
            image.set(802, "WHRtg", spec.capacity_wh)
            image.set(802, "WChaRteMax", spec.max_charge_w)
            image.set(802, "WDisChaRteMax", spec.max_discharge_w)
            image.set(802, "SoCMax", spec.soc_max_pct)
            image.set(802, "SoCMin", spec.soc_min_pct)
            image.set(802, "SocRsvMax", spec.soc_max_pct)
            image.set(802, "SoH", 100)
            image.set(802, "LocRemCtl", 0)  # REMOTE: accepts Modbus control
            image.set(802, "Typ", 4)  # LITHIUM_ION
            image.set(802, "VMax", PACK_V * 1.125)
            image.set(802, "VMin", PACK_V * 0.875)
            image.set(802, "AChaMax", spec.max_charge_w / PACK_V)
            image.set(802, "ADisChaMax", spec.max_discharge_w / PACK_V)
        if image.has(713, "WHRtg"):
            image.set(713, "WH_SF", 0 if spec.capacity_wh < 65000 else 1)
            image.set(713, "Pct_SF", -1)
            image.set(713, "WHRtg", spec.capacity_wh)
            image.set(713, "SoH", 100)
            image.set(713, "Sta", 0)
        for name, sf in (("WChaMax_SF", 0), ("WChaDisChaGra_SF", 0), ("MinRsvPct_SF", 0)):
            image.set(124, name, sf)
        for name, sf in (("ChaState_SF", -1), ("StorAval_SF", -1), ("InBatV_SF", -1), ("InOutWRte_SF", -2)):
            image.set(124, name, sf)
        image.set(124, "WChaMax", spec.max_charge_w)
        image.set(124, "WChaGra", 100)
        image.set(124, "WDisChaGra", 100)
        image.set(124, "InOutWRte_WinTms", 0)
        image.set(124, "InOutWRte_RmpTms", 0)

    def _illegal_register(self) -> int:
        if self.image.has(802, "WarrDt"):
            return self.image.address_of(802, "WarrDt")
        return self.image.address_of(124, "InOutWRte_WinTms")

    def _encode(self) -> None:
        s = self.state
        image = self.image
        sign = -1.0 if Fault.CHARGE_POSITIVE in self.faults else 1.0
        floor = max(s.soc_min_pct, s.reserve_pct)
        if image.has(802, "W"):
            if Fault.DYNAMIC_SF in self.faults:
                image.set(802, "W_SF", -1 if abs(s.w) < 3000 else 0)
            image.set(802, "SoC", s.soc_pct)
            image.set(802, "DoD", 100.0 - s.soc_pct)
            image.set(802, "SoCRsvMin", s.reserve_pct)
            image.set(802, "NCyc", int(s.discharged_wh // s.capacity_wh))
            image.set(802, "ChaSt", int(s.charge_status))
            image.set(802, "Hb", self.home.community.steps_done % 0xFFFF)
            image.set(802, "State", 3 if s.connected else 1)
            image.set(802, "V", self.optional(PACK_V))
            image.set(802, "A", sign * s.w / PACK_V)
            image.set(802, "W", sign * s.w)
            image.set(802, "ReqW", self._requested_w(s))
            image.set(802, "SetOp", 1 if s.connected else 2)
        if image.has(713, "WHRtg"):
            image.set(713, "WHAvail", max(0.0, (s.soc_pct - floor) / 100.0 * s.capacity_wh))
            image.set(713, "SoC", s.soc_pct)
        image.set(124, "StorCtl_Mod", s.storctl_mod)
        image.set(124, "MinRsvPct", s.reserve_pct)
        image.set(124, "ChaState", s.soc_pct)
        image.set(124, "StorAval", max(0.0, (s.soc_pct - floor) / 100.0 * s.capacity_wh / PACK_V))
        image.set(124, "InBatV", self.optional(PACK_V))
        image.set(124, "ChaSt", int(s.charge_status))
        image.set(124, "OutWRte", s.out_pct)
        image.set(124, "InWRte", s.in_pct)
        image.set(124, "InOutWRte_RvrtTms", s.revert_s)
        image.set(124, "ChaGriSet", 1 if s.grid_charging else 0)

    def _requested_w(self, s: BatteryState) -> float | None:
        """The forced set-point the 124 controls amount to (None: automatic self-consumption)."""
        if s.storctl_mod & 0x2 and s.out_pct < 0:
            return s.out_pct / 100.0 * s.max_charge_w
        if s.storctl_mod & 0x1 and s.in_pct < 0:
            return -s.in_pct / 100.0 * s.max_discharge_w
        return None

    # --- writes ------------------------------------------------------------------------------
    def _engineering(self, placed: PlacedPoint, raw: int) -> float:
        sf = self.image.sf(placed.model_id, placed.point.sf) if placed.point.sf else 0
        return raw * 10.0 ** (sf or 0)

    def _validate(self, placed: PlacedPoint, raw: int) -> None:
        bounds = _WRITE_RANGES.get((placed.model_id, placed.point.name))
        if bounds is None:
            if placed.model_id == 124 and placed.point.name == "WChaMax":
                bounds = (0, self.spec.max_charge_w)
            else:
                return
        value = self._engineering(placed, raw)
        if not bounds[0] <= value <= bounds[1]:
            raise IllegalValue(placed.point.name)

    def _apply(self, placed: PlacedPoint, raw: int) -> None:
        controls = self.home.controls
        now = self.home.community.t
        value = self._engineering(placed, raw)
        match (placed.model_id, placed.point.name):
            case (124, "StorCtl_Mod"):
                controls.storctl_mod = raw
                controls.arm_revert(now)
            case (124, "InWRte"):
                controls.in_pct = value
                controls.arm_revert(now)
            case (124, "OutWRte"):
                controls.out_pct = value
                controls.arm_revert(now)
            case (124, "InOutWRte_RvrtTms"):
                controls.revert_s = raw
                if controls.storctl_mod:
                    controls.arm_revert(now)
            case (124, "ChaGriSet"):
                controls.grid_charging = raw == 1
            case (124, "MinRsvPct") | (802, "SoCRsvMin"):
                controls.reserve_pct = value
            case (802, "SetOp"):
                controls.connected = raw == 1
            case _:
                pass  # stored in the image, reads back, no physical effect


if __name__ == "__main__":  # the command line imports this module, so this one must not import it
    raise SystemExit("serve one battery with: python -m firmware_sims battery --port 5021")
