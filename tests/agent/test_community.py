"""End to end on a simulated home: the agent's site snapshot equals the home's physics."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

import pytest

from edge_agent.config import AgentConfig
from firmware_sims.clock import SimClock
from firmware_sims.community import run_community
from firmware_sims.scenario import parse
from powershare_wire import Reading, Telemetry
from powershare_wire.topics import Kind, topic
from tests.agent.mqtt_client import mqtt_client
from tests.agent.test_app import running
from tests.conftest import BrokerAddress

SCENARIO = {
    "community": {"name": "test", "seed": 3, "cloud_cover": 0.1},
    "home": [
        {
            "id": "house-1",
            "pv": {"kwp": 6, "variant": "single_phase", "unit_id": 126},
            "battery": {"capacity_kwh": 10, "initial_soc_pct": 60, "variant": "der"},
            "meter": {"variant": "float", "unit_id": 240},
        }
    ],
}


async def test_site_snapshot_matches_physics(
    amqtt_broker: BrokerAddress, community: str, tmp_path: Path
) -> None:
    clock = SimClock.stepped(datetime(2026, 6, 21, 10, tzinfo=UTC))
    async with run_community(parse(SCENARIO), clock=clock, free_ports=True) as sims:
        home = sims.homes[0]
        config = AgentConfig.from_mapping(
            {
                "community": community,
                "site": home.id,
                "mqtt": {"url": amqtt_broker.url},
                "poll_interval_s": 0.2,
                "spool": {"path": str(tmp_path / "spool.db")},
                "devices": [{"host": d.host, "port": d.port, "unit_id": "auto"} for d in home.devices],
            }
        )
        site: Reading | None = None
        async with mqtt_client(amqtt_broker.host, amqtt_broker.port) as hub, running(config):
            await hub.subscribe(topic(community, home.id, Kind.TELEMETRY), qos=1)
            async with asyncio.timeout(15):
                async for message in hub.messages:
                    assert isinstance(message.payload, bytes)
                    for reading in Telemetry.model_validate_json(message.payload).readings:
                        if reading.device == "site" and reading.values["load_w"]["value"] is not None:
                            site = reading
                    if site is not None:
                        break
        physics = home.physics.snapshot()
    assert site is not None
    values = {name: q["value"] for name, q in site.values.items()}
    assert values["pv_w"] == pytest.approx(physics["pv_w"], abs=2)
    assert values["battery_w"] == pytest.approx(physics["battery_w"], abs=2)
    assert values["grid_w"] == pytest.approx(physics["meter_w"], abs=2)
    assert values["load_w"] == pytest.approx(physics["load_w"], abs=5)
    assert values["soc_pct"] == pytest.approx(physics["soc_pct"], abs=0.5)
    assert values["import_wh"] == pytest.approx(physics["import_wh"], abs=2)
    assert values["export_wh"] == pytest.approx(physics["export_wh"], abs=2)
