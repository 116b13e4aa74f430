"""A broker killed before its save loses nothing (#12): agents keep readings until the hub commits.

Real parts: Mosquitto started here (persistence on, an autosave far away, so a ``kill -9``
loses every session it held in memory), the hub on SQLite, an agent reading three simulated
devices over Modbus TCP. Readings are counted as produced (the agent's sequence numbers),
stored (the hub's database) and still spooled: lost = produced − stored − spooled.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from edge_agent import mqtt_link
from edge_agent.app import Agent, make_slots
from edge_agent.spool import Spool
from tests.agent.test_app import agent_config, three_devices
from tests.brokers import Mosquitto
from tests.conftest import BrokerAddress
from tests.helpers import eventually
from tests.hub.conftest import HubFactory

pytestmark = pytest.mark.mosquitto


@asynccontextmanager
async def agent_running(spool_path: Path, broker: BrokerAddress, community: str) -> AsyncIterator[Agent]:
    async with three_devices() as ports:
        config = agent_config(community, broker.url, ports, spool_path, poll_interval_s=0.1)
        async with Spool(config.spool.path, config.spool_capacity) as spool:
            agent = Agent(config, spool, make_slots(config))
            task = asyncio.create_task(agent.run())
            try:
                yield agent
            finally:
                task.cancel()
                await asyncio.gather(task, return_exceptions=True)


def spooled(path: Path) -> tuple[set[int], int]:
    """The sequence numbers still in the agent's spool, and the next one it will give."""
    with sqlite3.connect(path) as db:
        left = {int(seq) for (seq,) in db.execute("SELECT seq FROM readings")}
        row = db.execute("SELECT value FROM meta WHERE key = 'next_seq'").fetchone()
    return left, int(row[0]) if row else 0


def stored(database: Path) -> list[int]:
    """Sequence numbers in the hub's database, with repeats if there were any."""
    with sqlite3.connect(database) as db:
        return [int(seq) for (seq,) in db.execute("SELECT seq FROM readings WHERE site_id = 'home-1'")]


async def test_a_broker_killed_before_its_save_loses_no_reading(
    own_mosquitto: Mosquitto,
    start_hub: HubFactory,
    community: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Send unconfirmed readings again after 1 s (not 30 s), so the test need not wait long.
    monkeypatch.setattr(mqtt_link, "ACK_TIMEOUT_S", 1.0)
    monkeypatch.setattr(mqtt_link, "MAX_ACK_TIMEOUT_S", 2.0)
    broker = own_mosquitto.address
    database = tmp_path / "hub.db"
    db_url = f"sqlite+aiosqlite:///{database}"
    spool_path = tmp_path / "spool.db"
    hub_id = f"hub-{community}"  # the same client id each time: the broker keeps its session

    async def hub_session_once() -> None:
        async with start_hub(broker, db_url, mqtt_client_id=hub_id) as hub:
            await eventually(
                lambda: hub.http.get("/api/health"),
                lambda r: r.json()["mqtt"]["connected"],
                what="the hub to subscribe",
            )

    await hub_session_once()  # the broker now holds the hub's session, in memory only

    async with agent_running(spool_path, broker, community) as agent:
        # Hub offline: the broker PUBACKs the agent's readings, the agent keeps every one.
        async def sent() -> int:
            return agent.mqtt.published_batches

        await eventually(sent, lambda n: n >= 30, within=30, what="30 batches the broker took")
        left, produced = spooled(spool_path)
        assert left == set(range(produced))

        # The hub comes back, commits what its session held, and only then the agent deletes.
        async with start_hub(broker, db_url, mqtt_client_id=hub_id):

            async def committed_and_deleted() -> tuple[set[int], set[int]]:
                return set(stored(database)), spooled(spool_path)[0]

            await eventually(
                committed_and_deleted,
                lambda s: set(range(produced)) <= s[0] and not (set(range(produced)) & s[1]),
                within=30,
                what="the backlog committed by the hub and deleted by the agent",
            )

        # Hub offline again; what the agent sends now waits at the broker, for the hub's session.
        before = agent.mqtt.published_batches
        await eventually(sent, lambda n: n >= before + 20, within=30, what="20 more batches the broker took")
        own_mosquitto.kill()  # before any save: the hub's session and its queue are gone
        _, at_crash = spooled(spool_path)
        own_mosquitto.start()

        async with start_hub(broker, db_url, mqtt_client_id=hub_id):

            async def everything_before_the_crash() -> set[int]:
                return set(stored(database))

            await eventually(
                everything_before_the_crash,
                lambda s: set(range(at_crash)) <= s,
                within=60,
                what="every reading produced before the crash in the hub's database",
            )
    left, produced = spooled(spool_path)
    rows = stored(database)
    lost = set(range(produced)) - set(rows) - left
    duplicated = len(rows) - len(set(rows))
    assert (len(lost), duplicated) == (0, 0), f"lost {sorted(lost)[:20]}"
    assert agent.mqtt.confirmed > 0
