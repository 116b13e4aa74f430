"""Ingest counters shown by /api/health and exported on /metrics."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta

from hub.metrics import HubMetrics

log = logging.getLogger("hub.ingest")


@dataclass
class IngestStats:
    metrics: HubMetrics = field(default_factory=HubMetrics)
    accepted: int = 0
    duplicates: int = 0
    rejected: Counter[str] = field(default_factory=Counter)
    batches: int = 0
    last_batch_size: int = 0
    write_errors: int = 0

    def reject(self, reason: str, detail: str, count: int = 1) -> None:
        """Count a rejected message; log the first of each reason, then every 1000th."""
        self.rejected[reason] += count
        self.metrics.rejected.labels(reason).inc(count)
        seen = self.rejected[reason]
        if seen == count or seen % 1000 < count:
            log.warning("rejected message (%s, %d so far): %s", reason, seen, detail)

    def committed(self, batch_messages: int, rows: int, new: int) -> None:
        self.accepted += new
        self.duplicates += rows - new
        self.batches += 1
        self.last_batch_size = rows
        m = self.metrics
        m.messages.inc(batch_messages)
        m.readings.inc(new)
        m.duplicates.inc(rows - new)
        m.batch_rows.observe(rows)

    def observe_lag(self, lags: Iterable[timedelta]) -> None:
        for lag in lags:
            self.metrics.lag.observe(max(lag.total_seconds(), 0.0))

    def failed_write(self) -> None:
        self.write_errors += 1
        self.metrics.write_errors.inc()

    def as_dict(self) -> dict[str, object]:
        return {
            "accepted": self.accepted,
            "duplicates": self.duplicates,
            "rejected": dict(self.rejected),
            "batches": self.batches,
            "last_batch_size": self.last_batch_size,
            "write_errors": self.write_errors,
        }
