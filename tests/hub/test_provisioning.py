"""An admin provisions sites and their agents' MQTT credentials; EMQX asks the hub to check them."""

from __future__ import annotations

from hub.seed import ensure_user
from tests.conftest import BrokerAddress
from tests.helpers import eventually, publish_telemetry, site_reading
from tests.hub.conftest import PASSWORD, HubFactory


async def test_provisioning_gives_credentials_the_broker_can_check(
    amqtt_broker: BrokerAddress, sqlite_url: str, start_hub: HubFactory, community: str
) -> None:
    async with start_hub(
        amqtt_broker, sqlite_url, auto_register_sites=False, mqtt_auth_secret="broker-secret"
    ) as hub:
        await eventually(lambda: hub.http.get("/api/health"), lambda r: r.json()["mqtt"]["connected"])
        admin = await hub.admin()
        broker = {"Authorization": "Bearer broker-secret"}  # only the broker may ask /api/mqtt/*
        await hub.seed(lambda s: ensure_user(s, "new@example.org", PASSWORD))
        body = {
            "site": "home-new",
            "community": community,
            "owner_email": "new@example.org",
            "kind": "provider",
            "location": {"lat": 52.52, "lon": 13.405},
            "assets": [{"kind": "solar", "power_kw": 9.9}],
        }
        created = await admin.post("/api/sites", json=body)
        assert created.status_code == 201, created.text
        mqtt = created.json()["mqtt"]
        assert mqtt["broker_username"] == "home-new"
        assert mqtt["topic_prefix"] == f"powershare/v1/{community}/home-new/"
        assert created.json()["site"]["owner_email"] == "new@example.org"
        assert (await admin.post("/api/sites", json=body)).status_code == 409

        login = {"username": "home-new", "password": mqtt["broker_password"], "clientid": "agent"}
        assert (await hub.http.post("/api/mqtt/auth", json=login, headers=broker)).json()["result"] == "allow"
        wrong = {**login, "password": "guess"}
        assert (await hub.http.post("/api/mqtt/auth", json=wrong, headers=broker)).json()["result"] == "deny"
        stranger = {**login, "username": "hub"}
        assert (await hub.http.post("/api/mqtt/auth", json=stranger, headers=broker)).json()[
            "result"
        ] == "ignore"

        own = f"powershare/v1/{community}/home-new/telemetry"
        other = f"powershare/v1/{community}/home-else/telemetry"
        acl = {"username": "home-new", "action": "publish"}
        assert (await hub.http.post("/api/mqtt/acl", json={**acl, "topic": own}, headers=broker)).json()[
            "result"
        ] == "allow"
        assert (await hub.http.post("/api/mqtt/acl", json={**acl, "topic": other}, headers=broker)).json()[
            "result"
        ] == "deny"

        rotated = (await admin.post("/api/sites/home-new/mqtt-credentials")).json()
        assert (await hub.http.post("/api/mqtt/auth", json=login, headers=broker)).json()["result"] == "deny"
        fresh = {**login, "password": rotated["broker_password"]}
        assert (await hub.http.post("/api/mqtt/auth", json=fresh, headers=broker)).json()["result"] == "allow"

        # with auto-registration off, the provisioned site's readings are taken at once
        await publish_telemetry(
            amqtt_broker.host, amqtt_broker.port, community, "home-new", [site_reading(1)]
        )
        health = await eventually(
            lambda: hub.http.get("/api/health"), lambda r: r.json()["ingest"]["accepted"] == 1
        )
        assert health.json()["ingest"]["rejected"] == {}


async def test_an_admin_assigns_a_site_first_seen_on_mqtt(
    amqtt_broker: BrokerAddress, sqlite_url: str, start_hub: HubFactory, community: str
) -> None:
    async with start_hub(amqtt_broker, sqlite_url) as hub:
        await eventually(lambda: hub.http.get("/api/health"), lambda r: r.json()["mqtt"]["connected"])
        admin = await hub.admin()
        await publish_telemetry(
            amqtt_broker.host, amqtt_broker.port, community, "home-wild", [site_reading(1)]
        )
        await eventually(lambda: admin.get("/api/sites/home-wild"), lambda r: r.status_code == 200)
        assert (await admin.get("/api/sites/home-wild")).json()["owner_email"] is None

        await hub.seed(lambda s: ensure_user(s, "wild@example.org", PASSWORD))
        unknown = await admin.put("/api/sites/home-wild/owner", json={"owner_email": "nobody@example.org"})
        assert unknown.status_code == 422
        assert unknown.json()["detail"][0]["loc"] == ["body", "owner_email"]
        assigned = await admin.put("/api/sites/home-wild/owner", json={"owner_email": "wild@example.org"})
        assert assigned.json()["owner_email"] == "wild@example.org"

        resident = await hub.client_for("wild@example.org")
        me = (await resident.get("/api/me")).json()
        assert (me["sites"], me["community"]) == (["home-wild"], community)
        assert (await resident.get("/api/sites/home-wild")).json()["reading"]["seq"] == 1
