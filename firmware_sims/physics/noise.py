"""Deterministic, smooth noise: a pure function of (seed, stream, time), vectorised.

Being a pure function of time (not a stateful RNG) keeps a seeded community reproducible
however often, or how irregularly, its devices are polled.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
_MASK = np.uint64(0xFFFFFFFFFFFFFFFF)


def _mix(values: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint64]:
    """splitmix64 finaliser; uint64 arrays wrap silently, which is what we want here."""
    z = values + np.uint64(0x9E3779B97F4A7C15)
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return (z ^ (z >> np.uint64(31))) & _MASK


def uniform(seed: int, streams: npt.ArrayLike, buckets: npt.ArrayLike) -> FloatArray:
    """Uniform [0, 1) per (stream, bucket) pair; arrays broadcast."""
    stream_arr = np.asarray(streams, dtype=np.int64).astype(np.uint64)
    bucket_arr = np.asarray(buckets, dtype=np.int64).astype(np.uint64)
    key = _mix(np.asarray([seed], dtype=np.uint64)) ^ (stream_arr * np.uint64(0x632BE59BD9B4E019))
    mixed = _mix(_mix(key) ^ bucket_arr)
    return (mixed >> np.uint64(11)).astype(np.float64) / float(1 << 53)


def smooth(seed: int, streams: npt.ArrayLike, times: npt.ArrayLike, period_s: float) -> FloatArray:
    """Uniform-ish [0, 1) noise that varies smoothly over ``period_s`` (linear interpolation)."""
    position = np.asarray(times, dtype=np.float64) / period_s
    bucket = np.floor(position)
    frac = position - bucket
    low = uniform(seed, streams, bucket)
    high = uniform(seed, streams, bucket + 1)
    return low + (high - low) * frac
