"""The agent killed mid-run (SIGKILL) keeps its spool and sequence; the will says offline; SIGTERM stops cleanly."""

from __future__ import annotations

import asyncio
import signal
import sqlite3
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from pathlib import Path

import aiomqtt

from powershare_wire import Status, Telemetry
from powershare_wire.topics import Kind, topic
from tests.agent.mqtt_client import mqtt_client
from tests.agent.test_app import three_devices
from tests.conftest import BrokerAddress


def write_config(path: Path, community: str, broker: BrokerAddress, ports: list[int], spool: Path) -> None:
    devices = "".join(f'[[devices]]\nhost = "127.0.0.1"\nport = {p}\n' for p in ports)
    path.write_text(
        f'community = "{community}"\nsite = "home-1"\npoll_interval_s = 0.1\n'
        f'[mqtt]\nurl = "{broker.url}"\nkeepalive_s = 5\n[spool]\npath = "{spool}"\n{devices}'
    )


@asynccontextmanager
async def agent_process(config: Path) -> AsyncIterator[asyncio.subprocess.Process]:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "edge_agent.cli", "run", "--config", str(config),
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
    )  # fmt: skip
    try:
        yield process
    finally:
        if process.returncode is None:
            process.kill()
        await process.wait()


async def offline_status(client: aiomqtt.Client) -> Status:
    async with asyncio.timeout(10):
        async for message in client.messages:
            if str(message.topic).endswith("/status") and isinstance(message.payload, bytes):
                status = Status.model_validate_json(message.payload)
                if not status.online:
                    return status
    raise AssertionError("no offline status")


def next_seq(spool: Path) -> int:
    with sqlite3.connect(spool) as db:
        return int(db.execute("SELECT value FROM meta WHERE key = 'next_seq'").fetchone()[0])


async def test_sigkill_keeps_spool_and_sequence(
    amqtt_broker: BrokerAddress, community: str, tmp_path: Path
) -> None:
    config, spool = tmp_path / "agent.toml", tmp_path / "spool.db"
    seen: dict[int, datetime] = {}
    reused: list[int] = []
    wills: list[Status] = []

    async def collect(client: aiomqtt.Client, until_seq: int) -> None:
        async with asyncio.timeout(20):
            async for message in client.messages:
                assert isinstance(message.payload, bytes)
                if str(message.topic).endswith("/telemetry"):
                    for reading in Telemetry.model_validate_json(message.payload).readings:
                        if seen.setdefault(reading.seq, reading.ts) != reading.ts:
                            reused.append(reading.seq)
                elif str(message.topic).endswith("/status"):
                    status = Status.model_validate_json(message.payload)
                    if not status.online:
                        wills.append(status)
                if seen and max(seen) >= until_seq:
                    return

    async with three_devices() as ports, mqtt_client(amqtt_broker.host, amqtt_broker.port) as hub:
        await hub.subscribe(topic(community, "home-1", Kind.TELEMETRY), qos=1)
        await hub.subscribe(topic(community, "home-1", Kind.STATUS), qos=1)
        write_config(config, community, amqtt_broker, ports, spool)
        async with agent_process(config) as first:
            await collect(hub, until_seq=40)
            first.send_signal(signal.SIGKILL)
            assert await first.wait() == -signal.SIGKILL
        killed_at = next_seq(spool)
        assert killed_at > 40
        if not wills:  # the broker publishes the last will once it notices the dead connection
            wills.append(await offline_status(hub))
        async with agent_process(config) as second:
            await collect(hub, until_seq=killed_at + 40)
            wills.clear()
            second.send_signal(signal.SIGTERM)  # what systemd sends: a clean stop
            assert await asyncio.wait_for(second.wait(), 15) == 0
            stopped = await offline_status(hub)
            assert not stopped.online
    assert not reused, f"sequence numbers reused after restart: {reused[:10]}"
    missing = sorted(set(range(max(seen) + 1)) - set(seen))
    assert not missing, f"readings lost across the kill: {missing[:10]}"
