"""Edge agent benchmark: resources at 1 Hz with three devices, and backlog drain rate.

    .venv/bin/python bench/bench_agent.py [--seconds 30]

1. The agent (a real ``powershare-agent run`` subprocess) polls three simulated devices
   (inverter, battery, meter) at 1 Hz and publishes to MQTT. Its RSS and CPU are compared with
   a bare Python process that imports nothing and with a bare pymodbus client polling the same
   three devices at 1 Hz, all measured in this run.
2. One hour of 1 Hz site readings (3600) sit in the spool; the time until the broker has
   acknowledged all of them is compared with a bare aiomqtt publisher sending the same batches.

Uses Mosquitto at 127.0.0.1:1883 when it is running, else the embedded amqtt broker.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import socket
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiomqtt
import psutil  # type: ignore[import-untyped]

from edge_agent.config import AgentConfig, TcpDevice
from edge_agent.mqtt_link import MqttLink
from edge_agent.spool import Spool
from firmware_sims.clock import SimClock
from firmware_sims.serve import serve_device
from powershare_wire import SITE_DEVICE, SITE_QUANTITIES, Quantity, Reading, Status, Telemetry
from powershare_wire.messages import MAX_BATCH
from powershare_wire.topics import Kind, topic

BACKLOG = 3600

BARE_POLLER = """
import asyncio, sys
from pymodbus.client import AsyncModbusTcpClient

async def main(ports):
    clients = [AsyncModbusTcpClient("127.0.0.1", port=p) for p in ports]
    for c in clients:
        await c.connect()
    while True:
        for c in clients:
            await c.read_holding_registers(40000, count=125, device_id=1)
            await c.read_holding_registers(40125, count=60, device_id=1)
        await asyncio.sleep(1)

asyncio.run(main([int(p) for p in sys.argv[1:]]))
"""


@dataclass(frozen=True)
class Usage:
    rss_mb: float
    cpu_pct: float


@dataclass(frozen=True)
class Row:
    metric: str
    value: float
    goal: str
    baseline: float
    baseline_name: str


def port_open(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@asynccontextmanager
async def broker() -> AsyncIterator[tuple[str, int, str]]:
    if port_open("127.0.0.1", 1883):
        yield "127.0.0.1", 1883, "mosquitto"
        return
    from hub.broker import embedded_broker

    port = free_port()
    async with embedded_broker("127.0.0.1", port):
        yield "127.0.0.1", port, "amqtt"


@asynccontextmanager
async def three_devices() -> AsyncIterator[list[int]]:
    clock = SimClock.real()
    async with AsyncExitStack() as stack:
        ports = []
        for kind in ("inverter", "battery", "meter"):
            device = await stack.enter_async_context(serve_device(kind, port=0, clock=clock))
            ports.append(device.port)
        yield ports


async def measure(argv: list[str], seconds: float, warmup_s: float = 3.0) -> Usage:
    """Average RSS and CPU (% of one core) of a subprocess after a warm-up."""
    process = await asyncio.create_subprocess_exec(
        *argv, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL
    )
    try:
        watched = psutil.Process(process.pid)
        await asyncio.sleep(warmup_s)
        start_cpu = watched.cpu_times()
        start = time.monotonic()
        rss: list[int] = []
        while time.monotonic() - start < seconds:
            rss.append(watched.memory_info().rss)
            await asyncio.sleep(1.0)
        end_cpu = watched.cpu_times()
        wall = time.monotonic() - start
        busy = (end_cpu.user - start_cpu.user) + (end_cpu.system - start_cpu.system)
        if process.returncode is not None:
            raise RuntimeError(f"{argv[:4]} exited early with {process.returncode}")
        return Usage(rss_mb=sum(rss) / len(rss) / 2**20, cpu_pct=100.0 * busy / wall)
    finally:
        if process.returncode is None:
            process.terminate()
        with contextlib.suppress(ProcessLookupError):
            await asyncio.wait_for(process.wait(), 20)


def agent_config(host: str, port: int, device_ports: list[int], spool: Path) -> AgentConfig:
    return AgentConfig.from_mapping(
        {
            "community": f"bench{uuid.uuid4().hex[:8]}",
            "site": "bench-site",
            "mqtt": {"url": f"mqtt://{host}:{port}"},
            "poll_interval_s": 1.0,
            "spool": {"path": str(spool)},
            "devices": [{"host": "127.0.0.1", "port": p, "unit_id": 1} for p in device_ports],
        }
    )


def config_toml(config: AgentConfig) -> str:
    ports = [d.port for d in config.devices if isinstance(d, TcpDevice)]
    devices = "".join(f'[[devices]]\nhost = "127.0.0.1"\nport = {p}\nunit_id = 1\n' for p in ports)
    return (
        f'community = "{config.community}"\nsite = "{config.site}"\npoll_interval_s = 1.0\n'
        f'[mqtt]\nurl = "{config.mqtt.url}"\n[spool]\npath = "{config.spool.path}"\n{devices}'
    )


def site_reading(seq: int, ts: datetime) -> Reading:
    return Reading(
        seq=seq,
        ts=ts,
        device=SITE_DEVICE,
        # Within every unit's physical bounds (a state of charge is a percentage).
        values={q.name: Quantity(value=(12.5 + seq) % 100, unit=q.unit) for q in SITE_QUANTITIES},
    )


async def fill_spool(spool: Spool, count: int) -> list[Reading]:
    start = datetime.now(UTC) - timedelta(seconds=count)

    def hundred(first: int) -> list[Reading]:
        return [site_reading(first + i, start + timedelta(seconds=first + i)) for i in range(100)]

    readings: list[Reading] = []
    for _ in range(0, count, 100):
        readings += await spool.append(hundred, 100)
    return readings


async def drain_with_agent(host: str, port: int, tmp: Path) -> tuple[float, list[Reading]]:
    config = agent_config(host, port, [1], tmp / "drain.sqlite3")
    async with Spool(config.spool.path, config.spool_capacity) as spool:
        readings = await fill_spool(spool, BACKLOG)

        def status(online: bool) -> Status:
            return Status(site=config.site, online=online, ts=datetime.now(UTC))

        async def ignore(_: bytes) -> None:
            return None

        link = MqttLink(config, spool, status, ignore)
        start = time.monotonic()
        task = asyncio.create_task(link.run())
        try:
            await link.drained.wait()  # all sent and acknowledged by the broker
            elapsed = time.monotonic() - start
            # Readings stay spooled until the hub confirms them (telemetry/ack); no hub here.
            assert (await spool.stats()).pending == BACKLOG
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
    return elapsed, readings


async def drain_with_bare_client(host: str, port: int, readings: list[Reading]) -> float:
    name = topic(f"bench{uuid.uuid4().hex[:8]}", "bench-site", Kind.TELEMETRY)
    payloads = [
        Telemetry(site="bench-site", readings=readings[i : i + MAX_BATCH]).model_dump_json().encode()
        for i in range(0, len(readings), MAX_BATCH)
    ]
    start = time.monotonic()
    async with aiomqtt.Client(host, port) as client:
        for payload in payloads:
            await client.publish(name, payload, qos=1)
    return time.monotonic() - start


def print_table(rows: list[Row]) -> None:
    print(f"{'metric':<34} {'value':>10} {'goal':>10} {'baseline':>10}  {'ratio':>6}  baseline is")
    for row in rows:
        ratio = row.value / row.baseline if row.baseline else float("nan")
        print(
            f"{row.metric:<34} {row.value:>10.2f} {row.goal:>10} {row.baseline:>10.2f}  {ratio:>6.2f}  {row.baseline_name}"
        )


async def main(seconds: float) -> None:
    python = sys.executable
    rows: list[Row] = []
    with tempfile.TemporaryDirectory() as tmp_dir:
        tmp = Path(tmp_dir)
        async with broker() as (host, port, broker_name), three_devices() as device_ports:
            print(
                f"broker: {broker_name} {host}:{port}; devices on ports {device_ports}; {seconds:.0f} s per process"
            )
            config = agent_config(host, port, device_ports, tmp / "agent.sqlite3")
            config_path = tmp / "agent.toml"
            config_path.write_text(config_toml(config))
            agent = await measure(
                [python, "-m", "edge_agent.cli", "run", "--config", str(config_path)], seconds
            )
            bare = await measure([python, "-c", "import time; time.sleep(3600)"], seconds)
            poller = await measure([python, "-c", BARE_POLLER, *map(str, device_ports)], seconds)
            rows.append(Row("agent RSS, MB", agent.rss_mb, "<= 60", bare.rss_mb, "bare python"))
            rows.append(Row("agent RSS, MB", agent.rss_mb, "<= 60", poller.rss_mb, "bare pymodbus poller"))
            rows.append(
                Row("agent CPU, % of a core", agent.cpu_pct, "<= 2", poller.cpu_pct, "bare pymodbus poller")
            )

            drain_s, readings = await drain_with_agent(host, port, tmp)
            bare_s = await drain_with_bare_client(host, port, readings)
            rows.append(
                Row(f"drain {BACKLOG} readings, s", drain_s, "<= 36", bare_s, "bare aiomqtt publisher")
            )
            rows.append(
                Row(
                    "drain rate, readings/s",
                    BACKLOG / drain_s,
                    ">= 100",
                    BACKLOG / bare_s,
                    "bare aiomqtt publisher",
                )
            )
    print_table(rows)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--seconds", type=float, default=30.0, help="measuring time per process")
    asyncio.run(main(parser.parse_args().seconds))
