"""A page load asks who is signed in without an error; /api/me keeps answering 401 to API clients."""

from __future__ import annotations

import httpx

from tests.conftest import BrokerAddress
from tests.hub.conftest import HubFactory


async def test_the_session_probe_answers_200_signed_in_or_not(
    amqtt_broker: BrokerAddress, sqlite_url: str, start_hub: HubFactory, community: str
) -> None:
    async with start_hub(amqtt_broker, sqlite_url) as hub:
        resident = await hub.resident("r@example.org", "home-r", community)
        token = await hub.token("r@example.org")
        async with httpx.AsyncClient(base_url=hub.base_url) as nobody:
            ended = await nobody.post("/api/auth/logout", headers={"Authorization": f"Bearer {token}"})
            assert ended.status_code == 204
            # (who asks, headers, who /api/session names, /api/me's status)
            cases: list[tuple[str, httpx.AsyncClient, dict[str, str], str | None, int]] = [
                ("signed out", nobody, {}, None, 401),
                ("ended session", nobody, {"Authorization": f"Bearer {token}"}, None, 401),
                ("signed in", resident, {}, "r@example.org", 200),
            ]
            for what, client, headers, email, me_status in cases:
                probe = await client.get("/api/session", headers=headers)
                assert probe.status_code == 200, what
                user = probe.json()["user"]
                assert (user["email"] if user else None) == email, what
                assert (await client.get("/api/me", headers=headers)).status_code == me_status, what
            signed_in = (await resident.get("/api/session")).json()["user"]
            assert signed_in == (await resident.get("/api/me")).json()
            assert signed_in["sites"] == ["home-r"]
