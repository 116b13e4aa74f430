"""The embedded MQTT broker (amqtt) for one-machine installs, demos and tests.

Production points the hub at Mosquitto or EMQX instead (``POWERSHARE_MQTT_URL``).
amqtt speaks MQTT 3.1.1 only and has no shared subscriptions; the hub needs neither.

It takes the same per-site credentials and topic rules as Mosquitto (hub.auth.broker_access):
no anonymous clients, and each agent speaks only for its own site. Two small plugins connect
amqtt to those rules; amqtt hands each its ``Config`` dataclass, which carries the accounts.
A refused publish is dropped silently: MQTT 3.1.1 has no way to tell the publisher.
"""

from __future__ import annotations

import asyncio
import errno
import logging
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from amqtt.broker import Broker
from amqtt.contexts import Action, BaseContext
from amqtt.plugins.base import BaseAuthPlugin, BaseTopicPlugin
from amqtt.session import Session

from hub.auth.broker_access import Action as AccessAction
from hub.auth.broker_access import BrokerAccounts, Principal, may
from hub.core.config import running_in_production

log = logging.getLogger(__name__)

SHUTDOWN_TIMEOUT_S = 10.0


class PortInUseError(RuntimeError):
    """A listener could not bind because something else holds the port."""


class _SnapshotDict(dict[str, Any]):
    """A dict whose iteration walks a copy.

    amqtt 0.12 iterates its subscription table with awaits inside the loop (when a client
    connects, and on every broadcast); another client subscribing meanwhile raises
    "dictionary changed size during iteration" and drops the connecting client. Iterating a
    snapshot is what those loops need.
    """

    def __iter__(self) -> Iterator[str]:
        return iter(list(super().keys()))

    def items(self) -> Any:
        return list(super().items())


class _Principals:
    """Who each connected client proved to be, so topic checks need no database."""

    def __init__(self, accounts: BrokerAccounts) -> None:
        self.accounts = accounts
        self.by_client: dict[str, Principal] = {}


class AccountsAuthPlugin(BaseAuthPlugin):  # type: ignore[misc]  # amqtt ships no stubs
    """amqtt authentication against the hub's broker accounts; anonymous clients are refused."""

    @dataclass
    class Config:
        principals: Any = None  # a _Principals (dacite accepts any object for Any)

    def __init__(self, context: BaseContext) -> None:
        super().__init__(context)
        self._principals: _Principals = self.config.principals

    async def authenticate(self, *, session: Session) -> bool:
        if not session.username or session.password is None or session.client_id is None:
            return False
        password = session.password if isinstance(session.password, str) else session.password.decode()
        principal = await self._principals.accounts.authenticate(session.username, password)
        if principal is None:
            log.warning(
                "MQTT client %r refused: wrong credentials for %r", session.client_id, session.username
            )
            self._principals.by_client.pop(session.client_id, None)
            return False
        self._principals.by_client[session.client_id] = principal
        return True


class TopicRulesPlugin(BaseTopicPlugin):  # type: ignore[misc]
    """amqtt topic checks with the rules every broker applies (hub.auth.broker_access.may)."""

    @dataclass
    class Config:
        principals: Any = None

    def __init__(self, context: BaseContext) -> None:
        super().__init__(context)
        self._principals: _Principals = self.config.principals

    async def topic_filtering(
        self, *, session: Session | None = None, topic: str | None = None, action: Action | None = None
    ) -> bool:
        if session is None or topic is None or action is None or session.client_id is None:
            return False
        principal = self._principals.by_client.get(session.client_id)
        if principal is None or principal.username != session.username:
            return False
        return may(principal, topic, _ACTIONS[action])


_ACTIONS: dict[Action, AccessAction] = {
    Action.PUBLISH: "publish",
    Action.SUBSCRIBE: "subscribe",
    Action.RECEIVE: "receive",
}


def broker_config(host: str, port: int, accounts: BrokerAccounts | None) -> dict[str, object]:
    listeners = {"default": {"type": "tcp", "bind": f"{host}:{port}", "max_connections": 10_000}}
    if accounts is None:
        if running_in_production():
            raise RuntimeError("an MQTT broker without accounts is refused when POWERSHARE_ENV=production")
        # A bare transport for tests of agents and ingest against "some broker"; the hub never runs this.
        return {
            "listeners": listeners,
            "plugins": {"amqtt.plugins.authentication.AnonymousAuthPlugin": {"allow_anonymous": True}},
        }
    principals = _Principals(accounts)
    return {
        "listeners": listeners,
        "plugins": {
            f"{__name__}.AccountsAuthPlugin": {"principals": principals},
            f"{__name__}.TopicRulesPlugin": {"principals": principals},
        },
    }


@asynccontextmanager
async def embedded_broker(
    host: str = "127.0.0.1", port: int = 1883, accounts: BrokerAccounts | None = None
) -> AsyncIterator[Broker]:
    """Run an in-process broker on ``host:port`` for the duration of the block.

    Clients log in with the credentials ``accounts`` knows, and use the topics their rules allow.
    Without ``accounts`` it is an open broker for tests (refused in production).
    """
    broker = Broker(broker_config(host, port, accounts))
    broker._subscriptions = _SnapshotDict()
    try:
        await broker.start()
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise PortInUseError(f"MQTT port {port} on {host} is already in use") from exc
        raise
    except Exception as exc:
        # amqtt wraps bind errors in its own exception types; look for the OS error beneath.
        cause: BaseException | None = exc
        while cause is not None:
            if isinstance(cause, OSError) and cause.errno == errno.EADDRINUSE:
                raise PortInUseError(f"MQTT port {port} on {host} is already in use") from exc
            cause = cause.__cause__ or cause.__context__
        raise
    log.info("embedded MQTT broker listening on %s:%d", host, port)
    try:
        yield broker
    finally:
        # amqtt's shutdown waits on its clients' sessions; one that never ends must not keep
        # the hub (or the demo's Ctrl-C) from stopping.
        try:
            async with asyncio.timeout(SHUTDOWN_TIMEOUT_S):
                await broker.shutdown()
        except TimeoutError:
            log.warning("the embedded MQTT broker did not stop within %.0f s; leaving it", SHUTDOWN_TIMEOUT_S)
