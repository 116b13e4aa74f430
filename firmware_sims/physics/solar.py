"""Clear-sky irradiance on tilted panels, vectorised over time steps and homes.

Solar geometry is computed once per batch of time steps for the whole community (its
centroid): homes in one town see the same sun, so per-home geometry would be wasted work.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd  # type: ignore[import-untyped]
import pvlib

from firmware_sims.physics.noise import FloatArray

_ALBEDO = 0.2


@dataclass(frozen=True)
class SunBatch:
    elevation_deg: FloatArray  # shape (steps,)
    poa_wm2: FloatArray  # plane-of-array irradiance, shape (steps, arrays)


def clear_sky_poa(
    timestamps: FloatArray, lat: float, lon: float, tilt_deg: FloatArray, azimuth_deg: FloatArray
) -> SunBatch:
    """Irradiance on each array (tilt/azimuth pairs) at each POSIX timestamp."""
    times = pd.DatetimeIndex(pd.to_datetime(timestamps, unit="s", utc=True))
    position = pvlib.solarposition.get_solarposition(times, lat, lon)
    zenith = position["zenith"].to_numpy(dtype=np.float64)
    sun_azimuth = position["azimuth"].to_numpy(dtype=np.float64)
    ghi = pvlib.clearsky.haurwitz(position["apparent_zenith"])["ghi"].to_numpy(dtype=np.float64)
    split = pvlib.irradiance.erbs(ghi, zenith, times.day_of_year.to_numpy())
    dni = np.asarray(split["dni"], dtype=np.float64)
    dhi = np.asarray(split["dhi"], dtype=np.float64)

    zen = np.radians(zenith)[:, None]
    tilt = np.radians(tilt_deg)[None, :]
    cos_aoi = np.cos(zen) * np.cos(tilt) + np.sin(zen) * np.sin(tilt) * np.cos(
        np.radians(sun_azimuth[:, None] - azimuth_deg[None, :])
    )
    beam = dni[:, None] * np.clip(cos_aoi, 0.0, None)
    sky = dhi[:, None] * (1.0 + np.cos(tilt)) / 2.0
    ground = ghi[:, None] * _ALBEDO * (1.0 - np.cos(tilt)) / 2.0
    poa = np.where(zenith[:, None] < 90.0, beam + sky + ground, 0.0)
    return SunBatch(elevation_deg=90.0 - zenith, poa_wm2=np.nan_to_num(poa))
