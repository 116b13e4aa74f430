"""Telemetry from a real broker into a real database, exactly once, with bad input counted."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from hub.ingest.batch import Accepted, Batch
from hub.mqtt.inorder import InOrderAcks
from powershare_wire import Kind
from powershare_wire import topics as wire_topics
from tests.conftest import BrokerAddress
from tests.helpers import eventually, publish_raw, publish_telemetry, site_reading
from tests.hub.conftest import HubFactory, RunningHub


async def health(hub: RunningHub) -> dict[str, Any]:
    response = await hub.http.get("/api/health")
    response.raise_for_status()
    return response.json()  # type: ignore[no-any-return]


async def wait_connected(hub: RunningHub) -> None:
    await eventually(lambda: health(hub), lambda h: h["mqtt"]["connected"], what="hub to subscribe")


async def test_readings_are_stored_once_and_the_latest_is_served(
    broker: BrokerAddress, db_url: str, start_hub: HubFactory, community: str
) -> None:
    async with start_hub(broker, db_url) as hub:
        await wait_connected(hub)
        readings = [site_reading(seq, pv_w=100.0 * seq) for seq in range(1, 21)]
        await publish_telemetry(broker.host, broker.port, community, "home-1", readings, batch=5)
        # a replay of the same readings (an agent resending after a lost PUBACK) adds nothing
        await publish_telemetry(broker.host, broker.port, community, "home-1", readings[:10])

        stats = await eventually(
            lambda: health(hub),
            lambda h: h["ingest"]["accepted"] + h["ingest"]["duplicates"] >= 30,
            what="all readings to be written",
        )
        assert stats["ingest"]["accepted"] == 20
        assert stats["ingest"]["duplicates"] == 10

        sites = (await (await hub.admin()).get("/api/sites")).json()
        assert [(s["community"], s["site"]) for s in sites] == [(community, "home-1")]
        assert sites[0]["reading"]["seq"] == 20
        assert sites[0]["reading"]["values"]["pv_w"] == {"value": 2000.0, "unit": "W"}


async def test_bad_messages_are_counted_by_reason_and_ingest_goes_on(
    amqtt_broker: BrokerAddress, sqlite_url: str, start_hub: HubFactory, community: str
) -> None:
    broker = amqtt_broker
    topic = wire_topics.topic(community, "home-2", Kind.TELEMETRY)
    good = site_reading(1, pv_w=42.0)
    future = site_reading(2, ts=datetime.now(UTC) + timedelta(hours=2))
    wrong_site = json.dumps({"v": 1, "site": "someone-else", "readings": [good.model_dump(mode="json")]})
    async with start_hub(broker, sqlite_url) as hub:
        await wait_connected(hub)
        await publish_raw(
            broker.host,
            broker.port,
            topic,
            [
                b"{not json",
                json.dumps({"v": 1, "site": "home-2", "readings": []}).encode(),
                json.dumps({"v": 2, "site": "home-2", "readings": [good.model_dump(mode="json")]}).encode(),
                wrong_site.encode(),
            ],
        )
        await publish_telemetry(broker.host, broker.port, community, "home-2", [future, good])

        # Two connections publish these, so the broker may hand the good reading over first.
        h = await eventually(
            lambda: health(hub),
            lambda h: h["ingest"]["accepted"] >= 1 and sum(h["ingest"]["rejected"].values()) >= 5,
            what="the good reading and the five rejections",
        )
        assert h["ingest"]["rejected"] == {
            "bad_json": 1,
            "invalid_payload": 2,
            "site_mismatch": 1,
            "future_timestamp": 1,
        }
        sites = (await (await hub.admin()).get("/api/sites")).json()
        assert sites[0]["reading"]["values"]["pv_w"]["value"] == 42.0


async def test_late_reading_is_stored_but_does_not_replace_the_newer_snapshot(
    amqtt_broker: BrokerAddress, sqlite_url: str, start_hub: HubFactory, community: str
) -> None:
    now = datetime.now(UTC)
    async with start_hub(amqtt_broker, sqlite_url) as hub:
        await wait_connected(hub)
        await publish_telemetry(
            amqtt_broker.host, amqtt_broker.port, community, "home-3", [site_reading(5, pv_w=500.0, ts=now)]
        )
        await eventually(lambda: health(hub), lambda h: h["ingest"]["accepted"] == 1)
        late = site_reading(4, pv_w=400.0, ts=now - timedelta(hours=3))
        await publish_telemetry(amqtt_broker.host, amqtt_broker.port, community, "home-3", [late])
        await eventually(lambda: health(hub), lambda h: h["ingest"]["accepted"] == 2, what="the late reading")
        sites = (await (await hub.admin()).get("/api/sites")).json()
        assert sites[0]["reading"]["seq"] == 5


@pytest.mark.parametrize("auto_register", [False])
async def test_unprovisioned_site_is_rejected_when_auto_registration_is_off(
    amqtt_broker: BrokerAddress, sqlite_url: str, start_hub: HubFactory, community: str, auto_register: bool
) -> None:
    async with start_hub(amqtt_broker, sqlite_url, auto_register_sites=auto_register) as hub:
        await wait_connected(hub)
        await publish_telemetry(
            amqtt_broker.host, amqtt_broker.port, community, "stranger", [site_reading(1)]
        )
        h = await eventually(lambda: health(hub), lambda h: bool(h["ingest"]["rejected"]))
        assert h["ingest"]["rejected"] == {"unknown_site": 1}
        assert (await (await hub.admin()).get("/api/sites")).json() == []


@pytest.mark.mosquitto
async def test_a_message_is_acknowledged_only_once_committed(
    mosquitto: BrokerAddress, sqlite_url: str, start_hub: HubFactory, community: str
) -> None:
    """A hub that dies before committing loses nothing: the broker redelivers to its successor."""
    client_id = f"hub-{community}"  # the same persistent session for both hubs
    readings = [site_reading(seq) for seq in range(1, 6)]
    async with start_hub(mosquitto, sqlite_url, mqtt_client_id=client_id) as hub:
        await wait_connected(hub)
        received: list[Accepted] = []

        async def never_commits(batch: Batch, after: asyncio.Task[None] | None = None) -> None:
            received.extend(batch.items)
            await asyncio.Event().wait()  # the database hangs until the hub goes down

        hub.state["ingest"].write_batch = never_commits  # type: ignore[method-assign]
        await publish_telemetry(mosquitto.host, mosquitto.port, community, "home-9", readings)
        ingest = hub.state["ingest"]
        await eventually(
            lambda: _value(len(received) + ingest.queued()), lambda n: n == 5, what="the hub to receive all"
        )
    async with start_hub(mosquitto, sqlite_url, mqtt_client_id=client_id) as hub:
        h = await eventually(
            lambda: health(hub), lambda h: h["ingest"]["accepted"] >= 5, what="the broker to redeliver"
        )
        assert h["ingest"]["accepted"] == 5


async def _value(value: int) -> int:
    return value


def test_acknowledgements_go_out_in_arrival_order_and_never_on_a_closed_connection() -> None:
    sent: list[tuple[int, int]] = []
    acks = InOrderAcks(lambda mid, qos: sent.append((mid, qos)))
    first, second, third = acks.track(1, 1), acks.track(2, 1), acks.track(3, 1)
    acks.track(4, 0)()  # QoS 0: nothing to acknowledge
    second()  # rejected at once, but 1 is still being written
    assert sent == []
    first()
    assert sent == [(1, 1), (2, 1)]
    acks.closed = True  # the connection dropped: the broker will redeliver 3
    third()
    assert sent == [(1, 1), (2, 1)]
    assert acks.pending() == 0
