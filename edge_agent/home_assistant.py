"""The site in the resident's Home Assistant, by MQTT discovery.

Why the agent and not the hub: the agent runs in the home, beside the resident's Home
Assistant and its broker, and already holds every value of the site each poll; the hub would
have to reach into thousands of private home networks. So with a ``[home_assistant]`` section
the agent opens a second MQTT connection, to the resident's broker, and publishes there:

- one retained discovery config per sensor,
  ``{prefix}/sensor/powershare_{site}/{quantity}/config``, all under one device (the site),
  for each quantity the site reports (a site without a battery gets no SoC sensor). Energy
  counters carry ``device_class: energy``, ``state_class: total_increasing`` and ``Wh``, so the
  Energy dashboard takes them for grid import/export, solar production and the battery;
- the site's values as one retained JSON object on ``powershare/{site}/state``, at most every
  ``state_interval_s`` (Home Assistant records every change; once a second would swell its
  database), each sensor picking its value with a template;
- ``powershare/{site}/availability``: ``online`` on connect, ``offline`` as the last will and
  on a clean stop (the session's presence, :mod:`edge_agent.mqtt_session`), so the sensors
  show unavailable while the agent is away;
- the community share, once the hub sent one (its retained ``share``, which the hub link
  hands over): the part of the home's use its neighbours gave today, and the energy received
  from and given to them (daily counters; Home Assistant takes the fall at midnight as a reset).

Names, units and signs come from :mod:`powershare_wire.site`: this module only words them for
Home Assistant. When Home Assistant restarts it announces ``online`` on ``{prefix}/status`` and
the configs are sent again (they are retained too, for brokers that keep them).
The resident's broker is never a path to the hub: nothing is read from it but that status.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Iterable
from dataclasses import dataclass
from typing import Any, Final

import aiomqtt
from pydantic import ValidationError

from edge_agent.backoff import Backoff
from edge_agent.config import HomeAssistantConfig
from edge_agent.mqtt_session import ReconnectingSession
from powershare_wire import CommunityShare, Reading
from powershare_wire import site as vocabulary
from powershare_wire.cancellation import cancel_and_wait, raise_if_cancelling

log = logging.getLogger(__name__)

ONLINE: Final = "online"
OFFLINE: Final = "offline"
PUBLISH_TIMEOUT_S = 10.0
SHARE: Final = "community_share_pct"  # not a site quantity: the hub's figure, forwarded
SHARED_IN: Final = "community_received_wh"
SHARED_OUT: Final = "community_given_wh"


@dataclass(frozen=True, slots=True)
class Sensor:
    """How Home Assistant shows one value."""

    key: str  # the value's name in the state JSON (the site quantity's name)
    name: str
    device_class: str | None
    state_class: str
    unit: str
    icon: str | None = None


# Home Assistant's wording; a quantity missing here is worded from powershare_wire.site.
_NAMES = {
    vocabulary.PV_W: "Solar power",
    vocabulary.WIND_W: "Wind power",
    vocabulary.BATTERY_W: "Battery power",  # > 0 discharging (powershare_wire.site)
    vocabulary.GRID_W: "Grid power",  # > 0 importing
    vocabulary.LOAD_W: "Home power",
    vocabulary.SOC_PCT: "Battery charge",
    vocabulary.IMPORT_WH: "Energy imported",
    vocabulary.EXPORT_WH: "Energy exported",
    vocabulary.PRODUCTION_WH: "Energy produced",
    vocabulary.WIND_WH: "Wind energy produced",
    vocabulary.CHARGE_WH: "Battery energy in",
    vocabulary.DISCHARGE_WH: "Battery energy out",
}


def _sensor(quantity: vocabulary.SiteQuantity) -> Sensor | None:
    """Powers, counters and the state of charge; the flows stay on the hub's dashboard."""
    name = _NAMES.get(quantity.name) or quantity.positive.capitalize()
    unit = quantity.unit.value
    if quantity.nature is vocabulary.Nature.POWER:
        return Sensor(quantity.name, name, "power", "measurement", unit)
    if quantity.nature is vocabulary.Nature.COUNTER:
        # Counters only ever grow (powershare_wire.site): what the Energy dashboard wants.
        return Sensor(quantity.name, name, "energy", "total_increasing", unit)
    if quantity.name == vocabulary.SOC_PCT:
        return Sensor(quantity.name, name, "battery", "measurement", unit)
    return None


def _site_sensors() -> dict[str, Sensor]:
    found = (_sensor(quantity) for quantity in vocabulary.QUANTITIES)
    return {sensor.key: sensor for sensor in found if sensor is not None}


SITE_SENSORS: Final[dict[str, Sensor]] = _site_sensors()
SHARE_SENSORS: Final[dict[str, Sensor]] = {
    SHARE: Sensor(SHARE, "Community share", None, "measurement", "%", "mdi:account-group"),
    # Counted from the local midnight on: a fall to 0 is a new day, as total_increasing expects.
    SHARED_IN: Sensor(SHARED_IN, "Energy from neighbours", "energy", "total_increasing", "Wh"),
    SHARED_OUT: Sensor(SHARED_OUT, "Energy to neighbours", "energy", "total_increasing", "Wh"),
}


@dataclass(frozen=True, slots=True)
class Topics:
    prefix: str
    community: str
    site: str

    @property
    def node(self) -> str:
        return f"powershare_{self.site}".replace("-", "_")

    @property
    def state(self) -> str:
        return f"powershare/{self.site}/state"

    @property
    def availability(self) -> str:
        return f"powershare/{self.site}/availability"

    @property
    def status(self) -> str:
        """Where Home Assistant announces itself (its birth and will)."""
        return f"{self.prefix}/status"

    def config(self, key: str) -> str:
        return f"{self.prefix}/sensor/{self.node}/{key}/config"

    def unique_id(self, key: str) -> str:
        return f"powershare_{self.community}_{self.site}_{key}"


def discovery_config(topics: Topics, sensor: Sensor, agent_version: str) -> dict[str, Any]:
    """The retained config that makes Home Assistant create ``sensor``'s entity."""
    config: dict[str, Any] = {
        "name": sensor.name,
        "unique_id": topics.unique_id(sensor.key),
        # The entity id a new entity gets (Home Assistant 2025.10 on; it replaced object_id).
        "default_entity_id": f"sensor.{topics.node}_{sensor.key}",
        "state_topic": topics.state,
        # JSON null renders as None, which Home Assistant shows as unknown: "not reported".
        "value_template": f"{{{{ value_json.{sensor.key} }}}}",
        "availability_topic": topics.availability,
        "payload_available": ONLINE,
        "payload_not_available": OFFLINE,
        "state_class": sensor.state_class,
        "unit_of_measurement": sensor.unit,
        "device": {
            "identifiers": [f"powershare_{topics.community}_{topics.site}"],
            "name": f"PowerShare {topics.site}",
            "manufacturer": "PowerShare",
            "model": "Edge agent",
            "sw_version": agent_version,
        },
        "origin": {"name": "PowerShare edge agent", "sw_version": agent_version},
    }
    if sensor.device_class is not None:
        config["device_class"] = sensor.device_class
    if sensor.icon is not None:
        config["icon"] = sensor.icon
    return config


def sensors_for(reading: Reading | None, share: dict[str, float | None] | None) -> list[Sensor]:
    """The sensors this site has: the quantities its snapshot reported a value for (not
    "not implemented"; a site without wind never gets a wind sensor), the share once known."""
    names = {k for k, q in reading.values.items() if q["value"] is not None} if reading is not None else set()
    found = [sensor for key, sensor in SITE_SENSORS.items() if key in names]
    return found + (list(SHARE_SENSORS.values()) if share is not None else [])


def state_payload(
    reading: Reading | None, share: dict[str, float | None] | None, announced: Iterable[str] = ()
) -> dict[str, Any]:
    """One JSON object with every value Home Assistant shows, by the sensors' keys.

    A sensor once announced keeps its key, null while the snapshot lacks it (a device gone
    quiet): a template reading a missing key is an error in Home Assistant's log each update.
    """
    values: dict[str, Any] = dict.fromkeys(key for key in announced if key in SITE_SENSORS)
    if reading is not None:
        for key in SITE_SENSORS:
            if key in reading.values:
                values[key] = reading.values[key]["value"]
        values["ts"] = reading.ts.isoformat()
    if share is not None:
        values.update(share)
    return values


class HomeAssistantLink:
    """The connection to the resident's broker. ``update`` and ``share`` never block."""

    def __init__(self, config: HomeAssistantConfig, community: str, site: str, agent_version: str) -> None:
        self.config = config
        self.topics = Topics(config.discovery_prefix, community, site)
        self.agent_version = agent_version
        self._reading: Reading | None = None
        self._share: dict[str, float | None] | None = None
        self._changed = asyncio.Event()
        self._announced: set[str] = set()  # sensor keys whose config this connection sent
        self._session = ReconnectingSession(
            config,
            label="Home Assistant broker",
            identifier=f"ps-agent-ha-{community}-{site}",
            presence_topic=self.topics.availability,
            presence=lambda online: (ONLINE if online else OFFLINE).encode(),
            backoff=Backoff(initial_s=0.5, maximum_s=60.0),
            log=log,
        )
        self.connected = self._session.connected
        self.states_sent = 0

    def update(self, snapshot: Reading) -> None:
        """The site's newest snapshot (``device == "site"``)."""
        self._reading = snapshot
        self._changed.set()

    def share(self, percent: float | None, received_wh: float | None, given_wh: float | None = None) -> None:
        """The hub's community share for today: percent of the home's use, energy received and given."""
        self._share = {SHARE: percent, SHARED_IN: received_wh, SHARED_OUT: given_wh}
        self._changed.set()

    def take_share(self, payload: bytes) -> None:
        """The hub's retained ``share`` message (powershare_wire), as the hub link received it."""
        try:
            message = CommunityShare.model_validate_json(payload)
        except ValidationError as exc:
            log.warning("invalid community share ignored: %s", exc.errors()[:1])
            return
        if message.site != self.topics.site:
            log.warning("community share for site %s on our topic ignored", message.site)
            return
        percent = None if message.share is None else round(message.share * 100, 1)
        self.share(percent, message.received_wh, message.given_wh)

    async def run(self) -> None:
        """Stay connected until cancelled (then say offline), reconnecting with backoff."""
        await self._session.run(self._begin, self._serve)

    async def _begin(self, client: aiomqtt.Client) -> None:
        self._announced.clear()
        await client.subscribe(self.topics.status, qos=1)
        await self._announce(client)

    async def _serve(self, client: aiomqtt.Client) -> None:
        log.info("Home Assistant discovery on %s under %s/", self.config.url, self.config.discovery_prefix)
        listener = asyncio.create_task(self._listen(client), name="home-assistant-status")
        try:
            await self._send_states(client, listener)
        finally:
            await cancel_and_wait([listener])

    async def _send_states(self, client: aiomqtt.Client, listener: asyncio.Task[None]) -> None:
        while True:
            if self._reading is not None or self._share is not None:
                await self._announce(client)  # a quantity seen for the first time, or the share
                payload = json.dumps(state_payload(self._reading, self._share, self._announced))
                await self._publish(client, self.topics.state, payload)
                self.states_sent += 1
            self._changed.clear()
            await _until(asyncio.sleep(self.config.state_interval_s), listener)
            await _until(self._changed.wait(), listener)

    async def _listen(self, client: aiomqtt.Client) -> None:
        async for message in client.messages:
            if message.topic.matches(self.topics.status) and message.payload == ONLINE.encode():
                log.info("Home Assistant restarted: sending the discovery configs again")
                self._announced.clear()
                self._changed.set()

    async def _announce(self, client: aiomqtt.Client) -> None:
        for sensor in self._unannounced(sensors_for(self._reading, self._share)):
            config = discovery_config(self.topics, sensor, self.agent_version)
            await self._publish(client, self.topics.config(sensor.key), json.dumps(config))
            self._announced.add(sensor.key)

    def _unannounced(self, sensors: Iterable[Sensor]) -> list[Sensor]:
        return [sensor for sensor in sensors if sensor.key not in self._announced]

    @staticmethod
    async def _publish(client: aiomqtt.Client, topic: str, payload: str) -> None:
        await client.publish(topic, payload.encode(), qos=1, retain=True, timeout=PUBLISH_TIMEOUT_S)
        raise_if_cancelling()  # aiomqtt awaits through 3.11's wait_for (powershare_wire.cancellation)


async def _until(waiting: Awaitable[object], listener: asyncio.Task[None]) -> None:
    """Wait for ``waiting``; raise at once if the connection (its listener) ends first."""
    raise_if_cancelling()
    task = asyncio.ensure_future(waiting)
    try:
        await asyncio.wait([task, listener], return_when=asyncio.FIRST_COMPLETED)
    finally:
        task.cancel()
    if listener.done():
        listener.result()  # the connection's error
        raise aiomqtt.MqttError("the broker ended the session")
