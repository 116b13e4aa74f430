"""Small wind turbines: a noisy wind speed through a cubic power curve."""

from __future__ import annotations

import numpy as np

from firmware_sims.physics.noise import FloatArray


def wind_speed_ms(mean_ms: FloatArray, slow: FloatArray, gust: FloatArray) -> FloatArray:
    """Wind speed from two noise fields in [0, 1): slow weather changes and gusts."""
    return np.clip(mean_ms[None, :] * (0.3 + 1.4 * slow) * (0.8 + 0.4 * gust), 0.0, None)


def turbine_w(
    speed_ms: FloatArray, rated_w: FloatArray, cut_in: FloatArray, rated_ms: FloatArray, cut_out: FloatArray
) -> FloatArray:
    """Power curve: 0 below cut-in, cubic to rated, flat to cut-out, 0 above (storm stop)."""
    fraction = (speed_ms**3 - cut_in**3) / (rated_ms**3 - cut_in**3)
    power = rated_w * np.clip(fraction, 0.0, 1.0)
    return np.where((speed_ms < cut_in) | (speed_ms >= cut_out), 0.0, power)
