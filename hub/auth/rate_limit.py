"""Token buckets per key (an account, an address), in process memory.

A bucket holds up to ``burst`` tokens and gets one back every ``refill_s`` seconds; each
attempt takes one, and an empty bucket says how long until the next. The hub is one process,
so memory is the right place; a restart forgets the buckets, which costs an attacker a burst at
most. The table keeps at most ``max_keys`` buckets (the least recently used go first), so a
flood of made-up keys cannot grow it without bound.
"""

from __future__ import annotations

import math
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(slots=True)
class _Bucket:
    tokens: float
    at: float


class RateLimiter:
    def __init__(
        self,
        burst: int,
        refill_s: float,
        max_keys: int = 100_000,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        if burst < 1 or refill_s <= 0:
            raise ValueError("burst must be ≥ 1 and refill_s > 0")
        self.burst = burst
        self.refill_s = refill_s
        self._max_keys = max_keys
        self._now = monotonic
        self._buckets: OrderedDict[str, _Bucket] = OrderedDict()

    def _bucket(self, key: str) -> _Bucket:
        now = self._now()
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = self._buckets[key] = _Bucket(float(self.burst), now)
            while len(self._buckets) > self._max_keys:
                self._buckets.popitem(last=False)
        else:
            self._buckets.move_to_end(key)
            bucket.tokens = min(float(self.burst), bucket.tokens + (now - bucket.at) / self.refill_s)
            bucket.at = now
        return bucket

    def retry_after(self, key: str) -> int:
        """Whole seconds until ``key`` may try again; 0 when it may now (nothing is taken)."""
        bucket = self._bucket(key)
        if bucket.tokens >= 1:
            return 0
        return max(1, math.ceil((1 - bucket.tokens) * self.refill_s))

    def take(self, key: str) -> int:
        """Take a token for an attempt; returns ``retry_after`` when there was none to take."""
        wait = self.retry_after(key)
        if wait == 0:
            self._buckets[key].tokens -= 1
        return wait

    def forget(self, key: str) -> None:
        self._buckets.pop(key, None)


@dataclass(frozen=True, slots=True)
class Limits:
    """The hub's buckets: failed sign-ins per account and per address, the broker backend's misuse."""

    signin_account: RateLimiter
    signin_address: RateLimiter
    broker_address: RateLimiter  # requests to /api/mqtt/* without the right secret
    broker_user: RateLimiter  # wrong passwords for one broker user name

    @classmethod
    def of(cls, account_burst: int, address_burst: int, refill_s: float) -> Limits:
        return cls(
            RateLimiter(account_burst, refill_s),
            RateLimiter(address_burst, refill_s),
            RateLimiter(account_burst, refill_s),
            RateLimiter(account_burst, refill_s),
        )
