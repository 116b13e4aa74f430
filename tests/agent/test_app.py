"""run_agent end to end: discover three devices, publish telemetry, state, birth and will."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from pathlib import Path

import pytest

from edge_agent.app import run_agent
from edge_agent.config import AgentConfig
from powershare_wire import SiteState, Status, Telemetry
from powershare_wire.topics import Kind, topic
from tests.agent import images
from tests.agent.fakes import serve_image
from tests.agent.mqtt_client import mqtt_client
from tests.conftest import BrokerAddress, free_port


def agent_config(
    community: str, broker_url: str, ports: list[int], spool: Path, **extra: object
) -> AgentConfig:
    data: dict[str, object] = {
        "community": community,
        "site": "home-1",
        "mqtt": {"url": broker_url},
        "poll_interval_s": 0.2,
        "spool": {"path": str(spool)},
        "devices": [{"host": "127.0.0.1", "port": p, "unit_id": "auto"} for p in ports],
    }
    data.update(extra)
    return AgentConfig.from_mapping(data)


@asynccontextmanager
async def three_devices() -> AsyncIterator[list[int]]:
    ports = [free_port() for _ in range(3)]
    async with AsyncExitStack() as stack:
        for port, image in zip(ports, (images.inverter(), images.battery(), images.meter()), strict=True):
            await stack.enter_async_context(serve_image(image, port))
        yield ports


@asynccontextmanager
async def running(config: AgentConfig) -> AsyncIterator[asyncio.Task[None]]:
    task = asyncio.create_task(run_agent(config))
    try:
        yield task
    finally:
        task.cancel()
        # Shutting down must be quick and bounded, whatever state the agent was in.
        async with asyncio.timeout(15):
            with pytest.raises(asyncio.CancelledError):
                await task


async def test_publishes_telemetry_state_and_status(
    broker: BrokerAddress, community: str, tmp_path: Path
) -> None:
    async with three_devices() as ports, mqtt_client(broker.host, broker.port) as watcher:
        await watcher.subscribe(f"powershare/v1/{community}/#", qos=1)
        config = agent_config(community, broker.url, ports, tmp_path / "spool.db")
        telemetry: list[Telemetry] = []
        statuses: list[Status] = []
        states: list[SiteState] = []
        async with running(config):
            async with asyncio.timeout(15):
                async for message in watcher.messages:
                    assert isinstance(message.payload, bytes)
                    kind = str(message.topic).split("/", 4)[-1]
                    if kind == "telemetry":
                        telemetry.append(Telemetry.model_validate_json(message.payload))
                    elif kind == "status":
                        statuses.append(Status.model_validate_json(message.payload))
                    elif kind == "state":
                        states.append(SiteState.model_validate_json(message.payload))
                    devices = {r.device for t in telemetry for r in t.readings}
                    inventory = {d.serial for d in statuses[-1].devices if d.ok} if statuses else set()
                    if (
                        {"INV-1", "BAT-1", "MTR-1", "site"} <= devices
                        and inventory == {"INV-1", "BAT-1", "MTR-1"}
                        and states
                    ):
                        break
        # After a clean shutdown the retained status says offline.
        async with mqtt_client(broker.host, broker.port) as late:
            await late.subscribe(topic(community, "home-1", Kind.STATUS), qos=1)
            async with asyncio.timeout(5):
                async for message in late.messages:
                    assert isinstance(message.payload, bytes)
                    final = Status.model_validate_json(message.payload)
                    if not final.online:
                        break

    birth = statuses[0]
    assert birth.online
    assert {d.serial for d in birth.devices} == {"INV-1", "BAT-1", "MTR-1"}  # probed before connecting
    assert {d.serial for d in statuses[-1].devices} == {"INV-1", "BAT-1", "MTR-1"}
    assert all(d.ok for d in statuses[-1].devices)
    site = [r for t in telemetry for r in t.readings if r.device == "site"][-1]
    values = {name: q["value"] for name, q in site.values.items()}
    assert values["pv_w"] == 3000
    assert values["battery_w"] == -1000
    assert values["grid_w"] == 500
    assert values["load_w"] == 2500
    # PV covers the home first (2500 W), its rest charges the battery, the grid tops it up.
    assert values["pv_to_home_w"] == 2500
    assert values["pv_to_battery_w"] == 500
    assert values["grid_to_battery_w"] == 500
    assert values["grid_to_home_w"] == 0
    assert values["soc_pct"] == 55
    assert values["import_wh"] == 200_000
    seqs = [r.seq for t in telemetry for r in t.readings]
    assert seqs == sorted(seqs)
    assert len(seqs) == len(set(seqs))
    # The published site balances: what flows in (PV, grid) is what the home and the battery take.
    assert values["pv_w"] + values["grid_w"] == values["load_w"] - values["battery_w"]
