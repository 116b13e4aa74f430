"""Simulated grid meter at the home's connection point: Common + 203/201 (int+SF) or 213/211 (float).

W > 0 = import from the grid (flip it with the ``export_positive`` fault).
Run one on its own: ``python -m firmware_sims meter --port 5022 --unit-id 240``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar

from firmware_sims.device import DeviceKind, IllegalValue, SimulatedDevice
from firmware_sims.faults import Fault
from firmware_sims.inverter import GRID_V, grid_hz
from firmware_sims.sunspec.image import ModelSpec, PlacedPoint


@dataclass(frozen=True)
class MeterState:
    """Physical state; W > 0 = import, counters in Wh as integrated (no wrap)."""

    w: float
    import_wh: float
    export_wh: float
    v: float
    hz: float


class Meter(SimulatedDevice):
    kind: ClassVar[DeviceKind] = DeviceKind.METER
    default_variant: ClassVar[str] = "three_phase"
    variants: ClassVar[dict[str, tuple[ModelSpec, ...]]] = {
        "three_phase": (ModelSpec(1), ModelSpec(203)),
        "single_phase": (ModelSpec(1), ModelSpec(201)),
        "float": (ModelSpec(1), ModelSpec(213)),
        "float_single_phase": (ModelSpec(1), ModelSpec(211)),
    }
    model_name: ClassVar[dict[str, str]] = {
        "three_phase": "SimMeter 3P",
        "single_phase": "SimMeter 1P",
        "float": "SimMeter 3P-F",
        "float_single_phase": "SimMeter 1P-F",
    }

    @property
    def main_model(self) -> int:
        return self.variants[self.variant][1].model_id

    @property
    def phases(self) -> int:
        return 3 if self.main_model in (203, 213) else 1

    @property
    def state(self) -> MeterState:
        home = self.home
        return MeterState(
            w=home.meter_w,
            import_wh=home.import_wh,
            export_wh=home.export_wh,
            v=GRID_V,
            hz=grid_hz(home.community.t),
        )

    def _write_static(self) -> None:
        model = self.main_model
        if model in (201, 203):
            for name, sf in (("A_SF", -2), ("V_SF", -1), ("Hz_SF", -2), ("W_SF", 0), ("VA_SF", 0)):
                self.image.set(model, name, sf)
            for name, sf in (("VAR_SF", 0), ("PF_SF", -1), ("TotWh_SF", 0)):
                self.image.set(model, name, sf)

    def _illegal_register(self) -> int:
        return self.image.address_of(self.main_model, "TotVAhExp")

    def _encode(self) -> None:
        s = self.state
        image, model, opt = self.image, self.main_model, self.optional
        integer = model in (201, 203)
        sign = -1.0 if Fault.EXPORT_POSITIVE in self.faults else 1.0
        w = sign * s.w
        phases = self.phases
        letters = "ABC"[:phases]
        if integer and Fault.DYNAMIC_SF in self.faults:
            image.set(model, "W_SF", -1 if abs(w) < 3000 else 0)
        image.set(model, "A", w / s.v)
        image.set(model, "PhV", s.v)
        image.set(model, "Hz", opt(s.hz))
        image.set(model, "W", w)
        image.set(model, "VA", opt(abs(w)))
        image.set(model, "VAR", opt(0.0))
        image.set(model, "PF", opt(100.0 if integer else 1.0))
        for phase in letters:
            image.set(model, f"Aph{phase}", w / phases / s.v)
            image.set(model, f"PhVph{phase}", s.v)
            image.set(model, f"Wph{phase}", w / phases)
            image.set(model, f"VAph{phase}", opt(abs(w) / phases))
        if phases == 3:
            line = opt(s.v * math.sqrt(3))
            image.set(model, "PPV", line)
            for pair in ("AB", "BC", "CA"):
                image.set(model, f"PhVph{pair}", line)
                image.set(model, f"PPVph{pair}", line)
        exported, imported = (s.import_wh, s.export_wh) if sign < 0 else (s.export_wh, s.import_wh)
        if integer:
            sf = image.sf(model, "TotWh_SF")
            exported, imported = self.acc32(exported, sf, "exp"), self.acc32(imported, sf, "imp")
        image.set(model, "TotWhExp", exported)
        image.set(model, "TotWhImp", imported)
        for phase in letters:
            image.set(model, f"TotWhExpPh{phase}", exported / phases if not integer else None)
            image.set(model, f"TotWhImpPh{phase}", imported / phases if not integer else None)
        image.set(model, "Evt", 0)

    def _validate(self, placed: PlacedPoint, raw: int) -> None:
        if placed.model_id == 1 and placed.point.name == "DA" and not 1 <= raw <= 247:
            raise IllegalValue("DA")


if __name__ == "__main__":  # the command line imports this module, so this one must not import it
    raise SystemExit("serve one meter with: python -m firmware_sims meter --port 5022 --unit-id 240")
