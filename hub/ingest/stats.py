"""Ingest counters shown by /api/health (and /metrics later)."""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field

log = logging.getLogger("hub.ingest")


@dataclass
class IngestStats:
    accepted: int = 0
    duplicates: int = 0
    rejected: Counter[str] = field(default_factory=Counter)
    batches: int = 0
    last_batch_size: int = 0

    def reject(self, reason: str, detail: str, count: int = 1) -> None:
        """Count a rejected message; log the first of each reason, then every 1000th."""
        self.rejected[reason] += count
        seen = self.rejected[reason]
        if seen == count or seen % 1000 < count:
            log.warning("rejected message (%s, %d so far): %s", reason, seen, detail)

    def as_dict(self) -> dict[str, object]:
        return {
            "accepted": self.accepted,
            "duplicates": self.duplicates,
            "rejected": dict(self.rejected),
            "batches": self.batches,
            "last_batch_size": self.last_batch_size,
        }
