"""Keep an MQTT session up: connect, announce presence, serve, and reconnect with backoff.

aiomqtt has no automatic reconnect, and the agent holds two broker connections that need one:
the hub's (:mod:`edge_agent.mqtt_link`) and the resident's Home Assistant
(:mod:`edge_agent.home_assistant`). What a connection is for stays with its link; this module
owns the loop around it, the same for both:

- presence: one retained topic, the link's "online" message published on connect (birth), its
  "offline" message left as the last will (for a crash or a dropped network) and published by
  us on a clean stop (a clean DISCONNECT makes the broker drop the will);
- jittered backoff between attempts, started afresh once a session was up;
- a disconnect that cannot hang the shutdown over a dead link;
- cancellations that 3.11's ``wait_for`` swallowed still end the loop
  (:mod:`powershare_wire.cancellation`).
"""

from __future__ import annotations

import asyncio
import logging
import ssl
from collections.abc import Awaitable, Callable

import aiomqtt

from edge_agent.backoff import Backoff
from edge_agent.config import MqttConfig
from powershare_wire.cancellation import raise_if_cancelling

DISCONNECT_TIMEOUT_S = 3.0
GOODBYE_TIMEOUT_S = 3.0  # the task is being cancelled: the offline message gets this long, no more

SessionStep = Callable[[aiomqtt.Client], Awaitable[None]]


class ReconnectingSession:
    """One broker connection, kept up until cancelled; ``connected`` is set while it is up.

    ``presence(True)`` and ``presence(False)`` are the payloads for ``presence_topic`` online and
    offline. Log lines go to the link's ``log``, named by ``label``, so they read as the link's.
    """

    def __init__(
        self,
        config: MqttConfig,
        *,
        label: str,
        identifier: str,
        presence_topic: str,
        presence: Callable[[bool], bytes],
        backoff: Backoff,
        log: logging.Logger,
        max_inflight_messages: int | None = None,
    ) -> None:
        self.config = config
        self.connected = asyncio.Event()
        self._label = label
        self._identifier = identifier
        self._presence_topic = presence_topic
        self._presence = presence
        self._backoff = backoff
        self._log = log
        self._max_inflight_messages = max_inflight_messages

    async def run(self, begin: SessionStep, serve: SessionStep) -> None:
        """Per connection: birth, ``begin`` (subscriptions; raise to drop the session), then
        ``connected`` and ``serve`` until the connection ends; reconnect after a backoff."""
        while True:
            try:
                await self._session(begin, serve)
            except aiomqtt.MqttError as exc:
                self._log.warning("%s %s: %s", self._label, self.config.url, exc)
            except (OSError, TimeoutError) as exc:
                self._log.warning("%s %s unreachable: %s", self._label, self.config.url, exc)
            self.connected.clear()
            raise_if_cancelling()
            delay = self._backoff.next_delay()
            self._log.info("%s reconnect in %.1f s", self._label, delay)
            await asyncio.sleep(delay)

    def _client(self) -> aiomqtt.Client:
        config = self.config
        tls_context = None
        if config.tls:
            tls_context = ssl.create_default_context(cafile=str(config.ca_file) if config.ca_file else None)
        return aiomqtt.Client(
            config.host,
            config.port,
            username=config.username,
            password=config.password.get_secret_value() if config.password else None,
            identifier=self._identifier,
            will=aiomqtt.Will(self._presence_topic, self._presence(False), qos=1, retain=True),
            keepalive=config.keepalive_s,
            tls_context=tls_context,
            timeout=10,
            max_inflight_messages=self._max_inflight_messages,
        )

    async def _session(self, begin: SessionStep, serve: SessionStep) -> None:
        client = self._client()
        await client.__aenter__()
        try:
            await client.publish(self._presence_topic, self._presence(True), qos=1, retain=True)
            await begin(client)
            raise_if_cancelling()  # aiomqtt awaits through 3.11's wait_for
            self.connected.set()
            self._backoff.reset()
            try:
                await serve(client)
            except asyncio.CancelledError:
                await self._say_goodbye(client)
                raise
        finally:
            self.connected.clear()
            await self._disconnect(client)

    async def _say_goodbye(self, client: aiomqtt.Client) -> None:
        offline = self._presence(False)
        try:
            await client.publish(self._presence_topic, offline, qos=1, retain=True, timeout=GOODBYE_TIMEOUT_S)
        except (aiomqtt.MqttError, TimeoutError) as exc:
            self._log.warning("%s: could not publish the offline message: %s", self._label, exc)

    async def _disconnect(self, client: aiomqtt.Client) -> None:
        """aiomqtt waits without limit for the broker to see DISCONNECT; over a dead link that
        would hang the shutdown, so bound it."""
        try:
            async with asyncio.timeout(DISCONNECT_TIMEOUT_S):
                await client.__aexit__(None, None, None)
        except (TimeoutError, aiomqtt.MqttError) as exc:
            self._log.info("%s disconnect not confirmed: %s", self._label, exc or "timeout")
