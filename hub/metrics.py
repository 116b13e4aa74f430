"""Prometheus metrics of one hub. Each app owns its registry, so several hubs can share a process.

Most figures are counted where things happen. Three kinds are read when Prometheus scrapes:
the broker connections (from the links that hold them, ``watch_broker``), the /ws figures
(``watch_bus``), and the fleet figures the database knows (sites online and stale, settlement
backlog; ``hub.scrape_figures``), which the /metrics route reads before it renders.
No label carries a site id: a community has thousands of them; communities are few.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from hub.events import EventBus

LAG_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0)
BATCH_BUCKETS = (1, 5, 10, 50, 100, 250, 500, 1000, 2500, 5000, 10000)
HTTP_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


@dataclass(frozen=True, slots=True)
class CommunityFigures:
    """What the database says of one community at a scrape."""

    sites: int = 0
    online: int = 0  # its agent's retained status says online
    stale: int = 0  # reported once, but its newest reading is older than POWERSHARE_SITE_STALE_AFTER_S
    settlement_backlog: int = 0  # intervals past their end + grace period, not settled yet


@dataclass(frozen=True, slots=True)
class _Broker:
    connected: Callable[[], bool]
    reconnects: Callable[[], int]


@dataclass(eq=False)  # the registry keys its collectors by identity
class _ScrapeCollector(Collector):
    """Families built afresh at each scrape, so a community that is gone leaves no series behind."""

    brokers: dict[str, _Broker] = field(default_factory=dict)
    communities: dict[str, CommunityFigures] = field(default_factory=dict)
    database_up: bool = True  # whether this scrape could read the fleet figures

    def collect(self) -> Iterable[Metric]:
        connected = GaugeMetricFamily(
            "powershare_broker_connected", "1 while this MQTT connection is up", labels=["connection"]
        )
        reconnects = CounterMetricFamily(
            "powershare_broker_reconnects",
            "Times this MQTT connection was lost or refused and tried again",
            labels=["connection"],
        )
        for name, broker in sorted(self.brokers.items()):
            connected.add_metric([name], 1.0 if broker.connected() else 0.0)
            reconnects.add_metric([name], broker.reconnects())
        yield connected
        yield reconnects
        yield GaugeMetricFamily(
            "powershare_database_up",
            "1 if this scrape read the fleet figures from the database (sites, settlement backlog)",
            value=1.0 if self.database_up else 0.0,
        )
        families = {
            "sites": GaugeMetricFamily("powershare_sites", "Sites registered", labels=["community"]),
            "online": GaugeMetricFamily(
                "powershare_sites_online", "Sites whose agent says it is online", labels=["community"]
            ),
            "stale": GaugeMetricFamily(
                "powershare_sites_stale",
                "Sites that reported once but sent no reading within POWERSHARE_SITE_STALE_AFTER_S",
                labels=["community"],
            ),
            "settlement_backlog": GaugeMetricFamily(
                "powershare_settlement_backlog_intervals",
                "Intervals past their end and settlement grace period that are not settled yet",
                labels=["community"],
            ),
        }
        for community, figures in sorted(self.communities.items()):
            for attribute, family in families.items():
                family.add_metric([community], getattr(figures, attribute))
        yield from families.values()

    def describe(self) -> Iterable[Metric]:
        return self.collect()  # the same families, empty of samples or not; cheap


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
        self.http_seconds = Histogram(
            "powershare_http_request_seconds",
            "HTTP request to response end, by route template, method and status class (2xx …)",
            ["route", "method", "status"],
            buckets=HTTP_BUCKETS,
            registry=r,
        )
        self._scraped = _ScrapeCollector()
        r.register(self._scraped)

    def watch_broker(
        self, connection: str, connected: Callable[[], bool], reconnects: Callable[[], int]
    ) -> None:
        """Read an MQTT connection's state whenever Prometheus scrapes (``connection``: ingest, commands)."""
        self._scraped.brokers[connection] = _Broker(connected, reconnects)

    def set_communities(self, figures: dict[str, CommunityFigures] | None) -> None:
        """The fleet figures read from the database for this scrape; None: it could not be read."""
        self._scraped.communities = figures or {}
        self._scraped.database_up = figures is not None

    def watch_bus(self, bus: EventBus) -> None:
        """Read the /ws figures from the bus whenever Prometheus scrapes."""
        self.ws_clients.set_function(lambda: bus.subscribers)
        self.ws_dropped.set_function(lambda: bus.dropped)
