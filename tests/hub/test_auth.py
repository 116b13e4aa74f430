"""Register, sign in with cookie or bearer token, sign out; errors name the field."""

from __future__ import annotations

import pytest

from hub.accounts import DemoSecretError
from hub.auth.passwords import DEMO_PASSWORD
from hub.db.models import UserRole
from hub.seed import ensure_site, ensure_user
from tests.conftest import BrokerAddress
from tests.hub.conftest import PASSWORD, HubFactory


async def test_register_login_cookie_bearer_logout(
    amqtt_broker: BrokerAddress, sqlite_url: str, start_hub: HubFactory
) -> None:
    async with start_hub(amqtt_broker, sqlite_url) as hub:
        body = {"email": "Ada@Example.org", "password": PASSWORD, "display_name": "Ada"}
        created = await hub.http.post("/api/auth/register", json=body)
        assert created.status_code == 202, created.text
        # the same answer for an email that has an account: registering reveals no one (#12)
        again = await hub.http.post("/api/auth/register", json={**body, "password": "another-long-secret"})
        assert (again.status_code, again.json()) == (created.status_code, created.json())

        login = await hub.http.post(
            "/api/auth/login", json={"email": "ada@example.org", "password": PASSWORD}
        )
        assert login.status_code == 200
        token = login.json()["token"]
        assert hub.http.cookies.get("powershare_session") == token

        by_cookie = await hub.http.get("/api/me")  # the client keeps the cookie
        assert by_cookie.status_code == 200
        assert by_cookie.json()["email"] == "ada@example.org"
        assert by_cookie.json()["role"] == "resident"
        hub.http.cookies.clear()
        by_bearer = await hub.http.get("/api/me", headers={"Authorization": f"Bearer {token}"})
        assert by_bearer.json()["sites"] == []

        out = await hub.http.post("/api/auth/logout", headers={"Authorization": f"Bearer {token}"})
        assert out.status_code == 204
        after = await hub.http.get("/api/me", headers={"Authorization": f"Bearer {token}"})
        assert after.status_code == 401
        assert "sign in again" in after.json()["detail"]
        assert after.json()["code"] == "session_expired"


@pytest.mark.parametrize(
    ("body", "status", "field", "code"),
    [
        ({"email": "not-an-email", "password": PASSWORD}, 422, "email", "string_pattern_mismatch"),
        ({"email": "bob@example.org", "password": "short"}, 422, "password", "string_too_short"),
        (
            {"email": "bob@example.org", "password": PASSWORD, "community": "nowhere"},
            422,
            "community",
            "community_not_found",
        ),
        ({"email": "bob@example.org", "password": PASSWORD, "role": "admin"}, 422, "role", "extra_forbidden"),
    ],
)
async def test_invalid_registrations_name_the_field(
    amqtt_broker: BrokerAddress,
    sqlite_url: str,
    start_hub: HubFactory,
    body: dict[str, str],
    status: int,
    field: str,
    code: str,
) -> None:
    async with start_hub(amqtt_broker, sqlite_url) as hub:
        response = await hub.http.post("/api/auth/register", json=body)
        assert response.status_code == status
        [problem] = response.json()["detail"]
        assert (problem["loc"][-1], problem["type"]) == (field, code)


async def test_wrong_password_and_anonymous_calls_are_refused(
    amqtt_broker: BrokerAddress, sqlite_url: str, start_hub: HubFactory
) -> None:
    async with start_hub(amqtt_broker, sqlite_url) as hub:
        await hub.seed(lambda s: ensure_user(s, "cy@example.org", PASSWORD))
        wrong = await hub.http.post(
            "/api/auth/login", json={"email": "cy@example.org", "password": "nope-nope"}
        )
        unknown = await hub.http.post(
            "/api/auth/login", json={"email": "zz@example.org", "password": PASSWORD}
        )
        assert wrong.status_code == unknown.status_code == 401
        assert (
            wrong.json()
            == unknown.json()
            == {"detail": "wrong email or password", "code": "wrong_credentials"}
        )
        for path in ("/api/me", "/api/sites"):
            response = await hub.http.get(path)
            assert response.status_code == 401, path
            assert "sign in" in response.json()["detail"]
            assert response.json()["code"] == "sign_in_required"
        missing = await hub.http.get("/api/no-such-thing")  # the framework's own 404 has a code too
        assert (missing.status_code, missing.json()["code"]) == (404, "not_found")


async def test_seeding_is_idempotent_and_gives_sites_owners(
    amqtt_broker: BrokerAddress, sqlite_url: str, start_hub: HubFactory, community: str
) -> None:
    async with start_hub(amqtt_broker, sqlite_url) as hub:
        for _ in range(2):
            await hub.seed(lambda s: ensure_user(s, "home-1@powershare.local", PASSWORD, UserRole.RESIDENT))
            await hub.seed(
                lambda s: ensure_site(
                    s,
                    "home-1",
                    community,
                    "home-1@powershare.local",
                    "provider",
                    48.1371,
                    11.5754,
                    [
                        {"kind": "solar", "power_kw": 8.0},
                        {"kind": "battery", "power_kw": 5, "energy_kwh": 10},
                    ],
                )
            )
        me = await (await hub.client_for("home-1@powershare.local")).get("/api/me")
        assert me.json()["sites"] == ["home-1"]
        assert me.json()["community"] == community


async def test_demo_password_is_refused_in_production(
    amqtt_broker: BrokerAddress, sqlite_url: str, start_hub: HubFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with start_hub(amqtt_broker, sqlite_url) as hub:
        monkeypatch.setenv("POWERSHARE_ENV", "production")
        with pytest.raises(DemoSecretError):
            await hub.seed(lambda s: ensure_user(s, "admin@powershare.local", DEMO_PASSWORD, "admin"))
