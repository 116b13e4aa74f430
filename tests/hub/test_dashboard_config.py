"""The dashboard learns its map tiles from the hub, and the page's policy lets it fetch them."""

from __future__ import annotations

import pytest

from hub.core.config import ConfigError, load_settings
from tests.conftest import BrokerAddress
from tests.hub.conftest import HubFactory


async def test_default_tiles_are_openstreetmap_with_credit_and_allowed_by_the_policy(
    amqtt_broker: BrokerAddress, sqlite_url: str, start_hub: HubFactory
) -> None:
    async with start_hub(amqtt_broker, sqlite_url) as hub:
        response = await hub.http.get("/api/config")  # before any sign-in: the sign-in page has no session
        assert response.status_code == 200
        assert response.json() == {
            "map": {
                "tiles": "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
                "attribution": "© OpenStreetMap contributors",
            }
        }
        csp = (await hub.http.get("/")).headers["content-security-policy"]
        assert "img-src 'self' data: blob: https://tile.openstreetmap.org;" in csp
        assert "connect-src 'self' https://tile.openstreetmap.org;" in csp


async def test_without_tiles_the_map_gets_none_and_the_policy_stays_closed(
    amqtt_broker: BrokerAddress, sqlite_url: str, start_hub: HubFactory
) -> None:
    async with start_hub(amqtt_broker, sqlite_url, map_tiles="") as hub:
        assert (await hub.http.get("/api/config")).json() == {"map": {"tiles": None, "attribution": None}}
        csp = (await hub.http.get("/")).headers["content-security-policy"]
        assert "connect-src 'self';" in csp
        assert "openstreetmap" not in csp


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("ftp://tiles.example.org/{z}/{x}/{y}.png", "must be an http(s) URL"),
        ("https://tiles.example.org/tile.png", "needs the placeholders {z}, {x}, {y}"),
        ("https://tiles.example.org/{z}/{x}.png", "needs the placeholders {y}"),
    ],
)
def test_a_bad_tile_url_names_the_setting_and_the_form(value: str, problem: str) -> None:
    with pytest.raises(ConfigError, match="POWERSHARE_MAP_TILES") as error:
        load_settings(map_tiles=value)
    assert problem in str(error.value)
