"""Jittered exponential backoff for reconnect loops."""

from __future__ import annotations

import random
from dataclasses import dataclass, field


@dataclass
class Backoff:
    initial_s: float = 0.5
    maximum_s: float = 30.0
    _attempt: int = field(default=0, init=False)

    def next_delay(self) -> float:
        """Full jitter: a random wait up to the exponential ceiling, so many clients spread out."""
        ceiling = min(self.maximum_s, self.initial_s * 2**self._attempt)
        self._attempt += 1
        return random.uniform(self.initial_s / 2, ceiling)

    def reset(self) -> None:
        self._attempt = 0
