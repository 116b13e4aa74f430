"""Simulated PV (or wind) inverter: Common + 103/101 (int+SF) or 113/111 (float) + 160 MPPT,
or the IEEE 1547 DER variant: Common + 701 + 702.

Run one on its own: ``python -m firmware_sims inverter --port 5020``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import IntEnum
from typing import ClassVar, Literal

from firmware_sims.device import DeviceKind, IllegalValue, SimulatedDevice
from firmware_sims.faults import Fault
from firmware_sims.physics.community import Home
from firmware_sims.sunspec.image import ModelSpec, PlacedPoint

GRID_V = 230.0
_INVERTER_EFFICIENCY = 0.965

Source = Literal["pv", "wind"]


class InverterStatus(IntEnum):
    """Model 10x/11x ``St``."""

    OFF = 1
    SLEEPING = 2
    STARTING = 3
    MPPT = 4
    THROTTLED = 5
    SHUTTING_DOWN = 6
    FAULT = 7
    STANDBY = 8


# 701 InvSt for each 10x St.
_DER_STATE = {
    InverterStatus.SLEEPING: 1,
    InverterStatus.MPPT: 3,
    InverterStatus.THROTTLED: 4,
    InverterStatus.STANDBY: 7,
}


@dataclass(frozen=True)
class InverterState:
    """What the inverter's registers encode (W, Wh are AC, positive = generation)."""

    source: Source
    w: float
    wh: float
    dc_w: float
    status: InverterStatus
    v: float
    hz: float
    rating_w: float
    limit_w: float  # active curtailment limit (inf = none)


def grid_hz(t: float) -> float:
    """A grid frequency that wanders a little, deterministically."""
    return 50.0 + 0.02 * math.sin(t / 37.0) + 0.01 * math.sin(t / 7.3)


_MPPT = ModelSpec(160, repeats=2)


class Inverter(SimulatedDevice):
    kind: ClassVar[DeviceKind] = DeviceKind.INVERTER
    default_variant: ClassVar[str] = "three_phase"
    variants: ClassVar[dict[str, tuple[ModelSpec, ...]]] = {
        "three_phase": (ModelSpec(1), ModelSpec(103), _MPPT),
        "single_phase": (ModelSpec(1), ModelSpec(101), _MPPT),
        "float": (ModelSpec(1), ModelSpec(113), _MPPT),
        "float_single_phase": (ModelSpec(1), ModelSpec(111), _MPPT),
        "der": (ModelSpec(1), ModelSpec(701), ModelSpec(702)),
    }
    model_name: ClassVar[dict[str, str]] = {
        "three_phase": "SimInverter 3P",
        "single_phase": "SimInverter 1P",
        "float": "SimInverter 3P-F",
        "float_single_phase": "SimInverter 1P-F",
        "der": "SimInverter DER",
    }

    def __init__(
        self,
        home: Home,
        *,
        variant: str = "",
        unit_id: int = 1,
        serial: str | None = None,
        seed: int = 0,
        source: Source = "pv",
    ) -> None:
        self.source: Source = source
        pv, wind = home.spec.pv, home.spec.wind
        if source == "pv" and pv is not None:
            self.rating_w = pv.ac_rating_w
        elif source == "wind" and wind is not None:
            self.rating_w = wind.rated_w
        else:
            raise ValueError(f"home {home.spec.home_id!r} has no {source} plant for an inverter")
        super().__init__(home, variant=variant, unit_id=unit_id, serial=serial, seed=seed)

    @property
    def main_model(self) -> int:
        return self.variants[self.variant][1].model_id

    # --- physics view ------------------------------------------------------------------------
    @property
    def state(self) -> InverterState:
        home = self.home
        if self.source == "pv":
            w, wh, dc_w = home.pv_w, home.pv_wh, home.pv_dc_w
        else:
            w, wh = home.wind_w, home.wind_wh
            dc_w = w / _INVERTER_EFFICIENCY
        limit = home.conditions.pv_limit_w if self.source == "pv" else math.inf
        return InverterState(
            source=self.source,
            w=w,
            wh=wh,
            dc_w=dc_w,
            status=self._status(w),
            v=GRID_V,
            hz=grid_hz(home.community.t),
            rating_w=self.rating_w,
            limit_w=limit,
        )

    def _status(self, w: float) -> InverterStatus:
        if self.source == "pv":
            if w <= 0.0 and self.home.sun_elevation_deg <= 0.0:
                return InverterStatus.SLEEPING
            if self.home.pv_throttled:
                return InverterStatus.THROTTLED
            return InverterStatus.MPPT if w > 0 else InverterStatus.STANDBY
        return InverterStatus.MPPT if w > 0 else InverterStatus.STANDBY

    def is_sleeping(self) -> bool:
        return (
            self._status(self.home.pv_w if self.source == "pv" else self.home.wind_w)
            is InverterStatus.SLEEPING
        )

    # --- encoding ----------------------------------------------------------------------------
    def _write_static(self) -> None:
        model = self.main_model
        image = self.image
        if model in (101, 103):
            for name, sf in (("A_SF", -2), ("V_SF", -1), ("W_SF", 0), ("Hz_SF", -2), ("VA_SF", 0)):
                image.set(model, name, sf)
            for name, sf in (("VAr_SF", 0), ("PF_SF", -1), ("WH_SF", 0), ("DCA_SF", -2), ("DCV_SF", -1)):
                image.set(model, name, sf)
            image.set(model, "DCW_SF", 0)
            image.set(model, "Tmp_SF", -1)
        if model == 701:
            sfs = (("A_SF", -2), ("V_SF", -1), ("Hz_SF", -2), ("W_SF", 0), ("PF_SF", -3), ("VA_SF", 0))
            for name, sf in (*sfs, ("Var_SF", 0), ("TotWh_SF", 0), ("TotVarh_SF", 0), ("Tmp_SF", -1)):
                image.set(701, name, sf)
            image.set(701, "ACType", 2)
            self._write_702()
        if image.has(160, "N"):
            for name, sf in (("DCA_SF", -2), ("DCV_SF", -1), ("DCW_SF", 0), ("DCWH_SF", 0)):
                image.set(160, name, sf)
            image.set(160, "N", 2)
            image.set(160, "TmsPer", 0)
            for group in range(2):
                image.set(160, "ID", group + 1, group)
                image.set(160, "IDStr", f"String {group + 1}", group)

    def _write_702(self) -> None:
        image = self.image
        for name, sf in (("W_SF", 0), ("PF_SF", -3), ("VA_SF", 0), ("Var_SF", 0), ("V_SF", -1), ("A_SF", -2)):
            image.set(702, name, sf)
        image.set(702, "WMaxRtg", self.rating_w)
        image.set(702, "VAMaxRtg", self.rating_w)
        image.set(702, "VNomRtg", GRID_V)
        image.set(702, "AMaxRtg", self.rating_w / GRID_V / 3)
        image.set(702, "WMax", self.rating_w)
        image.set(702, "VAMax", self.rating_w)
        image.set(702, "VNom", GRID_V)

    def _illegal_register(self) -> int:
        # A vendor register in the middle of the main model.
        model = self.main_model
        name = {101: "Evt2", 103: "Evt2", 111: "Evt2", 113: "Evt2", 701: "ThrotSrc"}[model]
        return self.image.address_of(model, name)

    def _encode(self) -> None:
        state = self.state
        model = self.main_model
        if model == 701:
            self._encode_der(state)
        else:
            self._encode_10x(model, state)
        if self.image.has(160, "N"):
            self._encode_mppt(state)

    def _maybe_dynamic_w_sf(self, model: int, w: float) -> None:
        if Fault.DYNAMIC_SF in self.faults:
            self.image.set(model, "W_SF", -1 if abs(w) < 3000 else 0)

    def _encode_10x(self, model: int, s: InverterState) -> None:
        image, opt = self.image, self.optional
        phases = 3 if model in (103, 113) else 1
        amps = s.w / s.v
        image.set(model, "A", amps)
        for phase in "ABC"[:phases]:
            image.set(model, f"Aph{phase}", amps / phases)
            image.set(model, f"PhVph{phase}", s.v)
        if phases == 3:
            for pair in ("AB", "BC", "CA"):
                image.set(model, f"PPVph{pair}", opt(s.v * math.sqrt(3)))
        self._maybe_dynamic_w_sf(model, s.w)
        image.set(model, "W", s.w)
        image.set(model, "Hz", opt(s.hz))
        image.set(model, "VA", opt(s.w))
        image.set(model, "VAr", opt(0.0))
        image.set(model, "PF", opt(100.0))
        wh_sf = image.sf(model, "WH_SF")
        image.set(model, "WH", self.acc32(s.wh, wh_sf, "WH") if model in (101, 103) else s.wh)
        image.set(model, "DCA", s.dc_w / 400.0 if s.dc_w > 0 else 0.0)
        image.set(model, "DCV", 400.0 if s.dc_w > 0 else 0.0)
        image.set(model, "DCW", s.dc_w)
        image.set(model, "TmpCab", opt(25.0 + 15.0 * s.w / s.rating_w))
        image.set(model, "St", int(s.status))
        image.set(model, "Evt1", 0)

    def _encode_der(self, s: InverterState) -> None:
        image, opt = self.image, self.optional
        self._maybe_dynamic_w_sf(701, s.w)
        image.set(701, "St", 0 if s.status is InverterStatus.SLEEPING else 1)
        image.set(701, "InvSt", _DER_STATE.get(s.status, 3))
        image.set(701, "ConnSt", 1)
        image.set(701, "Alrm", 0)
        image.set(701, "W", s.w)
        image.set(701, "VA", opt(s.w))
        image.set(701, "Var", opt(0.0))
        image.set(701, "PF", opt(1.0))
        image.set(701, "A", s.w / s.v)
        image.set(701, "LLV", opt(s.v * math.sqrt(3)))
        image.set(701, "LNV", s.v)
        image.set(701, "Hz", s.hz)
        image.set(701, "TotWhInj", s.wh)
        image.set(701, "TotWhAbs", 0.0)
        image.set(701, "TmpCab", opt(25.0 + 15.0 * s.w / s.rating_w))
        for phase in ("L1", "L2", "L3"):
            image.set(701, f"W{phase}", s.w / 3)
            image.set(701, f"A{phase}", s.w / 3 / s.v)
            image.set(701, f"V{phase}", s.v)
            image.set(701, f"TotWhInj{phase}", s.wh / 3)
        limited = math.isfinite(s.limit_w)
        image.set(701, "ThrotPct", min(100.0, 100.0 * s.limit_w / s.rating_w) if limited else 100.0)
        image.set(701, "ThrotSrc", 1 if s.status is InverterStatus.THROTTLED else 0)

    def _encode_mppt(self, s: InverterState) -> None:
        image = self.image
        dc_wh = s.wh / _INVERTER_EFFICIENCY
        for group in range(2):
            watts = s.dc_w / 2
            image.set(160, "DCA", watts / 400.0 if watts > 0 else 0.0, group)
            image.set(160, "DCV", 400.0 if watts > 0 else 0.0, group)
            image.set(160, "DCW", watts, group)
            image.set(160, "DCWH", self.acc32(dc_wh / 2, image.sf(160, "DCWH_SF"), f"DCWH{group}"), group)
            image.set(160, "Tms", int(self.home.community.t) % (1 << 31), group)
            image.set(160, "DCSt", 4 if watts > 0 else 2, group)
            image.set(160, "DCEvt", 0, group)
        image.set(160, "Evt", 0)

    # --- writes ------------------------------------------------------------------------------
    def _validate(self, placed: PlacedPoint, raw: int) -> None:
        if placed.model_id == 1 and placed.point.name == "DA" and not 1 <= raw <= 247:
            raise IllegalValue("DA")
        if placed.model_id == 702 and placed.point.name == "WMax":
            sf = self.image.sf(702, "W_SF") or 0
            if not 0 <= raw * 10.0**sf <= self.rating_w:
                raise IllegalValue("WMax")

    def _apply(self, placed: PlacedPoint, raw: int) -> None:
        if placed.model_id == 702 and placed.point.name == "WMax":
            limit = raw * 10.0 ** (self.image.sf(702, "W_SF") or 0)
            self.home.conditions.pv_limit_w = math.inf if limit >= self.rating_w else limit


if __name__ == "__main__":  # the command line imports this module, so this one must not import it
    raise SystemExit("serve one inverter with: python -m firmware_sims inverter --port 5020")
