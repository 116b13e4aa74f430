"""Requests the database could not take get a 4xx, never a 500; responses carry security headers (#12)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.conftest import BrokerAddress
from tests.hub.conftest import HubFactory


async def test_a_body_too_large_is_a_413(
    amqtt_broker: BrokerAddress, sqlite_url: str, start_hub: HubFactory
) -> None:
    async with start_hub(amqtt_broker, sqlite_url, max_body_bytes=4096) as hub:
        big = {"email": "ada@example.org", "password": "x" * 5000}
        response = await hub.http.post("/api/auth/login", json=big)
        assert response.status_code == 413
        assert response.json()["code"] == "body_too_large"
        assert response.json()["ctx"] == {"max_bytes": 4096}

        async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: counted as it comes
            for _ in range(5):
                yield b" " * 1000

        streamed = await hub.http.post(
            "/api/auth/login", content=chunks(), headers={"content-type": "application/json"}
        )
        assert streamed.status_code == 413


@pytest.mark.parametrize(
    ("method", "path"),
    [("POST", "/api/offers/2147483648/cancel"), ("GET", "/api/transactions/2147483648")],
)
async def test_ids_beyond_the_column_are_a_422(
    amqtt_broker: BrokerAddress, sqlite_url: str, start_hub: HubFactory, method: str, path: str
) -> None:
    async with start_hub(amqtt_broker, sqlite_url) as hub:
        admin = await hub.admin()
        response = await admin.request(method, path)
        assert response.status_code == 422
        assert response.json()["detail"][0]["loc"][0] == "path"


async def test_text_with_nul_is_a_422(
    amqtt_broker: BrokerAddress, sqlite_url: str, start_hub: HubFactory
) -> None:
    async with start_hub(amqtt_broker, sqlite_url) as hub:
        body = {"email": "ada@example.org", "password": "correct-horse\u0000battery", "display_name": "Ada"}
        response = await hub.http.post("/api/auth/register", json=body)
        assert response.status_code == 422
        assert response.json()["detail"] == [
            {
                "loc": ["body", "password"],
                "msg": "text may not contain NUL characters",
                "type": "nul_character",
            }
        ]
        admin = await hub.admin()
        query = await admin.get("/api/sites", params={"q": "a\u0000b"})
        assert query.status_code == 422


@pytest.mark.parametrize("path", ["/api/health", "/", "/docs"])
async def test_security_headers(
    amqtt_broker: BrokerAddress, sqlite_url: str, start_hub: HubFactory, path: str
) -> None:
    async with start_hub(amqtt_broker, sqlite_url) as hub:
        response = await hub.http.get(path)
        assert response.status_code == 200
        csp = response.headers["content-security-policy"]
        assert "frame-ancestors 'none'" in csp
        assert "object-src 'none'" in csp
        assert response.headers["x-content-type-options"] == "nosniff"
        if path != "/docs":
            assert "script-src 'self';" in csp  # no inline or foreign scripts on the hub's own pages
