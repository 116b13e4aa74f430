"""The embedded broker lets in only provisioned agents and the hub, each on its own topics (#12)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import aiomqtt
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import async_sessionmaker

from firmware_sims.clock import SimClock
from firmware_sims.community import run_community
from firmware_sims.scenario import parse
from hub.auth.broker_access import (
    HUB_USERNAME,
    Principal,
    SiteAccounts,
    is_reserved,
    issue_mqtt_password,
    may,
)
from hub.broker import broker_config, embedded_broker
from hub.core.config import ConfigError, Settings, load_settings
from hub.db.engine import create_engine, migrate
from hub.db.models import RawReading
from hub.seed import ensure_site
from hub.server import running_hub
from powershare_demo.seeding import seed_community
from powershare_wire import Telemetry
from powershare_wire import topics as wire_topics
from powershare_wire.topics import Kind
from tests.conftest import BrokerAddress, free_port
from tests.e2e.stack import NOON, one_home_scenario
from tests.helpers import eventually, site_reading
from tests.hub.conftest import HubFactory

SUBACK_FAILURE = 0x80


class StaticAccounts:
    """Plain-text accounts for a broker under test; the hub's are SiteAccounts on its database."""

    def __init__(self, community: str, sites: list[str]) -> None:
        self.principals = {HUB_USERNAME: Principal(HUB_USERNAME)} | {
            s: Principal(s, community) for s in sites
        }

    async def authenticate(self, username: str, password: str) -> Principal | None:
        return self.principals.get(username) if password == f"pw-{username}" else None


def topic(community: str, site: str, kind: Kind) -> str:
    return wire_topics.topic(community, site, kind)


@pytest.mark.parametrize(
    ("who", "name", "action", "allowed"),
    [
        ("home-1", "powershare/v1/c/home-1/telemetry", "publish", True),
        ("home-1", "powershare/v1/c/home-2/telemetry", "publish", False),
        ("home-1", "powershare/v1/other/home-1/telemetry", "publish", False),
        ("home-1", "powershare/v1/c/home-1/cmd/dispatch", "publish", False),
        ("home-1", "powershare/v1/c/home-1/cmd/dispatch", "subscribe", True),
        ("home-1", "powershare/v1/c/home-2/cmd/dispatch", "subscribe", False),
        ("home-1", "powershare/v1/c/+/telemetry", "subscribe", False),
        ("home-1", "#", "subscribe", False),
        ("hub", "powershare/v1/+/+/telemetry", "subscribe", True),
        ("hub", "powershare/v1/c/+/cmd/dispatch/ack", "subscribe", True),
        ("hub", "#", "subscribe", False),
        ("hub", "powershare/v1/#", "subscribe", False),
        ("hub", "powershare/v1/c/home-1/cmd/dispatch", "publish", True),
        ("hub", "powershare/v1/c/+/cmd/dispatch", "publish", False),
        ("hub", "powershare/v1/c/home-1/telemetry", "publish", False),
    ],
)
def test_topic_rules(who: str, name: str, action: str, allowed: bool) -> None:
    principal = Principal(who) if who == HUB_USERNAME else Principal(who, "c")
    assert may(principal, name, action) is allowed  # type: ignore[arg-type]


@pytest.mark.parametrize("name", ["hub", "HUB", "admin"])
def test_reserved_broker_names(name: str) -> None:
    assert is_reserved(name)


@asynccontextmanager
async def client(
    port: int, username: str | None, password: str | None = None
) -> AsyncIterator[aiomqtt.Client]:
    async with aiomqtt.Client(
        "127.0.0.1", port, username=username, password=password, identifier=uuid.uuid4().hex
    ) as c:
        yield c


async def test_anonymous_and_wrong_password_refused(community: str) -> None:
    port = free_port()
    async with embedded_broker("127.0.0.1", port, StaticAccounts(community, ["home-1"])):
        with pytest.raises(aiomqtt.MqttError):  # no subscription to '#' without an account
            async with client(port, None):
                pass
        with pytest.raises(aiomqtt.MqttError):
            async with client(port, "home-1", "guessed"):
                pass


async def test_a_site_cannot_read_everything(community: str) -> None:
    port = free_port()
    async with (
        embedded_broker("127.0.0.1", port, StaticAccounts(community, ["home-1"])),
        client(port, "home-1", "pw-home-1") as agent,
    ):
        result = await agent.subscribe("#", qos=1)
        assert list(result) == [SUBACK_FAILURE]


async def test_a_site_cannot_speak_for_another(community: str) -> None:
    """Telemetry for another site and commands to another battery never reach their reader."""
    port = free_port()
    accounts = StaticAccounts(community, ["home-1", "home-2"])
    async with (
        embedded_broker("127.0.0.1", port, accounts),
        client(port, HUB_USERNAME, f"pw-{HUB_USERNAME}") as hub,
        client(port, "home-1", "pw-home-1") as intruder,
        client(port, "home-2", "pw-home-2") as victim,
    ):
        await hub.subscribe(wire_topics.subscription(Kind.TELEMETRY, community), qos=1)
        await victim.subscribe(topic(community, "home-2", Kind.DISPATCH), qos=1)
        # QoS 1 publishes return once the broker has them; forbidden ones it drops silently.
        await intruder.publish(topic(community, "home-2", Kind.TELEMETRY), b"forged", qos=1)
        await intruder.publish(topic(community, "home-2", Kind.DISPATCH), b"forged", qos=1)
        # Then allowed messages on the same paths: each reader's first message must be these.
        await intruder.publish(topic(community, "home-1", Kind.TELEMETRY), b"own", qos=1)
        await hub.publish(topic(community, "home-2", Kind.DISPATCH), b"from-hub", qos=1)
        async with asyncio.timeout(10):
            first_telemetry = await anext(aiter(hub.messages))
            first_command = await anext(aiter(victim.messages))
        assert (str(first_telemetry.topic), first_telemetry.payload) == (
            topic(community, "home-1", Kind.TELEMETRY),
            b"own",
        )
        assert first_command.payload == b"from-hub"


async def test_hub_embedded_broker_takes_provisioned_credentials(sqlite_url: str, community: str) -> None:
    """The hub's own broker: its consumer logs in by itself, agents with what provisioning gave them."""
    settings = Settings(
        database_url=sqlite_url,
        mqtt_url=None,
        mqtt_port=free_port(),
        http_port=free_port(),
        mqtt_community=community,
    )
    engine = create_engine(sqlite_url)
    sessions = async_sessionmaker(engine, expire_on_commit=False)
    try:
        async with running_hub(settings):
            async with sessions() as session:
                password = issue_mqtt_password(await ensure_site(session, "home-1", community))
                await session.commit()
            with pytest.raises(aiomqtt.MqttError):
                async with client(settings.mqtt_port, None):
                    pass
            async with client(settings.mqtt_port, "home-1", password) as agent:
                message = Telemetry(site="home-1", readings=[site_reading(1)])
                await agent.publish(
                    topic(community, "home-1", Kind.TELEMETRY), message.model_dump_json().encode(), qos=1
                )

            async def stored() -> int:
                async with sessions() as session:
                    return len((await session.scalars(select(RawReading.seq))).all())

            # stored means the hub's consumer, logged in with its own secret, received it
            await eventually(stored, lambda n: n == 1, what="the reading stored")
    finally:
        await engine.dispose()


def test_production_refuses_a_broker_without_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ConfigError, match="POWERSHARE_MQTT_URL"):
        load_settings(env="production", mqtt_url="mqtt://broker.example:1883")
    settings = load_settings(env="production", mqtt_url="mqtt://hub:s3cret@broker.example:1883")
    assert settings.mqtt_url is not None
    monkeypatch.setenv("POWERSHARE_ENV", "production")
    with pytest.raises(RuntimeError, match="production"):
        broker_config("127.0.0.1", 1883, None)


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("mqtt://host:abc", "port must be a number"),
        ("mqtt://host:70000", "port must be a number"),
        ("mqtt://:1883", "needs a host"),
        ("http://host:1883", "mqtt://host:1883"),
    ],
)
def test_a_bad_broker_url_names_the_setting_and_the_fix(url: str, problem: str) -> None:
    with pytest.raises(ConfigError, match="POWERSHARE_MQTT_URL") as caught:
        load_settings(mqtt_url=url)
    assert problem in str(caught.value)


def test_a_broker_url_without_a_port_uses_the_standard_one() -> None:
    assert load_settings(mqtt_url="mqtt://broker.example").mqtt_url == "mqtt://broker.example"


async def test_a_reserved_name_is_never_a_site(
    amqtt_broker: BrokerAddress, sqlite_url: str, start_hub: HubFactory
) -> None:
    async with start_hub(amqtt_broker, sqlite_url) as hub:
        admin = await hub.admin()
        response = await admin.post("/api/sites", json={"site": "hub", "community": "c"})
        assert response.status_code == 422
        assert response.json()["detail"][0]["loc"][-1] == "site"


async def test_the_demo_provisions_its_agents_like_any_others(sqlite_url: str, community: str) -> None:
    """seed_community hands each home's agent a password the hub's broker accounts accept."""
    engine = create_engine(sqlite_url)
    await migrate(engine)
    try:
        async with run_community(
            parse(one_home_scenario()), clock=SimClock.stepped(NOON), free_ports=True
        ) as sims:
            passwords = await seed_community(sqlite_url, community, sims.homes)
        accounts = SiteAccounts(async_sessionmaker(engine, expire_on_commit=False), "hub-secret")
        ((site, password),) = passwords.items()
        assert await accounts.authenticate(site, password) == Principal(site, community)
        assert await accounts.authenticate(site, "powershare-demo") is None
        assert await accounts.authenticate("hub", "hub-secret") == Principal("hub")
        again = await seed_community(sqlite_url, community, sims.homes)  # a demo restart: new ones
        assert await accounts.authenticate(site, password) is None
        assert await accounts.authenticate(site, again[site]) is not None
    finally:
        await engine.dispose()
