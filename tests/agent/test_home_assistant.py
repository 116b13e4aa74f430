"""The site in Home Assistant: what a resident's Home Assistant reads from its own broker.

Real parts: the agent reading three simulated devices over Modbus TCP, the hub-side broker
(the embedded one), and the resident's broker, a Mosquitto of the test's own, where this test
subscribes to ``homeassistant/#`` as Home Assistant does.
"""

from __future__ import annotations

import asyncio
import json
import re
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from edge_agent.config import AgentConfig, ConfigError, HomeAssistantConfig
from edge_agent.home_assistant import (
    SHARE,
    SHARED_IN,
    SHARED_OUT,
    SITE_SENSORS,
    HomeAssistantLink,
    Topics,
)
from powershare_wire import CommunityShare, SiteState
from powershare_wire.topics import Kind, topic
from soak.proxy import TcpProxy
from tests.agent.mqtt_client import mqtt_client
from tests.agent.test_app import agent_config, running, three_devices
from tests.brokers import Mosquitto
from tests.conftest import BrokerAddress, free_port
from tests.helpers import site_reading

TEMPLATE = re.compile(r"^\{\{ value_json\.([a-z0-9_]+) \}\}$")
COUNTERS = {"import_wh", "export_wh", "production_wh", "charge_wh", "discharge_wh"}
POWERS = {"pv_w", "battery_w", "grid_w", "load_w"}
NOW = datetime(2026, 6, 21, 10, 7, tzinfo=UTC)


class HomeAssistant:
    """What Home Assistant keeps of the broker: each config and the latest state per topic."""

    def __init__(self, prefix: str = "homeassistant") -> None:
        self.prefix = prefix
        self.configs: dict[str, dict[str, Any]] = {}
        self.retained: dict[str, bytes] = {}

    def take(self, name: str, payload: bytes) -> None:
        if name.startswith(self.prefix + "/") and name.endswith("/config"):
            if payload:
                self.configs[name] = json.loads(payload)
            else:
                self.configs.pop(name, None)  # an empty config removes the entity
        self.retained[name] = payload

    def entity(self, key: str) -> dict[str, Any]:
        [config] = [c for c in self.configs.values() if c["unique_id"].endswith("_" + key)]
        return config

    def value(self, config: dict[str, Any]) -> Any:
        """The entity's state, as Home Assistant renders it from the state topic."""
        return json.loads(self.retained[config["state_topic"]])[key_of(config)]


def shown_ts(ha: HomeAssistant) -> str | None:
    state = ha.retained.get("powershare/home-1/state")
    return None if state is None else str(json.loads(state)["ts"])


def key_of(config: dict[str, Any]) -> str:
    """The value an entity's template picks from the state JSON."""
    match = TEMPLATE.match(config["value_template"])
    assert match is not None, config["value_template"]
    return match.group(1)


async def watch(broker: BrokerAddress, ha: HomeAssistant, done: Any, within: float = 20) -> None:
    async with mqtt_client(broker.host, broker.port) as client:
        await client.subscribe(f"{ha.prefix}/#", qos=1)
        await client.subscribe("powershare/#", qos=1)
        async with asyncio.timeout(within):
            async for message in client.messages:
                assert isinstance(message.payload, bytes)
                ha.take(str(message.topic), message.payload)
                if done(ha):
                    return


@pytest.mark.mosquitto
async def test_home_assistant_discovers_the_site_and_follows_its_snapshot(
    own_mosquitto: Mosquitto, amqtt_broker: BrokerAddress, community: str, tmp_path: Path
) -> None:
    resident = own_mosquitto.address
    extra = {"home_assistant": {"url": resident.url, "state_interval_s": 1}}
    async with three_devices() as ports, mqtt_client(amqtt_broker.host, amqtt_broker.port) as hub_side:
        config = agent_config(community, amqtt_broker.url, ports, tmp_path / "spool.db", **extra)
        await hub_side.subscribe(topic(community, "home-1", Kind.STATE), qos=1)
        # What the hub told the site, retained before the agent connects (hub.community_share).
        told = CommunityShare(
            site="home-1",
            day=date(2026, 6, 21),
            received_wh=500,
            given_wh=0,
            consumption_wh=2000,
            share=0.25,
            ts=NOW,
        )
        await hub_side.publish(
            topic(community, "home-1", Kind.SHARE), told.model_dump_json(), qos=1, retain=True
        )
        ha = HomeAssistant()

        def complete(ha: HomeAssistant) -> bool:
            keys = {key_of(c) for c in ha.configs.values()}
            return "powershare/home-1/state" in ha.retained and POWERS | COUNTERS | {"soc_pct", SHARE} <= keys

        async with running(config):
            await watch(resident, ha, complete)
            snapshots: dict[str, SiteState] = {}  # what the hub got, by timestamp

            async def collect() -> None:
                async for message in hub_side.messages:
                    assert isinstance(message.payload, bytes)
                    state = SiteState.model_validate_json(message.payload)
                    snapshots[state.reading.ts.isoformat()] = state

            collecting = asyncio.create_task(collect())
            try:  # until Home Assistant shows a snapshot the hub got (the first may precede the hub link)
                await watch(resident, ha, lambda h: shown_ts(h) in snapshots)
            finally:
                collecting.cancel()

            # The entities: one device, one unique id each, the Energy dashboard's classes.
            devices = {json.dumps(c["device"], sort_keys=True) for c in ha.configs.values()}
            assert len(devices) == 1
            [device] = [c["device"] for c in ha.configs.values()][:1]
            assert device["identifiers"] == [f"powershare_{community}_home-1"]
            unique = [c["unique_id"] for c in ha.configs.values()]
            assert len(unique) == len(set(unique))
            for key in COUNTERS:
                counter = ha.entity(key)
                assert counter["device_class"] == "energy"
                assert counter["state_class"] == "total_increasing"
                assert counter["unit_of_measurement"] == "Wh"
            for key in POWERS:
                power = ha.entity(key)
                assert (power["device_class"], power["unit_of_measurement"]) == ("power", "W")
            soc = ha.entity("soc_pct")
            assert (soc["device_class"], soc["unit_of_measurement"]) == ("battery", "%")
            assert ha.entity("pv_w")["default_entity_id"] == "sensor.powershare_home_1_pv_w"
            for config_ in ha.configs.values():
                assert "object_id" not in config_  # deprecated by Home Assistant, gone in 2026.4
                assert config_["state_topic"] == "powershare/home-1/state"
                assert config_["availability_topic"] == "powershare/home-1/availability"
            assert ha.retained["powershare/home-1/availability"] == b"online"

            # Each entity shows the site snapshot's value, the one the hub got too.
            shown = json.loads(ha.retained["powershare/home-1/state"])
            snapshot = snapshots[shown["ts"]].reading.values
            for config_ in ha.configs.values():
                key = key_of(config_)
                if key in SITE_SENSORS:  # the others are the hub's share, below
                    assert ha.value(config_) == snapshot[key]["value"], key
            assert ha.value(ha.entity("pv_w")) == 3000
            assert ha.value(ha.entity("grid_w")) == 500
            assert ha.value(ha.entity(SHARE)) == 25.0  # forwarded from the hub's retained share
            assert ha.value(ha.entity(SHARED_IN)) == 500

            # Home Assistant restarts and has lost the configs: announcing itself brings them back.
            async with mqtt_client(resident.host, resident.port) as restarted:
                for name in list(ha.configs):
                    await restarted.publish(name, b"", qos=1, retain=True)
                await restarted.publish("homeassistant/status", b"online", qos=1)
            again = HomeAssistant()
            await watch(resident, again, lambda h: len(h.configs) == len(ha.configs))
            assert set(again.configs) == set(ha.configs)

        # A clean stop leaves the entities unavailable, not frozen at their last value.
        after = HomeAssistant()
        await watch(resident, after, lambda h: h.retained.get("powershare/home-1/availability") == b"offline")


@pytest.mark.mosquitto
async def test_the_hubs_community_share_appears_once_it_was_sent(
    own_mosquitto: Mosquitto, community: str
) -> None:
    resident = own_mosquitto.address
    config = AgentConfig.from_mapping(
        {
            "community": community,
            "site": "home-2",
            "mqtt": {"url": "mqtt://127.0.0.1:1"},
            "devices": [{"host": "127.0.0.1"}],
            "home_assistant": {"url": resident.url, "discovery_prefix": "ha/test", "state_interval_s": 1},
        }
    )
    assert config.home_assistant is not None
    link = HomeAssistantLink(config.home_assistant, community, "home-2", "1.2.3")
    task = asyncio.create_task(link.run())
    try:
        await asyncio.wait_for(link.connected.wait(), 10)
        told = CommunityShare(
            site="home-2",
            day=date(2026, 6, 21),
            received_wh=812,
            given_wh=40,
            consumption_wh=3456,
            share=812 / 3456,
            ts=NOW,
        )
        link.take_share(told.model_copy(update={"site": "home-9"}).model_dump_json().encode())  # not ours
        link.take_share(b"{not json")
        link.take_share(told.model_dump_json().encode())  # as the hub link hands it over
        ha = HomeAssistant("ha/test")
        await watch(resident, ha, lambda h: len(h.configs) == 3 and "powershare/home-2/state" in h.retained)
        share = ha.entity(SHARE)
        assert share["unit_of_measurement"] == "%"
        assert ha.value(share) == 23.5
        for key, wh in ((SHARED_IN, 812), (SHARED_OUT, 40)):
            counter = ha.entity(key)
            assert (counter["device_class"], counter["state_class"]) == ("energy", "total_increasing")
            assert ha.value(counter) == wh
        topics = Topics("ha/test", community, "home-2")
        assert set(ha.configs) == {topics.config(k) for k in (SHARE, SHARED_IN, SHARED_OUT)}
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)


@pytest.mark.parametrize(
    ("section", "problem"),
    [
        ({"url": "http://ha.local"}, "home_assistant.url: must look like mqtt://host:1883"),
        ({"url": "mqtt://ha.local", "discovery_prefix": "home/#"}, "home_assistant.discovery_prefix"),
        ({"url": "mqtt://ha.local", "state_interval_s": 0}, "home_assistant.state_interval_s"),
        ({"url": "mqtt://ha.local", "prefix": "x"}, "home_assistant.prefix: is not a known setting"),
    ],
)
def test_a_bad_home_assistant_section_names_its_key(section: dict[str, object], problem: str) -> None:
    data = {
        "community": "c",
        "site": "s",
        "mqtt": {"url": "mqtt://127.0.0.1"},
        "devices": [{"host": "127.0.0.1"}],
        "home_assistant": section,
    }
    with pytest.raises(ConfigError, match=re.escape(problem)):
        AgentConfig.from_mapping(data)


@pytest.mark.mosquitto
async def test_a_lost_connection_shows_unavailable_until_the_agent_is_back(
    own_mosquitto: Mosquitto, community: str
) -> None:
    resident = own_mosquitto.address
    proxy = TcpProxy(free_port(), resident.host, resident.port)
    await proxy.start()
    section = HomeAssistantConfig(url=f"mqtt://127.0.0.1:{proxy.listen_port}", state_interval_s=1)
    link = HomeAssistantLink(section, community, "home-3", "1.2.3")
    link.update(site_reading(0))
    task = asyncio.create_task(link.run())
    availability = "powershare/home-3/availability"
    try:
        seen = HomeAssistant()
        await watch(
            resident, seen, lambda h: h.retained.get(availability) == b"online" and len(h.configs) == 2
        )
        await proxy.stop()  # the home's network drops the agent: the broker publishes its last will
        await watch(resident, HomeAssistant(), lambda h: h.retained.get(availability) == b"offline")
        await proxy.start()
        back = HomeAssistant()
        await watch(resident, back, lambda h: h.retained.get(availability) == b"online", within=90)
        await asyncio.wait_for(link.connected.wait(), 10)
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await proxy.stop()
