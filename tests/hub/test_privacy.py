"""A resident sees their own site in full and the neighbours only coarsely (table over endpoints)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.conftest import BrokerAddress
from tests.helpers import eventually, publish_telemetry, site_reading
from tests.hub.conftest import HubFactory

SOON = datetime.now(UTC) + timedelta(hours=1)
WINDOW = {"window_start": SOON.isoformat(), "window_end": (SOON + timedelta(hours=2)).isoformat()}

# (method, path, body) a resident may not use on someone else's site
FORBIDDEN: list[tuple[str, str, dict[str, Any] | None]] = [
    ("GET", "/api/sites/home-b", None),
    ("PATCH", "/api/sites/home-b", {"name": "mine now"}),
    ("GET", "/api/sites/home-b/devices", None),
    ("GET", "/api/sites/home-b/history", None),
    ("GET", "/api/sites/home-b/history?period=day&format=csv", None),
    ("POST", "/api/requests", {"site": "home-b", "energy_wh": 2000, "max_price": "0.2000", **WINDOW}),
    ("POST", "/api/offers", {"site": "home-b", "energy_wh": 2000, "min_price": "0.1000", **WINDOW}),
    ("POST", "/api/sites", {"site": "home-z", "community": "north"}),
    ("PUT", "/api/sites/home-b/owner", {"owner_email": "a@example.org"}),
    ("POST", "/api/sites/home-b/mqtt-credentials", None),
]


async def test_residents_cannot_touch_each_others_sites(
    amqtt_broker: BrokerAddress, sqlite_url: str, start_hub: HubFactory, community: str
) -> None:
    async with start_hub(amqtt_broker, sqlite_url) as hub:
        await eventually(lambda: hub.http.get("/api/health"), lambda r: r.json()["mqtt"]["connected"])
        alice = await hub.resident("a@example.org", "home-a", community, kind="consumer")
        await hub.resident("b@example.org", "home-b", community, kind="provider")
        admin = await hub.admin()
        for site in ("home-a", "home-b"):
            await publish_telemetry(amqtt_broker.host, amqtt_broker.port, community, site, [site_reading(1)])
        await eventually(
            lambda: admin.get("/api/sites"), lambda r: all(s["reading"] for s in r.json()), what="readings"
        )

        for method, path, body in FORBIDDEN:
            response = await alice.request(method, path, json=body)
            assert response.status_code == 403, (method, path, response.text)

        sites = {s["site"]: s for s in (await alice.get("/api/sites")).json()}
        assert sites["home-a"]["mine"] is True
        assert sites["home-a"]["reading"]["seq"] == 1
        assert sites["home-a"]["location"] == {"lat": 48.137154, "lon": 11.576124}
        assert sites["home-b"]["mine"] is False
        assert sites["home-b"]["reading"] is None
        assert sites["home-b"]["location"] == {"lat": 48.14, "lon": 11.58}  # coarse, a provider

        # the neighbour is a consumer: the provider sees no location for it at all
        bob = await hub.client_for("b@example.org")
        assert {s["site"]: s for s in (await bob.get("/api/sites")).json()}["home-a"]["location"] is None

        # an admin may do each of these (bar the lifecycle of requests for another's site)
        for method, path in (("GET", "/api/sites/home-b"), ("GET", "/api/sites/home-b/history")):
            assert (await admin.request(method, path)).status_code == 200


@pytest.mark.parametrize("path", ["/api/sites/home-a", "/api/sites/nowhere/history", "/api/communities"])
async def test_private_endpoints_need_a_session(
    amqtt_broker: BrokerAddress, sqlite_url: str, start_hub: HubFactory, path: str
) -> None:
    async with start_hub(amqtt_broker, sqlite_url) as hub:
        response = await hub.http.get(path)
        assert response.status_code == 401
        assert response.headers["www-authenticate"] == "Bearer"
