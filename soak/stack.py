"""Everything the soak runs, started on free ports and stopped again: :func:`running_soak`.

PostgreSQL, Mosquitto and the proxy are the soak's own; the hub and the agents are
subprocesses; the simulated homes run in this process on the real clock (their Modbus servers
must keep answering while a fault is injected, so nothing here blocks the event loop).
"""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from firmware_sims.community import RunningCommunity, run_community
from firmware_sims.running import RunningHome
from firmware_sims.scenario import parse
from hub.db.engine import create_engine, migrate
from powershare_demo.seeding import seed_community
from soak.accounting import Marks, marks
from soak.ports import listener_port
from soak.proxy import TcpProxy
from soak.services import Mosquitto, Postgres

COMMUNITY = "soak"
HUB_CLIENT_ID = "soak-hub"  # the same each start: the broker keeps the hub's session for it
START_MARK = "--- start "  # written to a child's log at each start


@dataclass(frozen=True)
class Options:
    homes: int = 6
    poll_s: float = 0.5  # agents' poll interval: each poll spools one reading per device, plus the site's
    ack_timeout_s: float = 30.0  # agents send unconfirmed readings again after this (the product's 30 s)
    agent_keepalive_s: int = 30
    root: Path | None = None  # where logs, spools and broker files go; None: a new temporary directory


def scenario(homes: int) -> dict[str, Any]:
    """``homes`` homes with PV, a battery and a meter each, on the real clock at noon sun."""
    return {
        "community": {"name": COMMUNITY, "seed": 12, "cloud_cover": 0.1},
        "home": [
            {
                "id": f"soak-home-{index}",
                "lat": 51.33,
                "lon": 9.17,
                "pv": {"kwp": 5.0 + index % 3, "variant": "three_phase"},
                "battery": {"capacity_kwh": 10.0, "max_charge_kw": 4, "max_discharge_kw": 4},
                "meter": {"variant": "three_phase", "unit_id": 240},
            }
            for index in range(homes)
        ],
    }


class ChildProcess:
    """A subprocess with its log file, which the soak may terminate or ``kill -9``."""

    def __init__(self, name: str, command: list[str], log: Path, env: dict[str, str] | None = None) -> None:
        self.name, self.command, self.log, self.env = name, command, log, env
        self.process: subprocess.Popen[bytes] | None = None
        self.kills = 0

    def start(self) -> None:
        with self.log.open("ab") as log:
            log.write(f"{START_MARK}{datetime.now(UTC).isoformat()}\n".encode())
            log.flush()
            self.process = subprocess.Popen(self.command, stdout=log, stderr=log, env=self.env)

    def kill(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait(timeout=10)
            self.process = None
            self.kills += 1

    async def stop(self) -> None:
        if self.process is None:
            return
        self.process.terminate()
        try:
            await asyncio.to_thread(self.process.wait, 20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            await asyncio.to_thread(self.process.wait, 10)
        self.process = None

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None


@dataclass(eq=False)
class Soak:
    options: Options
    root: Path
    postgres: Postgres
    broker: Mosquitto
    proxy: TcpProxy
    sims: RunningCommunity
    hub: ChildProcess
    hub_url: str
    agents: dict[str, ChildProcess] = field(default_factory=dict)
    spools: dict[str, Path] = field(default_factory=dict)

    def marks(self) -> Marks:
        return marks(self.spools)

    async def hub_subscribed(self, within_s: float = 60) -> None:
        """Wait until the hub answers and its broker link is up."""
        deadline = asyncio.get_running_loop().time() + within_s
        async with httpx.AsyncClient(base_url=self.hub_url, timeout=5) as http:
            while True:
                try:
                    health = (await http.get("/api/health")).json()
                    if health["mqtt"]["connected"]:
                        return
                except (httpx.HTTPError, ValueError, KeyError):
                    pass
                if not self.hub.running:
                    raise RuntimeError(f"the hub exited: see {self.hub.log}")
                if asyncio.get_running_loop().time() > deadline:
                    raise RuntimeError(
                        f"the hub did not subscribe within {within_s:.0f} s: see {self.hub.log}"
                    )
                await asyncio.sleep(0.2)

    async def producing(self, within_s: float = 180) -> None:
        """Wait until every agent has spooled a new reading (a started agent first imports,
        then probes its devices)."""
        before = self.marks()
        deadline = asyncio.get_running_loop().time() + within_s
        while True:
            now = self.marks()
            idle = [site for site in now if now[site] <= before[site]]
            if not idle:
                return
            if asyncio.get_running_loop().time() > deadline:
                raise RuntimeError(
                    f"agents {', '.join(idle)} produced nothing in {within_s:.0f} s: see their logs"
                )
            await asyncio.sleep(0.2)

    async def stop_hub_for_its_task_report(self) -> list[str]:
        """Stop the hub cleanly; the background tasks of this run of it that had died.

        A hub task that fails (ingest, market, delivery, settlement…) is reported only when the
        hub stops, and a dead one loses no reading but stops its work until the hub restarts.
        """
        await self.hub.stop()
        text = (await asyncio.to_thread(self.hub.log.read_text, errors="replace")).rsplit(START_MARK, 1)[-1]
        return [line.split(" ERROR hub: ", 1)[1] for line in text.splitlines() if " ERROR hub: task " in line]


def _python(*args: str) -> list[str]:
    return [sys.executable, *args]


def _agent_config(
    soak_root: Path, home: RunningHome, proxy_port: int, password: str, options: Options
) -> dict[str, Any]:
    return {
        "community": COMMUNITY,
        "site": home.id,
        "poll_interval_s": options.poll_s,
        "watchdog_s": 60,
        "mqtt": {
            "url": f"mqtt://127.0.0.1:{proxy_port}",
            "username": home.id,
            "password": password,
            "keepalive_s": options.agent_keepalive_s,
        },
        "spool": {"path": str(soak_root / "spools" / f"{home.id}.sqlite3")},
        "devices": [
            {"name": str(device.kind), "host": device.host, "port": device.port, "unit_id": "auto"}
            for device in home.devices
        ],
    }


async def _migrate(database_url: str) -> None:
    engine = create_engine(database_url)
    try:
        await migrate(engine)
    finally:
        await engine.dispose()


@asynccontextmanager
async def running_soak(options: Options) -> AsyncIterator[Soak]:
    root = options.root or Path(tempfile.mkdtemp(prefix="powershare-soak-"))
    root.mkdir(parents=True, exist_ok=True)
    (root / "spools").mkdir(exist_ok=True)
    async with AsyncExitStack() as stack:
        # PostgreSQL may have to run as another user, who cannot enter a private temp dir.
        pg_root = Path(tempfile.mkdtemp(prefix="powershare-soak-pg-"))
        stack.callback(shutil.rmtree, pg_root, True)
        postgres = Postgres(pg_root)
        await asyncio.to_thread(postgres.init)
        await asyncio.to_thread(postgres.start)
        stack.callback(postgres.stop_quietly)

        sims = await stack.enter_async_context(run_community(parse(scenario(options.homes)), free_ports=True))
        await _migrate(postgres.url)
        passwords = await seed_community(postgres.url, COMMUNITY, sims.homes)

        hub_password = secrets.token_urlsafe(18)
        broker = Mosquitto(root / "mosquitto", {"hub": hub_password, **passwords})
        await asyncio.to_thread(broker.start)
        stack.callback(broker.stop)

        proxy = TcpProxy(listener_port(), "127.0.0.1", broker.port)
        await proxy.start()
        stack.push_async_callback(proxy.stop)

        http_port = listener_port()
        hub_env = {
            **os.environ,
            "POWERSHARE_DATABASE_URL": postgres.url,
            "POWERSHARE_MIGRATE": "skip",
            "POWERSHARE_MQTT_URL": f"mqtt://hub:{hub_password}@127.0.0.1:{broker.port}",
            "POWERSHARE_MQTT_CLIENT_ID": HUB_CLIENT_ID,
            "POWERSHARE_MQTT_COMMUNITY": COMMUNITY,
            "POWERSHARE_REPLICA_ID": HUB_CLIENT_ID,  # a restarted hub takes up its own leases
            "POWERSHARE_HTTP_PORT": str(http_port),
        }
        hub = ChildProcess(
            "hub", _python("-m", "hub.cli", "serve", "--log-level", "warning"), root / "hub.log", hub_env
        )
        soak = Soak(options, root, postgres, broker, proxy, sims, hub, f"http://127.0.0.1:{http_port}")
        hub.start()
        stack.push_async_callback(hub.stop)
        await soak.hub_subscribed()

        for home in sims.homes:
            config = root / f"agent-{home.id}.json"
            config.write_text(
                json.dumps(_agent_config(root, home, proxy.listen_port, passwords[home.id], options))
            )
            agent = ChildProcess(
                home.id,
                _python("-m", "soak.agent", str(config), "--ack-timeout-s", str(options.ack_timeout_s)),
                root / f"agent-{home.id}.log",
            )
            soak.agents[home.id] = agent
            soak.spools[home.id] = root / "spools" / f"{home.id}.sqlite3"
            agent.start()
            stack.push_async_callback(agent.stop)
        await soak.producing()
        yield soak
