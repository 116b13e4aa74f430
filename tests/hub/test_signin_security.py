"""Sign-in and the broker backend resist guessing: rate limits, a password policy, no enumeration (#12)."""

from __future__ import annotations

import threading

import pytest

from hub.auth import passwords
from hub.auth.broker_access import issue_mqtt_password
from hub.auth.passwords import DEMO_PASSWORD
from hub.auth.rate_limit import RateLimiter
from hub.seed import ensure_site, ensure_user
from tests.conftest import BrokerAddress
from tests.hub.conftest import PASSWORD, HubFactory

BROKER_SECRET = "a-secret-the-broker-knows"


class LoggedIn(BrokerAddress):
    """The test broker as production names it: with the hub's login (production requires one)."""

    @property
    def url(self) -> str:
        return f"mqtt://hub:pw@{self.host}:{self.port}"


def test_bucket_refills_one_token_per_period() -> None:
    now = [0.0]
    limiter = RateLimiter(burst=2, refill_s=30, monotonic=lambda: now[0])
    assert [limiter.take("k"), limiter.take("k"), limiter.take("k")] == [0, 0, 30]
    now[0] = 15.0
    assert limiter.take("k") == 15  # half a token back: 15 s to go
    now[0] = 30.0
    assert limiter.take("k") == 0
    assert limiter.take("other") == 0  # keys apart


def test_bucket_table_is_bounded() -> None:
    limiter = RateLimiter(burst=1, refill_s=60, max_keys=2)
    for key in ("a", "b", "c"):
        limiter.take(key)
    assert limiter.take("c") > 0
    assert limiter.take("a") == 0  # evicted as least recently used: a fresh bucket


async def test_failed_signins_per_account_get_429(
    amqtt_broker: BrokerAddress, sqlite_url: str, start_hub: HubFactory
) -> None:
    async with start_hub(amqtt_broker, sqlite_url, signin_account_burst=3) as hub:
        await hub.seed(lambda s: ensure_user(s, "cy@example.org", PASSWORD))
        wrong = {"email": "cy@example.org", "password": "not-the-password"}
        codes = [(await hub.http.post("/api/auth/login", json=wrong)).status_code for _ in range(3)]
        assert codes == [401, 401, 401]
        limited = await hub.http.post("/api/auth/login", json=wrong)
        assert limited.status_code == 429
        assert int(limited.headers["Retry-After"]) > 0
        assert limited.json()["code"] == "rate_limited"
        assert limited.json()["ctx"] == {"retry_after": int(limited.headers["Retry-After"])}
        # even the right password waits: otherwise the limit would tell a guess that is right
        right = await hub.http.post("/api/auth/login", json={**wrong, "password": PASSWORD})
        assert right.status_code == 429


async def test_failed_signins_per_address_get_429(
    amqtt_broker: BrokerAddress, sqlite_url: str, start_hub: HubFactory
) -> None:
    async with start_hub(amqtt_broker, sqlite_url, signin_address_burst=4) as hub:
        for n in range(4):
            response = await hub.http.post(
                "/api/auth/login", json={"email": f"u{n}@example.org", "password": PASSWORD}
            )
            assert response.status_code == 401
        limited = await hub.http.post(
            "/api/auth/login", json={"email": "new@example.org", "password": PASSWORD}
        )
        assert limited.status_code == 429
        assert "Retry-After" in limited.headers


async def test_password_checks_run_off_the_event_loop(monkeypatch: pytest.MonkeyPatch) -> None:
    threads: list[str] = []

    def recording(password_hash: str, password: str) -> bool:
        threads.append(threading.current_thread().name)
        return False

    monkeypatch.setattr(passwords, "verify_password", recording)
    assert await passwords.verify_password_async("hash", "pw") is False
    assert threads[0].startswith("argon2")
    assert threads[0] != threading.main_thread().name


@pytest.mark.parametrize("password", ["password123", "qwertyuiop", "ada@example.org"])
async def test_common_passwords_are_refused(
    amqtt_broker: BrokerAddress, sqlite_url: str, start_hub: HubFactory, password: str
) -> None:
    async with start_hub(amqtt_broker, sqlite_url) as hub:
        response = await hub.http.post(
            "/api/auth/register", json={"email": "ada@example.org", "password": password}
        )
        assert response.status_code == 422
        assert response.json()["detail"][0]["loc"] == ["body", "password"]


async def test_demo_password_in_production_is_a_422(
    amqtt_broker: BrokerAddress, sqlite_url: str, start_hub: HubFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("POWERSHARE_ENV", "production")
    broker = LoggedIn(amqtt_broker.host, amqtt_broker.port, amqtt_broker.name)
    async with start_hub(broker, sqlite_url, env="production") as hub:
        response = await hub.http.post(
            "/api/auth/register", json={"email": "ada@example.org", "password": DEMO_PASSWORD}
        )
        assert response.status_code == 422
        assert "demo password" in response.json()["detail"][0]["msg"]
        assert response.json()["detail"][0]["type"] == "password_demo_refused"


async def test_registration_does_not_tell_which_emails_exist(
    amqtt_broker: BrokerAddress, sqlite_url: str, start_hub: HubFactory
) -> None:
    async with start_hub(amqtt_broker, sqlite_url) as hub:
        await hub.seed(lambda s: ensure_user(s, "known@example.org", PASSWORD))
        body = {"password": "another-long-secret"}
        known = await hub.http.post("/api/auth/register", json={**body, "email": "known@example.org"})
        unknown = await hub.http.post("/api/auth/register", json={**body, "email": "unknown@example.org"})
        assert (known.status_code, known.json()) == (unknown.status_code, unknown.json())
        # and the existing account kept its password
        assert (
            await hub.http.post("/api/auth/login", json={**body, "email": "known@example.org"})
        ).status_code == 401


async def test_broker_backend_needs_the_shared_secret(
    amqtt_broker: BrokerAddress, sqlite_url: str, start_hub: HubFactory, community: str
) -> None:
    async with start_hub(
        amqtt_broker, sqlite_url, mqtt_auth_secret=BROKER_SECRET, signin_account_burst=3
    ) as hub:

        async def provision(session: object) -> str:
            return issue_mqtt_password(await ensure_site(session, "home-1", community))  # type: ignore[arg-type]

        password = await hub.seed(provision)
        body = {"username": "home-1", "password": password}
        acl = {
            "username": "home-1",
            "topic": f"powershare/v1/{community}/home-1/telemetry",
            "action": "publish",
        }
        for path, payload in (("/api/mqtt/auth", body), ("/api/mqtt/acl", acl)):
            anonymous = await hub.http.post(path, json=payload)
            assert anonymous.status_code == 401, path
            assert "home-1" not in anonymous.text
        secret = {"Authorization": f"Bearer {BROKER_SECRET}"}
        allowed = await hub.http.post("/api/mqtt/auth", json=body, headers=secret)
        assert allowed.json()["result"] == "allow"
        acl_ok = await hub.http.post("/api/mqtt/acl", json=acl, headers=secret)
        assert acl_ok.json()["result"] == "allow"
        # the hub's name is the broker's own account, never a site's
        reserved = await hub.http.post(
            "/api/mqtt/auth", json={"username": "hub", "password": "x"}, headers=secret
        )
        assert reserved.json()["result"] == "ignore"
        # guessing the secret is rate-limited: the two anonymous calls above and one guess spend the burst of 3
        guesses = [
            (
                await hub.http.post("/api/mqtt/auth", json=body, headers={"Authorization": "Bearer guess"})
            ).status_code
            for _ in range(4)
        ]
        assert guesses == [401, 429, 429, 429]


async def test_broker_backend_is_off_without_a_secret(
    amqtt_broker: BrokerAddress, sqlite_url: str, start_hub: HubFactory
) -> None:
    async with start_hub(amqtt_broker, sqlite_url) as hub:
        response = await hub.http.post("/api/mqtt/auth", json={"username": "home-1", "password": "x"})
        assert response.status_code == 403
        assert "POWERSHARE_MQTT_AUTH_SECRET" in response.json()["detail"]
        assert response.json()["code"] == "broker_backend_off"
