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
from powershare_demo import agent_config
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


async def first_full_snapshot(broker: BrokerAddress, config: AgentConfig) -> dict[str, float | None]:
    """Run the agent until it publishes a site snapshot with the home's load known: its values
    (of the newest such snapshot in that batch)."""
    site: Reading | None = None
    async with mqtt_client(broker.host, broker.port) as hub, running(config):
        await hub.subscribe(topic(config.community, config.site, Kind.TELEMETRY), qos=1)
        async with asyncio.timeout(15):
            async for message in hub.messages:
                assert isinstance(message.payload, bytes)
                for reading in Telemetry.model_validate_json(message.payload).readings:
                    if reading.device == "site" and reading.values["load_w"]["value"] is not None:
                        site = reading
                if site is not None:
                    break
    assert site is not None
    return {name: q["value"] for name, q in site.values.items()}


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
        values = await first_full_snapshot(amqtt_broker, config)
        physics = home.physics.snapshot()
    assert values["pv_w"] == pytest.approx(physics["pv_w"], abs=2)
    assert values["battery_w"] == pytest.approx(physics["battery_w"], abs=2)
    assert values["grid_w"] == pytest.approx(physics["meter_w"], abs=2)
    assert values["load_w"] == pytest.approx(physics["load_w"], abs=5)
    assert values["soc_pct"] == pytest.approx(physics["soc_pct"], abs=0.5)
    assert values["import_wh"] == pytest.approx(physics["import_wh"], abs=2)
    assert values["export_wh"] == pytest.approx(physics["export_wh"], abs=2)


WINDY = {
    "community": {"name": "test", "seed": 5, "cloud_cover": 0.1},
    "home": [
        {
            "id": "farm-1",
            "pv": {"kwp": 6, "variant": "single_phase"},
            "wind": {"rated_kw": 10, "mean_wind_ms": 9.0, "variant": "three_phase"},
            "meter": {"variant": "float"},
        }
    ],
}


async def test_wind_is_apart_from_solar_as_the_demo_configures_it(
    amqtt_broker: BrokerAddress, community: str, tmp_path: Path
) -> None:
    """(#10) The demo names its wind inverters; the snapshot keeps wind_w and wind_wh apart from pv."""
    clock = SimClock.stepped(datetime(2026, 6, 21, 10, tzinfo=UTC))
    async with run_community(parse(WINDY), clock=clock, free_ports=True) as sims:
        home = sims.homes[0]
        config = agent_config(home, community, amqtt_broker.url, tmp_path, poll_interval_s=0.2)
        values = await first_full_snapshot(amqtt_broker, config)
        physics = home.physics.snapshot()
    assert physics["wind_w"] > 100  # the test means something only if the turbine turns
    assert values["pv_w"] == pytest.approx(physics["pv_w"], abs=2)
    assert values["wind_w"] == pytest.approx(physics["wind_w"], abs=2)
    assert values["wind_wh"] == pytest.approx(physics["wind_wh"], abs=2)
    assert values["production_wh"] == pytest.approx(physics["pv_wh"] + physics["wind_wh"], abs=4)
    wind_flows = sum(values[f"wind_to_{node}_w"] or 0 for node in ("home", "grid"))
    assert wind_flows == pytest.approx(values["wind_w"], abs=1)
