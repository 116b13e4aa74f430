"""Shared fixtures: real services (PostgreSQL, Mosquitto, the embedded broker, Chromium).

Each test gets its own database, its own community id (so its topics never meet another
test's on a shared broker) and brokers on free ports. With ``CI=true`` a missing service is a
failure, never a skip; on a laptop without it the test skips with the reason.
"""

from __future__ import annotations

import os
import shutil
import socket
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from soak.ports import port_open as port_open  # one probe for the soak and the tests

if TYPE_CHECKING:
    from tests.brokers import Mosquitto

CI = os.environ.get("CI", "").lower() == "true"

PG_ADMIN_URL = os.environ.get("POWERSHARE_TEST_PG", "postgresql://127.0.0.1:5432/test")
MOSQUITTO = os.environ.get("POWERSHARE_TEST_MOSQUITTO", "127.0.0.1:1883")


def service_missing(reason: str) -> None:
    if CI:
        pytest.fail(f"{reason} — CI=true requires it; install or start it on this machine")
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass(frozen=True)
class BrokerAddress:
    host: str
    port: int
    name: str

    @property
    def url(self) -> str:
        return f"mqtt://{self.host}:{self.port}"


@pytest.fixture
def community() -> str:
    """A community id no other test uses, so topics stay apart on a shared broker."""
    return f"t{uuid.uuid4().hex[:12]}"


@pytest.fixture
def pg_url() -> Iterator[str]:
    """SQLAlchemy URL of a fresh PostgreSQL database, dropped afterwards."""
    try:
        import psycopg
    except ImportError:  # pragma: no cover - the hub extra is part of the dev install
        service_missing("psycopg is not installed")
        raise
    name = f"powershare_test_{uuid.uuid4().hex[:12]}"
    try:
        admin = psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as exc:
        service_missing(f"PostgreSQL is not reachable at {PG_ADMIN_URL}: {exc}")
        raise
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
        base = PG_ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1)
        try:
            yield f"{base}/{name}"
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def sqlite_url(tmp_path: object) -> str:
    return f"sqlite+aiosqlite:///{tmp_path}/hub.db"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest) -> str:
    """Run a test on both databases."""
    fixture = "sqlite_url" if request.param == "sqlite" else "pg_url"
    return str(request.getfixturevalue(fixture))


@pytest.fixture
def mosquitto() -> BrokerAddress:
    host, _, port = MOSQUITTO.rpartition(":")
    if not port_open(host, int(port)):
        service_missing(f"Mosquitto is not reachable at {MOSQUITTO}")
    return BrokerAddress(host, int(port), "mosquitto")


@pytest.fixture
async def amqtt_broker() -> AsyncIterator[BrokerAddress]:
    from hub.broker import embedded_broker

    port = free_port()
    async with embedded_broker("127.0.0.1", port):
        yield BrokerAddress("127.0.0.1", port, "amqtt")


@pytest.fixture(params=["amqtt", pytest.param("mosquitto", marks=pytest.mark.mosquitto)])
def broker(request: pytest.FixtureRequest) -> BrokerAddress:
    """Run a test on both brokers: the embedded amqtt and the machine's Mosquitto."""
    if request.param == "amqtt":
        return request.getfixturevalue("amqtt_broker")  # type: ignore[no-any-return]
    return request.getfixturevalue("mosquitto")  # type: ignore[no-any-return]


@pytest.fixture
def own_mosquitto(tmp_path: Path) -> Iterator[Mosquitto]:
    """A Mosquitto of the test's own, to stop, kill and start again."""
    from tests.brokers import Mosquitto

    if shutil.which("mosquitto") is None:
        service_missing("the mosquitto binary is not installed")
    broker = Mosquitto(tmp_path / "own-mosquitto")
    broker.start()
    try:
        yield broker
    finally:
        broker.stop()


@pytest.fixture
def chromium() -> str:
    path = (
        os.environ.get("POWERSHARE_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    )
    if not path:
        service_missing("Debian's chromium is not installed (apt-get install chromium)")
    return str(path)
