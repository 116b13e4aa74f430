"""/ws: signing out closes the session's sockets, tokens stay out of URLs, other sites' pages are refused (#12)."""

from __future__ import annotations

import pytest
import websockets
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.typing import Origin

from hub.api.ws import UNAUTHORISED_CLOSE, allowed_origin
from tests.conftest import BrokerAddress
from tests.helpers import eventually, session_cookie
from tests.hub.conftest import HubFactory
from tests.hub.test_ws import next_of


async def test_signing_out_closes_that_sessions_socket_only(
    amqtt_broker: BrokerAddress, sqlite_url: str, start_hub: HubFactory, community: str
) -> None:
    async with start_hub(amqtt_broker, sqlite_url) as hub:
        await hub.resident("ann@example.org", "home-so", community)
        leaving, staying = await hub.token("ann@example.org"), await hub.token("ann@example.org")
        async with (
            websockets.connect(hub.ws_url, additional_headers=session_cookie(leaving)) as gone,
            websockets.connect(hub.ws_url, additional_headers=session_cookie(staying)) as kept,
        ):
            await next_of(gone, "hello")
            await next_of(kept, "hello")
            out = await hub.http.post("/api/auth/logout", headers={"Authorization": f"Bearer {leaving}"})
            assert out.status_code == 204
            assert (await next_of(gone, "error"))["error"] == "signed_out"
            with pytest.raises(ConnectionClosed) as closed:
                await gone.recv()
            assert closed.value.rcvd is not None
            assert closed.value.rcvd.code == UNAUTHORISED_CLOSE
            # the closed socket stops costing the hub: its subscriber is gone, the other's stays
            await eventually(lambda: hub.http.get("/api/health"), lambda r: r.json()["ws_clients"] == 1)
            # the other session of the same resident keeps its socket
            await kept.send('{"subscribe": []}')
            assert (await next_of(kept, "subscribed"))["type"] == "subscribed"


async def test_a_token_in_the_url_is_refused(
    amqtt_broker: BrokerAddress, sqlite_url: str, start_hub: HubFactory, community: str
) -> None:
    async with start_hub(amqtt_broker, sqlite_url) as hub:
        await hub.resident("bo@example.org", "home-url", community)
        token = await hub.token("bo@example.org")
        async with websockets.connect(f"{hub.ws_url}?token={token}") as socket:
            assert (await next_of(socket, "error"))["error"] == "token_in_url"
            with pytest.raises(ConnectionClosed):
                await socket.recv()
        # the first message still signs in, for clients that cannot send cookies
        async with websockets.connect(hub.ws_url) as socket:
            await socket.send(f'{{"token": "{token}"}}')
            assert (await next_of(socket, "hello"))["user"]["email"] == "bo@example.org"


async def test_another_sites_page_cannot_open_the_socket(
    amqtt_broker: BrokerAddress, sqlite_url: str, start_hub: HubFactory, community: str
) -> None:
    async with start_hub(amqtt_broker, sqlite_url) as hub:
        await hub.resident("cy@example.org", "home-origin", community)
        cookie = session_cookie(await hub.token("cy@example.org"))
        with pytest.raises(InvalidStatus) as refused:
            async with websockets.connect(
                hub.ws_url, additional_headers=cookie, origin=Origin("https://evil.example")
            ):
                pass
        assert refused.value.response.status_code == 403
        own = hub.base_url
        async with websockets.connect(hub.ws_url, additional_headers=cookie, origin=Origin(own)) as socket:
            assert (await next_of(socket, "hello"))["user"]["email"] == "cy@example.org"


@pytest.mark.parametrize(
    ("origin", "host", "allowed"),
    [
        (None, "hub.example:8000", True),  # not a browser
        ("http://hub.example:8000", "hub.example:8000", True),
        ("https://hub.example", "hub.example", True),
        ("https://evil.example", "hub.example", False),
        ("http://hub.example:8001", "hub.example:8000", False),
        ("null", "hub.example", False),  # sandboxed frames and file:// pages
        ("https://app.example", "hub.example", True),  # configured
    ],
)
def test_origin_rule(origin: str | None, host: str, allowed: bool) -> None:
    assert allowed_origin(origin, host, frozenset({"https://app.example"})) is allowed
