"""Household consumption: a residential day shape (night base, morning and evening peaks)."""

from __future__ import annotations

import numpy as np

from firmware_sims.physics.noise import FloatArray

# (hour of local solar time, width in hours, relative height) of the daily bumps.
_BUMPS = ((7.5, 1.2, 1.6), (12.5, 1.5, 0.8), (19.0, 2.0, 2.4))
_BASE = 0.45
# Mean of the shape over a day; used to scale the shape to the home's annual energy.
_HOURS = np.linspace(0.0, 24.0, 24 * 60, endpoint=False)


def _shape(hours: FloatArray) -> FloatArray:
    value = np.full_like(hours, _BASE)
    for centre, width, height in _BUMPS:
        distance = np.abs(((hours - centre) + 12.0) % 24.0 - 12.0)  # wraps around midnight
        value = value + height * np.exp(-0.5 * (distance / width) ** 2)
    return value


_SHAPE_MEAN = float(np.mean(_shape(_HOURS)))


def local_solar_hours(timestamps: FloatArray, lon: FloatArray) -> FloatArray:
    """Local mean solar time in hours, from UTC seconds and longitude (no time-zone database)."""
    utc_hours = (timestamps[:, None] % 86400.0) / 3600.0
    return (utc_hours + lon[None, :] / 15.0) % 24.0


def household_w(hours: FloatArray, annual_kwh: FloatArray, noise: FloatArray) -> FloatArray:
    """Load in W; ``noise`` in [0, 1) spreads each home ±30 % around its mean shape."""
    mean_w = annual_kwh[None, :] * 1000.0 / 8760.0
    return mean_w * _shape(hours) / _SHAPE_MEAN * (0.7 + 0.6 * noise)
