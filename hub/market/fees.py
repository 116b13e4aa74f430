"""The grid fee a buyer pays on top of the energy price, growing with the distance to the seller.

Distances are great-circle (haversine, mean Earth radius 6371.0 km) between the two sites'
coordinates, rounded half to even to whole units of 10 m (0.01 km) before any fee is looked
up, so a fee depends on that rounded figure alone and is reproducible. A pair where a site has
no location has an unknown distance: it pays the schedule's highest fee (the last band, or the
cap) and never satisfies a buyer's maximum distance.

Two shapes of schedule: distance bands (street, feeder, substation …) or a rate per km with a
cap; the rate's fee is rounded half up to a whole tick. ``FeeSchedule.zero()`` charges nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np
import numpy.typing as npt

from hub.market.ticks import from_ticks, to_ticks

EARTH_RADIUS_KM = 6371.0
UNKNOWN = -1  # distance in 10 m units where a site has no location
CENTI_KM_PER_KM = 100


def half_angle_h(
    lat_a: npt.NDArray[np.float64],
    lon_a: npt.NDArray[np.float64],
    lat_b: npt.NDArray[np.float64],
    lon_b: npt.NDArray[np.float64],
) -> npt.NDArray[np.float64]:
    """The haversine's h = sin²(Δφ/2) + cos φa cos φb sin²(Δλ/2) (broadcast), NaN where unknown.

    A bid × ask matrix of sines is most of a clearing's set-up, so the half-angle sines come
    from per-point sines and cosines (sin(b − a) = sin b cos a − cos b sin a): products on the
    pairs instead of trigonometry. ``_units`` says how that stays exact after rounding.
    """
    half_phi_a, half_phi_b = np.radians(lat_a) / 2, np.radians(lat_b) / 2
    half_lam_a, half_lam_b = np.radians(lon_a) / 2, np.radians(lon_b) / 2
    shape = np.broadcast_shapes(np.shape(lat_a), np.shape(lon_a), np.shape(lat_b), np.shape(lon_b))
    # products straight into two pair-sized buffers besides h: each fresh one costs page faults
    h, lam, scratch = np.empty(shape), np.empty(shape), np.empty(shape)
    np.multiply(np.sin(half_phi_b), np.cos(half_phi_a), out=h)
    h -= np.multiply(np.cos(half_phi_b), np.sin(half_phi_a), out=scratch)
    h *= h  # sin²(Δφ/2)
    np.multiply(np.sin(half_lam_b), np.cos(half_lam_a), out=lam)
    lam -= np.multiply(np.cos(half_lam_b), np.sin(half_lam_a), out=scratch)
    lam *= lam
    lam *= np.multiply(np.cos(2 * half_phi_a), np.cos(2 * half_phi_b), out=scratch)
    h += lam
    np.clip(h, 0.0, 1.0, out=h)
    return h


def distance_units(
    lat_a: npt.NDArray[np.float64],
    lon_a: npt.NDArray[np.float64],
    lat_b: npt.NDArray[np.float64],
    lon_b: npt.NDArray[np.float64],
) -> npt.NDArray[np.int64]:
    """Haversine distances (broadcast) in whole 10 m units; ``UNKNOWN`` where a coordinate is NaN."""
    return _units(half_angle_h(lat_a, lon_a, lat_b, lon_b), lat_a, lon_a, lat_b, lon_b)


def _units(
    h: npt.NDArray[np.float64],
    lat_a: npt.NDArray[np.float64],
    lon_a: npt.NDArray[np.float64],
    lat_b: npt.NDArray[np.float64],
    lon_b: npt.NDArray[np.float64],
) -> npt.NDArray[np.int64]:
    """Whole units from ``half_angle_h``. The product form differs from the plain haversine by
    far less than ``_NEAR_HALF`` of a unit; the few pairs that close to a rounding boundary
    (and far pairs, where arcsin is steep) are worked out by ``_haversine_units`` itself, so
    every figure is the plain haversine's, rounded half to even."""
    raw = np.arcsin(np.sqrt(h))
    raw *= _UNITS_PER_RADIAN
    units = np.rint(raw)
    raw -= units
    unsure = (np.abs(raw, out=raw) > 0.5 - _NEAR_HALF) | (units > _FAR_UNITS)
    if unsure.any():
        exact = [np.broadcast_to(v, units.shape)[unsure] for v in (lat_a, lon_a, lat_b, lon_b)]
        units[unsure] = _haversine_units(*exact)
    unknown = np.isnan(units)
    with np.errstate(invalid="ignore"):
        out: npt.NDArray[np.int64] = units.astype(np.int64)
    out[unknown] = UNKNOWN
    return out


_NEAR_HALF = 1e-6  # units; the product form's error is below 1e-9 units this side of _FAR_UNITS
_FAR_UNITS = 600_000  # 6,000 km: beyond, arcsin grows steep
_UNITS_PER_RADIAN = 2 * EARTH_RADIUS_KM * CENTI_KM_PER_KM  # units = this × arcsin(√h)


def _haversine_units(
    lat_a: npt.NDArray[np.float64],
    lon_a: npt.NDArray[np.float64],
    lat_b: npt.NDArray[np.float64],
    lon_b: npt.NDArray[np.float64],
) -> npt.NDArray[np.float64]:
    """The plain haversine in 10 m units, rounded half to even (NaN stays NaN): the reference."""
    phi_a, phi_b = np.radians(lat_a), np.radians(lat_b)
    half_dphi = (phi_b - phi_a) / 2
    half_dlam = np.radians(lon_b - lon_a) / 2
    h = np.sin(half_dphi) ** 2 + np.cos(phi_a) * np.cos(phi_b) * np.sin(half_dlam) ** 2
    km = 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))
    units: npt.NDArray[np.float64] = np.rint(km * CENTI_KM_PER_KM)  # rint rounds half to even
    return units


class PairDistances:
    """Bid × ask distances of one book, worked out only as far as a question needs.

    A fee band or a buyer's maximum distance asks only whether a pair's rounded distance is
    at most some whole number of units L. Since the distance grows with h, that is a
    comparison of h with the h of L + ½ (``at_most``), no arcsin or rounding on the pairs;
    a pair whose distance lies within ``_NEAR_HALF`` of L + ½ (or beyond ``_FAR_UNITS``)
    is worked out in full, so every answer is the one the rounded figure gives. The figures
    themselves (``units``) are worked out on first use.
    """

    def __init__(
        self,
        lat_a: npt.NDArray[np.float64],
        lon_a: npt.NDArray[np.float64],
        lat_b: npt.NDArray[np.float64],
        lon_b: npt.NDArray[np.float64],
        h: npt.NDArray[np.float64] | None = None,
    ) -> None:
        self._points = (lat_a, lon_a, lat_b, lon_b)
        self.h = half_angle_h(lat_a, lon_a, lat_b, lon_b) if h is None else h
        self._units: npt.NDArray[np.int64] | None = None

    def of_rows(self, rows: npt.NDArray[np.int64]) -> PairDistances:
        """The same pairs for these rows alone (points that vary along rows are taken in part)."""
        n = self.h.shape[0]
        lat_a, lon_a, lat_b, lon_b = (
            v[rows] if np.ndim(v) == 2 and np.shape(v)[0] == n else v for v in self._points
        )
        return PairDistances(lat_a, lon_a, lat_b, lon_b, h=self.h[rows])

    @property
    def unknown(self) -> npt.NDArray[np.bool_]:
        return np.isnan(self.h)

    @property
    def units(self) -> npt.NDArray[np.int64]:
        """Whole 10 m units, ``UNKNOWN`` without a location (as ``distance_units``)."""
        if self._units is None:
            self._units = _units(self.h, *self._points)
        return self._units

    def at_most(self, limit: npt.NDArray[np.int64] | int) -> npt.NDArray[np.bool_]:
        """Rounded distance ≤ ``limit`` units (broadcast against the pairs); False if unknown."""
        if self._units is not None:
            known: npt.NDArray[np.bool_] = (self._units <= limit) & (self._units != UNKNOWN)
            return known
        edge = np.asarray(limit, dtype=np.float64) + 0.5
        # below h_low surely ≤ limit, above h_high surely beyond; NaN is neither
        h_low = _h_of(np.minimum(edge - _NEAR_HALF, _FAR_UNITS))
        h_high = np.where(edge + _NEAR_HALF < _FAR_UNITS, _h_of(edge + _NEAR_HALF), np.inf)
        inside = self.h < h_low
        maybe = self.h <= h_high
        if np.count_nonzero(maybe) != np.count_nonzero(inside):
            unsure = maybe & ~inside
            shape = self.h.shape
            exact = distance_units(*(np.broadcast_to(v, shape)[unsure] for v in self._points))
            inside[unsure] = exact <= np.broadcast_to(limit, shape)[unsure]
        return inside


def _h_of(units: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """The h whose distance is ``units`` (inverse of units = K × arcsin(√h)); 1 past half the globe."""
    angle = np.minimum(units / _UNITS_PER_RADIAN, np.pi / 2)
    h: npt.NDArray[np.float64] = np.sin(angle) ** 2
    return h


def distance_km(units: int) -> float | None:
    return None if units == UNKNOWN else units / CENTI_KM_PER_KM


@dataclass(frozen=True, slots=True)
class FeeSchedule:
    """Either ``bands`` ((up_to_km, fee) …, (None, fee)) or ``per_km`` with ``cap``; fees per kWh."""

    bands: tuple[tuple[float | None, Decimal], ...] = ((None, Decimal(0)),)
    per_km: Decimal | None = None
    cap: Decimal = Decimal(0)

    def __post_init__(self) -> None:
        if self.per_km is None:
            if not self.bands or self.bands[-1][0] is not None:
                raise ValueError("the last distance band must be open-ended (None)")
            limits = [limit for limit, _ in self.bands[:-1]]
            if any(limit is None for limit in limits) or limits != sorted(limits):  # type: ignore[type-var]
                raise ValueError("distance bands must be in increasing order")
        for fee in (*(fee for _, fee in self.bands), self.cap, self.per_km or Decimal(0)):
            if to_ticks(fee) < 0:
                raise ValueError("fees are never negative")

    @classmethod
    def zero(cls) -> FeeSchedule:
        return cls()

    @classmethod
    def distance_bands(cls, *bands: tuple[float | None, Decimal]) -> FeeSchedule:
        return cls(bands=tuple(bands))

    @classmethod
    def rate(cls, per_km: Decimal, cap: Decimal) -> FeeSchedule:
        return cls(per_km=per_km, cap=cap)

    @property
    def is_zero(self) -> bool:
        if self.per_km is not None:
            return to_ticks(self.per_km) == 0 or to_ticks(self.cap) == 0
        return all(to_ticks(fee) == 0 for _, fee in self.bands)

    def fee(self, distance: float | None) -> Decimal:
        """The fee for one pair, ``distance`` in km (None: unknown); rounded to 10 m first."""
        units = UNKNOWN if distance is None else round(distance * CENTI_KM_PER_KM)
        return from_ticks(int(self.fee_ticks(np.array([units], dtype=np.int64))[0]))

    def fee_ticks(self, units: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
        """Fees in ticks for distances in 10 m units (``UNKNOWN`` allowed), any shape."""
        unknown = units == UNKNOWN
        if self.per_km is not None:
            cap = to_ticks(self.cap)
            # rate × km = rate × units / 100, half up, in exact integers (in place: one buffer)
            fee = units * to_ticks(self.per_km)
            fee += CENTI_KM_PER_KM // 2
            fee //= CENTI_KM_PER_KM
            np.minimum(fee, cap, out=fee)
            fee[unknown] = cap
            return fee
        fees = np.array([to_ticks(fee) for _, fee in self.bands], dtype=np.int64)
        limits = np.array(
            [round(limit * CENTI_KM_PER_KM) for limit, _ in self.bands[:-1] if limit is not None],
            dtype=np.int64,
        )
        band = np.searchsorted(limits, units, side="left")  # "up to" includes the limit itself
        by_band: npt.NDArray[np.int64] = fees[band]
        by_band[unknown] = fees.max()
        return by_band

    def fee_of(self, distances: PairDistances) -> npt.NDArray[np.signedinteger[Any]]:
        """``fee_ticks`` of a book's pairs; bands only ask ``at_most`` of each limit, and give
        int16 where every fee fits (a quarter of the memory a clearing allocates per pair)."""
        if self.per_km is not None:
            return self.fee_ticks(distances.units)
        fees = [to_ticks(fee) for _, fee in self.bands]
        small = max(fees) <= np.iinfo(np.int16).max and min(fees) >= 0
        fee: npt.NDArray[np.signedinteger[Any]] = np.full(
            distances.h.shape, fees[0], dtype=np.int16 if small else np.int64
        )
        # fee = first band's + each later band's step where the pair lies beyond the limit
        for (limit, _), step in zip(self.bands[:-1], np.diff(fees), strict=True):
            if step and limit is not None:
                beyond = ~distances.at_most(round(limit * CENTI_KM_PER_KM))
                fee += beyond.astype(fee.dtype) * fee.dtype.type(step)
        fee[distances.unknown] = max(fees)
        return fee

    @property
    def levels(self) -> tuple[int, ...] | None:
        """Every fee in ticks a pair can pay, ascending, for distance bands; None for a rate."""
        if self.per_km is not None:
            return None
        return tuple(sorted({to_ticks(fee) for _, fee in self.bands}))

    @property
    def highest_ticks(self) -> int:
        if self.per_km is not None:
            return to_ticks(self.cap)
        return max(to_ticks(fee) for _, fee in self.bands)


NO_FEES = FeeSchedule.zero()


def street_feeder_substation(street: Decimal, feeder: Decimal, substation: Decimal) -> FeeSchedule:
    """The usual three bands: the same street (≤ 0.5 km), the same feeder (≤ 2 km), beyond."""
    return FeeSchedule.distance_bands((0.5, street), (2.0, feeder), (None, substation))
