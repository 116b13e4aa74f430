"""The monitoring kit (deploy/prometheus, deploy/grafana, docs/monitoring.md) against a running
hub's /metrics.

Every metric an alert rule, a dashboard panel or the docs name must be one the hub serves, so a renamed
metric breaks this test instead of silently emptying a graph or muting an alert. ``promtool``
checks the files too where it is installed.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from tests.conftest import BrokerAddress, service_missing
from tests.hub.conftest import HubFactory, start_hub

__all__ = ["start_hub"]  # a fixture, used by name

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
ALERTS = DEPLOY / "prometheus" / "alerts.yml"
SCRAPE = DEPLOY / "prometheus" / "prometheus.yml"
DASHBOARD = DEPLOY / "grafana" / "powershare.json"
DOCS = DEPLOY.parent / "docs" / "monitoring.md"

METRIC = re.compile(r"\bpowershare_[a-z0-9_]+\b")
# Series Prometheus itself makes, not the hub.
PROMETHEUS_OWN = {"up"}


def alert_rules() -> list[dict[str, Any]]:
    groups = yaml.safe_load(ALERTS.read_text())["groups"]
    return [rule for group in groups for rule in group["rules"]]


def expressions(node: object) -> Iterator[str]:
    """Every ``expr`` in a dashboard, however deep its panels nest."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "expr" and isinstance(value, str):
                yield value
            else:
                yield from expressions(value)
    elif isinstance(node, list):
        for item in node:
            yield from expressions(item)


def series_names(exposition: str) -> set[str]:
    """The names a query may use, from the families' TYPE lines (metrics without samples yet count too)."""
    names: set[str] = set()
    for line in exposition.splitlines():
        if not line.startswith("# TYPE "):
            continue
        _, _, name, kind = line.split(" ", 3)
        base = name.removesuffix("_total")
        if kind == "counter":
            names |= {f"{base}_total", f"{base}_created"}
        elif kind == "histogram":
            names |= {name, *(f"{name}_{part}" for part in ("bucket", "sum", "count", "created"))}
        else:
            names.add(name)
    return names


def balanced(expr: str) -> bool:
    """Brackets closed in order, outside quoted strings: the slip a hand-edited query makes most."""
    pairs = {")": "(", "]": "[", "}": "{"}
    stack: list[str] = []
    for char in re.sub(r'"[^"]*"', '""', expr):
        if char in "([{":
            stack.append(char)
        elif char in pairs and (not stack or stack.pop() != pairs[char]):
            return False
    return not stack


def test_every_alert_rule_is_complete_and_named_once() -> None:
    rules = alert_rules()
    names = [rule["alert"] for rule in rules]
    assert len(names) == len(set(names)), names
    for rule in rules:
        assert balanced(rule["expr"]), rule["alert"]
        assert rule["labels"]["severity"] in ("critical", "warning"), rule["alert"]
        assert rule["annotations"]["summary"], rule["alert"]
        assert rule["annotations"]["description"], rule["alert"]
    # What the operator asked to be woken for (issue #13).
    wanted = {
        "PowerShareBrokerDown",
        "PowerShareIngestLagHigh",
        "PowerShareManySitesStale",
        "PowerShareMarketClearingFailures",
        "PowerShareSettlementBacklogGrowing",
        "PowerShareHttpLatencyHigh",
    }
    assert wanted <= set(names)


def test_the_scrape_example_loads_the_alert_rules() -> None:
    config = yaml.safe_load(SCRAPE.read_text())
    assert "alerts.yml" in config["rule_files"]
    [job] = [job for job in config["scrape_configs"] if job["job_name"] == "powershare-hub"]
    assert job["metrics_path"] == "/metrics"
    rule_jobs = {m for rule in alert_rules() for m in re.findall(r'job="([^"]+)"', rule["expr"])}
    assert rule_jobs <= {job["job_name"]}


def test_every_dashboard_panel_has_a_query_that_parses() -> None:
    dashboard = json.loads(DASHBOARD.read_text())
    graphs = [p for p in dashboard["panels"] if p["type"] != "row"]
    assert graphs
    for panel in graphs:
        assert panel["targets"], panel["title"]
        for target in panel["targets"]:
            assert balanced(target["expr"]), panel["title"]
    ids = [p["id"] for p in dashboard["panels"]]
    assert len(ids) == len(set(ids))


async def test_alerts_and_dashboard_read_only_metrics_the_hub_serves(
    amqtt_broker: BrokerAddress, sqlite_url: str, start_hub: HubFactory
) -> None:
    async with start_hub(amqtt_broker, sqlite_url) as hub:
        response = await hub.http.get("/metrics")
        response.raise_for_status()
    served = series_names(response.text)
    queries = [rule["expr"] for rule in alert_rules()]
    queries += list(expressions(json.loads(DASHBOARD.read_text())))
    queries.append(DOCS.read_text())  # the operator's table of metrics names them too
    used = {name for query in queries for name in METRIC.findall(query)}
    assert used, "no metric found in the queries"
    assert used - served == set(), f"not served by the hub: {sorted(used - served)}"
    assert {"powershare_broker_connected", "powershare_settlement_backlog_intervals"} <= used


def test_promtool_accepts_the_rules_and_the_config() -> None:
    if shutil.which("promtool") is None:
        service_missing("promtool is not installed (apt-get install --no-install-recommends prometheus)")
    for args in (["check", "rules", str(ALERTS)], ["check", "config", str(SCRAPE)]):
        result = subprocess.run(["promtool", *args], capture_output=True, text=True, check=False)
        assert result.returncode == 0, result.stdout + result.stderr
