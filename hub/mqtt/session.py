"""One broker connection on the event loop, for every link of the hub (telemetry, commands).

Built on paho-mqtt itself rather than on aiomqtt: ingest acknowledges each message only once
its batch has committed (manual PUBACKs), for which aiomqtt has no public way, and takes every
message straight from paho's callback (aiomqtt's message iterator costs a task and an
``asyncio.wait`` per message, as much as validating it). paho speaks the protocol; this module
lends it the event loop (a reader and a writer on its socket, a timer for keepalives) and turns
its callbacks into awaitables. Only paho's public API is used; its major version is pinned.

Sessions are persistent (clean_session off, a stable client id), so the broker keeps a link's
subscriptions and holds its QoS 1 messages while it reconnects. :func:`reconnecting` wraps a
link in a loop with jittered backoff, reporting its state (:class:`MqttLink`) to /api/health.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import ssl
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from types import TracebackType
from typing import Any

import paho.mqtt.client as paho
from paho.mqtt.enums import CallbackAPIVersion, MQTTErrorCode, MQTTProtocolVersion
from paho.mqtt.reasoncodes import ReasonCode

from hub.core.backoff import Backoff
from hub.mqtt.target import BrokerTarget

log = logging.getLogger(__name__)

CONNECT_TIMEOUT_S = 10.0
REPLY_TIMEOUT_S = 10.0  # SUBACK, UNSUBACK, PUBACK
KEEPALIVE_S = 30
MISC_EVERY_S = 1.0  # paho's keepalive and timeout bookkeeping (loop_misc)


class BrokerDown(Exception):
    """The connection could not be made, was refused, or dropped; the text says why."""


@dataclass(frozen=True, slots=True)
class Delivery:
    """A message from the broker; ``mid`` and ``qos`` are what :meth:`BrokerSession.ack` takes."""

    topic: str
    payload: bytes
    mid: int
    qos: int
    retain: bool


OnMessage = Callable[[Delivery], None]


def _ignore(_delivery: Delivery) -> None:
    return None


class BrokerSession:
    """``async with BrokerSession(...) as session``: connected until the block ends or the
    broker goes away (:meth:`wait_closed` raises then, as does any call in flight).

    ``on_message`` is called on the event loop for every message, from the moment of the
    CONNACK (a persistent session's queued messages come before any subscribe returns). With
    ``manual_ack`` a QoS 1 message is acknowledged only by :meth:`ack`.
    """

    def __init__(
        self,
        target: BrokerTarget,
        client_id: str,
        on_message: OnMessage = _ignore,
        *,
        manual_ack: bool = False,
        clean_session: bool = False,
    ) -> None:
        self.target = target
        self.client_id = client_id
        self.on_message = on_message
        self.session_present = False  # the broker kept this client id's session
        self._paho = paho.Client(
            CallbackAPIVersion.VERSION2,
            client_id=client_id,
            clean_session=clean_session,
            protocol=MQTTProtocolVersion.MQTTv311,
            reconnect_on_failure=False,  # reconnecting is the caller's, with backoff
            manual_ack=manual_ack,
        )
        if target.username is not None:
            self._paho.username_pw_set(target.username, target.password)
        if target.tls:
            self._paho.tls_set_context(ssl.create_default_context())
        self._paho.max_inflight_messages_set(64)  # our publishes awaiting a PUBACK at once
        self._paho.on_connect = self._on_connect
        self._paho.on_disconnect = self._on_disconnect
        self._paho.on_message = self._on_message
        self._paho.on_subscribe = self._on_reply
        self._paho.on_unsubscribe = self._on_reply
        self._paho.on_publish = self._on_publish
        self._paho.on_socket_open = self._on_socket_open
        self._paho.on_socket_close = self._on_socket_close
        self._paho.on_socket_register_write = self._on_register_write
        self._paho.on_socket_unregister_write = self._on_unregister_write
        self._waiting: dict[int, asyncio.Future[None]] = {}  # mid → its SUBACK/UNSUBACK/PUBACK
        self._fd = -1
        self._misc: asyncio.Task[None] | None = None

    # --- lifetime ---------------------------------------------------------------------

    async def __aenter__(self) -> BrokerSession:
        self._loop = asyncio.get_running_loop()
        self._loop_thread = threading.get_ident()
        self._connack: asyncio.Future[bool] = self._loop.create_future()
        self._closed: asyncio.Future[None] = self._loop.create_future()
        target = self.target
        try:
            async with asyncio.timeout(CONNECT_TIMEOUT_S):
                # paho's connect opens the socket blocking: a thread, so the loop runs on.
                await self._loop.run_in_executor(
                    None, self._paho.connect, target.host, target.port, KEEPALIVE_S
                )
                self.session_present = await self._connack
        except (OSError, TimeoutError, ValueError) as exc:
            down = BrokerDown(f"cannot connect to {target.describe()}: {exc or 'timeout'}")
            self._hang_up(down)
            raise down from exc
        except BaseException as exc:
            self._hang_up(exc if isinstance(exc, BrokerDown) else BrokerDown("connect abandoned"))
            raise
        self._misc = self._loop.create_task(self._keep_alive(), name=f"mqtt-misc-{self.client_id}")
        return self

    async def __aexit__(
        self, _type: type[BaseException] | None, _exc: BaseException | None, _tb: TracebackType | None
    ) -> None:
        if not self._closed.done():
            self._paho.disconnect()
            with contextlib.suppress(BrokerDown, TimeoutError):
                async with asyncio.timeout(2.0):
                    await asyncio.shield(self._closed)
        self._hang_up(BrokerDown("disconnected"))

    async def wait_closed(self) -> None:
        """Wait until the connection drops; raises :class:`BrokerDown` with the reason."""
        await asyncio.shield(self._closed)
        raise BrokerDown("disconnected")

    @property
    def is_closed(self) -> bool:
        return self._closed.done()

    # --- requests ---------------------------------------------------------------------

    async def subscribe(self, filters: list[str], qos: int = 1) -> None:
        rc, mid = self._paho.subscribe([(f, qos) for f in filters])
        await self._reply(rc, mid, f"subscribe to {', '.join(filters)}")

    async def unsubscribe(self, filters: list[str]) -> None:
        rc, mid = self._paho.unsubscribe(filters)
        await self._reply(rc, mid, f"unsubscribe from {', '.join(filters)}")

    async def publish(
        self,
        topic: str,
        payload: bytes,
        *,
        qos: int = 1,
        retain: bool = False,
    ) -> None:
        """Publish; at QoS 1 return once the broker's PUBACK came."""
        info = self._paho.publish(topic, payload, qos=qos, retain=retain)
        if qos == 0:
            if info.rc != MQTTErrorCode.MQTT_ERR_SUCCESS:
                raise BrokerDown(f"publish to {topic}: {paho.error_string(info.rc)}")
            return
        await self._reply(info.rc, info.mid, f"publish to {topic}")

    def ack(self, mid: int, qos: int) -> None:
        """Acknowledge a message of this connection (``manual_ack``); a no-op once it dropped."""
        if not self._closed.done():
            self._paho.ack(mid, qos)

    async def _reply(self, rc: MQTTErrorCode, mid: int | None, what: str) -> None:
        if self._closed.done():
            raise BrokerDown(f"{what}: the connection is closed")
        if rc not in (MQTTErrorCode.MQTT_ERR_SUCCESS, MQTTErrorCode.MQTT_ERR_QUEUE_SIZE) or mid is None:
            raise BrokerDown(f"{what}: {paho.error_string(rc)}")
        waiting = self._waiting[mid] = self._loop.create_future()
        try:
            async with asyncio.timeout(REPLY_TIMEOUT_S):
                await waiting
        except TimeoutError:
            raise BrokerDown(f"{what}: no answer within {REPLY_TIMEOUT_S:g} s") from None
        finally:
            self._waiting.pop(mid, None)

    # --- paho's callbacks (on the loop, except socket opening during connect) ----------

    def _on_connect(
        self, _client: paho.Client, _userdata: Any, flags: paho.ConnectFlags, code: ReasonCode, _p: Any
    ) -> None:
        if self._connack.done():
            return
        if code.is_failure:
            self._connack.set_exception(
                BrokerDown(f"{self.target.describe()} refused the connection: {code}")
            )
        else:
            self._connack.set_result(flags.session_present)

    def _on_disconnect(
        self, _client: paho.Client, _userdata: Any, _flags: paho.DisconnectFlags, code: ReasonCode, _p: Any
    ) -> None:
        self._teardown(BrokerDown(f"{self.target.describe()} closed the connection ({code})"))

    def _on_message(self, _client: paho.Client, _userdata: Any, message: paho.MQTTMessage) -> None:
        self.on_message(
            Delivery(message.topic, bytes(message.payload), message.mid, message.qos, message.retain)
        )

    def _on_reply(
        self, _client: paho.Client, _userdata: Any, mid: int, codes: list[ReasonCode], _p: Any
    ) -> None:
        waiting = self._waiting.get(mid)
        if waiting is None or waiting.done():
            return
        refused = [code for code in codes if code.is_failure]
        if refused:
            waiting.set_exception(BrokerDown(f"the broker refused: {refused[0]}"))
        else:
            waiting.set_result(None)

    def _on_publish(self, _client: paho.Client, _userdata: Any, mid: int, code: ReasonCode, _p: Any) -> None:
        waiting = self._waiting.get(mid)
        if waiting is not None and not waiting.done():
            waiting.set_result(None)

    def _on_socket_open(self, client: paho.Client, _userdata: Any, sock: Any) -> None:
        fd = sock.fileno()
        self._fd = fd
        self._on_loop(self._loop.add_reader, fd, self._readable)

    def _on_socket_close(self, _client: paho.Client, _userdata: Any, sock: Any) -> None:
        fd, self._fd = self._fd, -1
        if fd >= 0:
            self._on_loop(self._loop.remove_reader, fd)
            self._on_loop(self._loop.remove_writer, fd)

    def _on_register_write(self, _client: paho.Client, _userdata: Any, sock: Any) -> None:
        self._on_loop(self._loop.add_writer, sock.fileno(), self._writable)

    def _on_unregister_write(self, _client: paho.Client, _userdata: Any, sock: Any) -> None:
        self._on_loop(self._loop.remove_writer, sock.fileno())

    def _on_loop(self, call: Callable[..., object], *args: Any) -> None:
        if threading.get_ident() == self._loop_thread:
            call(*args)
        else:  # paho's connect, in its thread
            self._loop.call_soon_threadsafe(call, *args)

    def _readable(self) -> None:
        try:
            while True:
                if self._paho.loop_read() != MQTTErrorCode.MQTT_ERR_SUCCESS:
                    break
                sock = self._paho.socket()
                # A TLS socket may hold decoded bytes the selector does not see.
                if not (isinstance(sock, ssl.SSLSocket) and sock.pending() > 0):
                    break
        except Exception as exc:  # a broken pipe, a handler's bug: the connection is done for
            log.exception("MQTT connection %s failed while reading", self.client_id)
            self._teardown(BrokerDown(f"reading from {self.target.describe()} failed: {exc!r}"))

    def _writable(self) -> None:
        try:
            self._paho.loop_write()
        except Exception as exc:
            self._teardown(BrokerDown(f"writing to {self.target.describe()} failed: {exc!r}"))

    async def _keep_alive(self) -> None:
        while not self._closed.done():
            await asyncio.sleep(MISC_EVERY_S)
            if self._paho.loop_misc() == MQTTErrorCode.MQTT_ERR_NO_CONN:
                self._teardown(BrokerDown(f"{self.target.describe()}: connection lost"))

    def _teardown(self, reason: BaseException) -> None:
        """The connection is over: stop watching its socket, fail what waits on it."""
        if self._fd >= 0:
            fd, self._fd = self._fd, -1
            self._loop.remove_reader(fd)
            self._loop.remove_writer(fd)
        if not self._closed.done():
            self._closed.set_exception(reason)
            self._closed.exception()  # retrieved: nobody need await it
        if not self._connack.done():
            self._connack.set_exception(reason)
            self._connack.exception()
        for waiting in self._waiting.values():
            if not waiting.done():
                waiting.set_exception(BrokerDown(str(reason)))
        if self._misc is not None and self._misc is not asyncio.current_task():
            self._misc.cancel()

    def _hang_up(self, reason: BaseException) -> None:
        """Our side gives up (a timeout, the block left): close the socket paho may still hold."""
        self._teardown(reason)
        if self._paho.socket() is not None:
            with contextlib.suppress(Exception):
                self._paho.disconnect()  # closes the socket once DISCONNECT is written, or at once


@dataclass
class MqttLink:
    """A link's state for /api/health."""

    target: str
    connected: bool = False
    last_error: str | None = None
    since: datetime | None = None
    reconnects: int = 0


async def reconnecting(
    link: MqttLink, run_once: Callable[[], Awaitable[None]], now: Callable[[], datetime], name: str
) -> None:
    """Run ``run_once`` (one connection's life, ending in :class:`BrokerDown`) again and again,
    with jittered backoff between attempts, until cancelled. ``run_once`` sets
    ``link.connected`` once it is up; a connection that was up starts the backoff afresh."""
    backoff = Backoff()
    while True:
        try:
            await run_once()
            reason = "the session ended"
        except BrokerDown as exc:
            reason = str(exc)
        if link.connected:
            backoff.reset()
        link.connected, link.last_error, link.since = False, reason, now()
        link.reconnects += 1
        delay = backoff.next_delay()
        log.warning("%s: broker %s unreachable (%s); retrying in %.1f s", name, link.target, reason, delay)
        await asyncio.sleep(delay)
