"""Prometheus metrics of one hub. Each app owns its registry, so several hubs can share a process."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

from hub.events import EventBus

LAG_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0)
BATCH_BUCKETS = (1, 5, 10, 50, 100, 250, 500, 1000, 2500, 5000, 10000)


class HubMetrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        self.messages = Counter("powershare_ingest_messages", "MQTT messages written", registry=r)
        self.readings = Counter("powershare_ingest_readings", "New readings stored", registry=r)
        self.duplicates = Counter("powershare_ingest_duplicates", "Replayed readings ignored", registry=r)
        self.rejected = Counter(
            "powershare_ingest_rejected", "Messages or readings rejected, by reason", ["reason"], registry=r
        )
        self.write_errors = Counter(
            "powershare_ingest_write_errors", "Failed batch writes (retried)", registry=r
        )
        self.refused_writes = Counter(
            "powershare_ingest_refused_writes",
            "Batch writes the database refused, split in halves until each refused message stands alone",
            registry=r,
        )
        self.lag = Histogram(
            "powershare_ingest_lag_seconds",
            "From the newest reading's timestamp in a message to the commit of its batch",
            buckets=LAG_BUCKETS,
            registry=r,
        )
        self.batch_rows = Histogram(
            "powershare_db_batch_rows", "Readings per database batch", buckets=BATCH_BUCKETS, registry=r
        )
        self.market_clearings = Counter(
            "powershare_market_clearings", "Intervals cleared, by community", ["community"], registry=r
        )
        self.market_failures = Counter(
            "powershare_market_failures",
            "Clearings that failed (logged; the community's next gate clears again)",
            ["community"],
            registry=r,
        )
        self.market_clearing_seconds = Histogram(
            "powershare_market_clearing_seconds",
            "Gate closure to transactions stored and events pushed",
            buckets=LAG_BUCKETS,
            registry=r,
        )
        self.settlements = Counter(
            "powershare_settlements",
            "Interval settlements that posted to the ledger (first runs and corrections), by community",
            ["community"],
            registry=r,
        )
        self.settlement_failures = Counter(
            "powershare_settlement_failures",
            "Settlement runs that failed (logged; retried on the next tick)",
            ["community"],
            registry=r,
        )
        self.settlement_seconds = Histogram(
            "powershare_settlement_seconds",
            "One interval read from the meters, settled and posted",
            buckets=LAG_BUCKETS,
            registry=r,
        )
        self.ws_clients = Gauge("powershare_ws_clients", "Connected /ws clients", registry=r)
        self.ws_dropped = Gauge(
            "powershare_ws_dropped_events",
            "Events dropped so far for clients too slow to take them",
            registry=r,
        )

    def watch_bus(self, bus: EventBus) -> None:
        """Read the /ws figures from the bus whenever Prometheus scrapes."""
        self.ws_clients.set_function(lambda: bus.subscribers)
        self.ws_dropped.set_function(lambda: bus.dropped)
