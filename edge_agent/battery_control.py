"""Battery set-points through SunSpec model 124 (Storage) writes.

Convention (Fronius and SMA documents, and our sims): ``StorCtl_Mod`` bit0 CHARGE makes
``InWRte`` a charge limit, bit1 DISCHARGE makes ``OutWRte`` a discharge limit, in % of the
maximum rate. A *negative* limit reverses the direction, which is how a charge or discharge
is forced: discharge at P = CHARGE bit with ``InWRte = -P/max``; charge at P = DISCHARGE bit
with ``OutWRte = -P/max``; hold = both bits with both rates 0.

``InOutWRte_RvrtTms`` makes the device itself fall back to its own control, so a crashed
agent or a lost hub never leaves a battery forced. Model 802 has no writable power set-point
(``ReqW`` is read-only), so a battery without 124 is read-only to the agent.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from edge_agent.sunspec.codec import PointType, encode
from edge_agent.sunspec.device import Sample, SunSpecDevice
from edge_agent.sunspec.maps import STORAGE
from powershare_wire import DispatchMode

CHARGE_BIT = 0x1
DISCHARGE_BIT = 0x2
MAX_REVERT_S = 0xFFFE  # uint16; 0xFFFF is the "not implemented" sentinel

# Register offsets within model 124 (from its ID register).
STORCTL_MOD = STORAGE.by_sunspec["StorCtl_Mod"].offset
OUT_W_RTE = STORAGE.by_sunspec["OutWRte"].offset  # followed by InWRte
REVERT_TMS = STORAGE.by_sunspec["InOutWRte_RvrtTms"].offset


class ControlError(Exception):
    """The battery cannot take the command (missing ratings …)."""


def _pct(power_w: float, rating_w: float) -> float:
    return min(power_w / rating_w * 100.0, 100.0)


class Storage124Control:
    def __init__(self, sunspec: SunSpecDevice, sample: Callable[[], Sample]) -> None:
        location = sunspec.location(STORAGE.model_id)
        if location is None:
            raise ValueError(f"{sunspec.serial} has no model 124")
        self._sunspec = sunspec
        self._address = location.address
        self._sample = sample
        self._expected_mode: int | None = None
        self._written_at = 0.0

    def _raw(self, name: str) -> int | None:
        value = self._sample().point(STORAGE.model_id, name)
        return value if isinstance(value, int) else None

    def max_charge_w(self) -> float | None:
        raw, sf = self._raw("WChaMax"), self._raw("WChaMax_SF")
        return None if raw is None else raw * 10.0 ** (sf or 0)

    def max_discharge_w(self) -> float | None:
        # 124 has no discharge rating of its own; 802 (read with it) does.
        return self._sample().value("max_discharge_w") or self.max_charge_w()

    async def command(self, mode: DispatchMode, power_w: float, revert_s: int) -> None:
        if mode is DispatchMode.IDLE:
            bits, out_pct, in_pct = CHARGE_BIT | DISCHARGE_BIT, 0.0, 0.0
        else:
            rating = self.max_discharge_w() if mode is DispatchMode.DISCHARGE else self.max_charge_w()
            if not rating:
                raise ControlError("battery reports no maximum rate; cannot convert W to %")
            pct = _pct(power_w, rating)
            if mode is DispatchMode.DISCHARGE:
                bits, out_pct, in_pct = CHARGE_BIT, 100.0, -pct
            else:
                bits, out_pct, in_pct = DISCHARGE_BIT, -pct, 100.0
        # Timer first: the device arms it when a rate or the mode is written.
        await self._write(REVERT_TMS, encode(PointType.UINT16, max(1, min(revert_s, MAX_REVERT_S))))
        await self._write(OUT_W_RTE, self._rate(out_pct) + self._rate(in_pct))
        await self._write(STORCTL_MOD, [bits])
        self._expected_mode = bits
        self._written_at = time.monotonic()

    def in_effect(self) -> bool | None:
        """Whether the latest sample (taken after our write) still shows our mode; ``None``
        when no such sample exists yet. ``False`` means the device reverted or someone else wrote."""
        sample = self._sample()
        if self._expected_mode is None or sample.taken_at <= self._written_at:
            return None
        return self._raw("StorCtl_Mod") == self._expected_mode

    async def release(self) -> None:
        self._expected_mode = None
        await self._write(STORCTL_MOD, [0])
        await self._write(OUT_W_RTE, self._rate(100.0) + self._rate(100.0))

    def _rate(self, pct: float) -> list[int]:
        sf = self._raw("InOutWRte_SF") or 0
        raw = max(-0x7FFF, min(0x7FFF, round(pct / 10.0**sf)))
        return encode(PointType.INT16, raw)

    async def _write(self, offset: int, values: list[int]) -> None:
        layout = self._sunspec.layout
        await self._sunspec.link.write(layout.unit_id, self._address + offset, values)


def control_for(sunspec: SunSpecDevice, sample: Callable[[], Sample]) -> Storage124Control | None:
    """A controller when the battery has model 124, else ``None`` (read-only battery)."""
    if sunspec.location(STORAGE.model_id) is None:
        return None
    return Storage124Control(sunspec, sample)
