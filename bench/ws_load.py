"""A cheap, honest websocket load generator for the /ws fan-out benchmark.

Thousands of clients live in one process, each an ``asyncio.Protocol``: it performs the real
HTTP upgrade handshake (and checks the server's ``Sec-WebSocket-Accept``), then parses every
frame the server sends. A reading's delay is its receive time minus the ``"ts"`` the publisher
put in it; the timestamp is cut out of the frame without a full ``json.loads`` (the first
reading of every client is cross-checked against ``json.loads``). Clients answer pings and
closes as RFC 6455 requires, so a server sees well-behaved peers.

While measuring, the clients poll their sockets every millisecond instead of sleeping in
``epoll_wait``: the server and the clients share the machine, and on loopback a send() to a
socket whose reader sleeps also pays for waking that reader's CPU. Measured on a 2-core VM at
5,000 clients, that was about a quarter of the hub's cost per client (publish → last send,
median of 10 updates: ~180 ms with sleeping clients, ~135 ms with polling ones); remote
browsers cost a server no such wake-ups. Polling adds at most a millisecond to each measured
delay, never takes one away, and costs a few per cent of a core.

Why not a websocket library: with ``websockets`` each event costs a task wake-up, a queue and
a JSON parse per client, and at 5,000 clients the load generator took the CPU the server under
test needed. Against the bare broadcast server at 5,000 clients (before polling) these clients
used 10 µs of CPU per event, ``websockets`` clients 46 µs and aiohttp's (not a dependency)
16 µs; and one process of them did as well as two on a two-core machine.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import multiprocessing as mp
import os
import queue
import resource
import statistics
import time
from array import array
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from datetime import datetime
from multiprocessing.queues import Queue
from multiprocessing.synchronize import Event as MpEvent
from typing import Any, cast
from urllib.parse import urlsplit

ACCEPT_GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"  # RFC 6455 §1.3
HELLO = b'{"type":"hello"'
READING = b'{"type":"reading"'
TEXT, BINARY, CONTINUATION, CLOSE, PING, PONG = 0x1, 0x2, 0x0, 0x8, 0x9, 0xA
CONNECTING_AT_ONCE = 250  # handshakes in flight per process: the server's accept backlog is finite
POLL_EVERY_S = 0.001  # see the module's docstring


class LoadError(RuntimeError):
    pass


@dataclass
class Tally:
    """What one process's clients saw; sent back to the coordinator when they stop."""

    clients: int
    expected_each: int  # readings every client should get: one per update
    delays: array[float] = field(default_factory=lambda: array("d"))  # seconds, one per reading
    connected: int = 0  # clients that completed the handshake and got the server's hello
    complete: int = 0  # clients that have received all their expected readings
    short: int = 0  # clients that missed some (counted when the run stops)
    extra: int = 0  # clients that got more readings than updates were sent: duplicates
    closed_early: int = 0  # connections lost before the run ended
    problems: list[str] = field(default_factory=list)
    cpu_s: float = 0.0  # CPU this process used between "all connected" and "stop"
    wall_s: float = 0.0  # … and how long that was

    def problem(self, text: str) -> None:
        if len(self.problems) < 20:  # enough to diagnose, never unbounded
            self.problems.append(text)


def handshake_request(url: str, key: str, cookie: str = "") -> bytes:
    """The upgrade request; ``cookie`` signs in as a browser does (the hub takes no token in URLs)."""
    parts = urlsplit(url)
    target = parts.path or "/"
    if parts.query:
        target += f"?{parts.query}"
    extra = f"Cookie: {cookie}\r\n" if cookie else ""
    return (
        f"GET {target} HTTP/1.1\r\nHost: {parts.netloc}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n{extra}\r\n"
    ).encode()


def expected_accept(key: str) -> bytes:
    return base64.b64encode(hashlib.sha1(key.encode() + ACCEPT_GUID).digest())


def handshake_problem(head: bytes, key: str) -> str | None:
    """Why the server's upgrade response is not a valid 101 for our key, or None."""
    status, *lines = head.split(b"\r\n")
    if not status.startswith(b"HTTP/1.1 101"):
        return f"handshake refused: {status.decode(errors='replace')}"
    headers = {name.strip().lower(): value.strip() for name, _, value in (ln.partition(b":") for ln in lines)}
    if headers.get(b"sec-websocket-accept") != expected_accept(key):
        return "handshake: wrong Sec-WebSocket-Accept"
    return None


def frame_bounds(buffer: bytearray, at: int) -> tuple[int, int, int] | None:
    """(first byte, payload start, payload end) of the frame starting at ``at``; None if incomplete.

    Server frames are never masked (RFC 6455 §5.1), so the payload is used as it is.
    """
    available = len(buffer) - at
    if available < 2:
        return None
    first, second = buffer[at], buffer[at + 1]
    if second & 0x80:
        raise LoadError("the server masked a frame")
    length, start = second & 0x7F, at + 2
    if length == 126:
        if available < 4:
            return None
        length, start = int.from_bytes(buffer[at + 2 : at + 4], "big"), at + 4
    elif length == 127:
        if available < 10:
            return None
        length, start = int.from_bytes(buffer[at + 2 : at + 10], "big"), at + 10
    end = start + length
    return (first, start, end) if end <= len(buffer) else None


def client_frame(opcode: int, payload: bytes) -> bytes:
    """A final, masked frame as clients must send; only for small control frames (≤ 125 bytes)."""
    mask = os.urandom(4)
    masked = bytes(byte ^ mask[n % 4] for n, byte in enumerate(payload))
    return bytes((0x80 | opcode, 0x80 | len(payload))) + mask + masked


def reading_ts(message: bytes) -> float:
    """The ``reading.ts`` of a reading event, found by position rather than by parsing it all."""
    start = message.index(b'"ts":"', message.index(b'"reading":{')) + 6
    return datetime.fromisoformat(message[start : message.index(b'"', start)].decode()).timestamp()


def cross_check(message: bytes, ts: float) -> str | None:
    event = json.loads(message)
    if datetime.fromisoformat(event["reading"]["ts"]).timestamp() != ts:
        return "the fast ts extraction disagrees with json.loads"
    return None


class FanOutClient(asyncio.Protocol):
    """One websocket client: handshake, then every frame parsed and every reading timed."""

    def __init__(self, url: str, tally: Tally, greeted: asyncio.Future[None], cookie: str = "") -> None:
        self.url = url
        self.cookie = cookie
        self.tally = tally
        self.greeted = greeted  # resolved by the server's hello: it has subscribed us
        self.key = base64.b64encode(os.urandom(16)).decode()
        self.transport: asyncio.Transport | None = None
        self.buffer = bytearray()
        self.upgraded = False
        self.fragments: list[bytes] = []  # a message the server split into several frames
        self.readings = 0
        self.stopping = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)  # uvloop's is not a subclass
        self.transport.write(handshake_request(self.url, self.key, self.cookie))

    def data_received(self, data: bytes) -> None:
        received = time.time()  # one clock read for all frames of this chunk: they arrived together
        self.buffer += data
        try:
            if not self.upgraded and not self.read_handshake():
                return
            self.read_frames(received)
        except (LoadError, ValueError) as exc:
            self.fail(str(exc))

    def read_handshake(self) -> bool:
        end = self.buffer.find(b"\r\n\r\n")
        if end < 0:
            return False
        problem = handshake_problem(bytes(self.buffer[:end]), self.key)
        if problem:
            raise LoadError(problem)
        del self.buffer[: end + 4]
        self.upgraded = True
        return True

    def read_frames(self, received: float) -> None:
        at = 0
        while (bounds := frame_bounds(self.buffer, at)) is not None:
            first, start, end = bounds
            self.on_frame(first & 0x0F, bool(first & 0x80), bytes(self.buffer[start:end]), received)
            at = end
        del self.buffer[:at]

    def on_frame(self, opcode: int, final: bool, payload: bytes, received: float) -> None:
        if opcode in (TEXT, BINARY, CONTINUATION):
            self.fragments.append(payload)
            if final:
                message = self.fragments[0] if len(self.fragments) == 1 else b"".join(self.fragments)
                self.fragments.clear()
                self.on_message(message, received)
        elif opcode == PING:
            self.send(client_frame(PONG, payload))
        elif opcode == CLOSE:
            if not self.stopping:
                code = int.from_bytes(payload[:2], "big") if payload else None
                self.tally.problem(f"the server closed the socket: {code} {payload[2:]!r}")
            self.send(client_frame(CLOSE, payload[:2]))
            self.close()

    def on_message(self, message: bytes, received: float) -> None:
        if message.startswith(READING):
            ts = reading_ts(message)
            self.tally.delays.append(received - ts)
            self.readings += 1
            if self.readings == 1:  # once per client: is the cheap extraction right?
                problem = cross_check(message, ts)
                if problem:
                    self.tally.problem(problem)
            if self.readings == self.tally.expected_each:
                self.tally.complete += 1
        elif message.startswith(HELLO) and not self.greeted.done():
            self.tally.connected += 1
            self.greeted.set_result(None)

    def send(self, frame: bytes) -> None:
        if self.transport is not None and not self.transport.is_closing():
            self.transport.write(frame)

    def close(self) -> None:
        if self.transport is not None:
            self.transport.close()

    def stop(self) -> None:
        """End the run politely: a close frame (1000, normal closure), then the TCP connection."""
        self.stopping = True
        self.send(client_frame(CLOSE, (1000).to_bytes(2, "big")))
        self.close()

    def fail(self, problem: str) -> None:
        self.tally.problem(problem)
        if not self.greeted.done():
            self.greeted.set_exception(LoadError(problem))
        self.close()

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.stopping:
            self.tally.closed_early += 1
            if not self.greeted.done():
                self.greeted.set_exception(LoadError(f"connection lost before hello: {exc!r}"))


async def open_clients(url: str, count: int, tally: Tally, cookie: str = "") -> list[FanOutClient]:
    """Connect ``count`` clients, a bounded number at a time; returns once all were greeted."""
    loop = asyncio.get_running_loop()
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    gate = asyncio.Semaphore(CONNECTING_AT_ONCE)
    clients: list[FanOutClient] = []

    async def open_one() -> None:
        async with gate:
            greeted: asyncio.Future[None] = loop.create_future()
            client = FanOutClient(url, tally, greeted, cookie)
            clients.append(client)
            await loop.create_connection(lambda: client, host, port)
            await asyncio.wait_for(greeted, 60)

    await asyncio.gather(*(open_one() for _ in range(count)))
    return clients


def client_process(url: str, count: int, expected_each: int, link: ProcessLink, cookie: str = "") -> None:
    """Run ``count`` clients until told to stop; report a Tally (a process target)."""

    async def run() -> Tally:
        tally = Tally(count, expected_each)
        clients = await open_clients(url, count, tally, cookie)
        link.ready.put(count)
        cpu, wall = time.process_time(), time.monotonic()
        poll_without_sleeping_in_epoll(asyncio.get_running_loop(), POLL_EVERY_S)
        while not link.stop.is_set():  # a multiprocessing event: poll it
            if tally.complete == count:
                link.complete.set()
            await asyncio.sleep(0.05)
        tally.cpu_s, tally.wall_s = time.process_time() - cpu, time.monotonic() - wall
        tally.short = sum(client.readings < expected_each for client in clients)
        tally.extra = sum(client.readings > expected_each for client in clients)
        for client in clients:
            client.stop()
        await asyncio.sleep(0.1)  # let the close frames go out
        return tally

    try:
        link.result.put(fast_loop_run(run()))
    except Exception as exc:  # report, so that the coordinator never waits in vain
        link.result.put(Tally(count, expected_each, problems=[f"client process failed: {exc!r}"]))


def poll_without_sleeping_in_epoll(loop: asyncio.AbstractEventLoop, interval_s: float) -> None:
    """Make the loop wait in ``time.sleep`` and look at its sockets without blocking, forever.

    A callback that is always ready keeps the loop's ``epoll_wait`` timeout at zero; sleeping
    inside it means a server's send() finds nobody waiting on the socket to wake up.
    """

    def pause() -> None:
        time.sleep(interval_s)
        loop.call_soon(pause)

    loop.call_soon(pause)


def fast_loop_run(coroutine: Coroutine[Any, Any, Tally]) -> Tally:
    """Run on uvloop when it is installed (it comes with uvicorn[standard]): cheaper I/O callbacks."""
    try:
        import uvloop
    except ImportError:
        return asyncio.run(coroutine)
    return uvloop.run(coroutine)


@dataclass
class ProcessLink:
    """How the coordinator and one client process talk."""

    ready: Queue[int]
    stop: MpEvent
    complete: MpEvent  # every client of the process has received every expected event
    result: Queue[Tally]

    @classmethod
    def create(cls) -> ProcessLink:
        return cls(mp.Queue(), mp.Event(), mp.Event(), mp.Queue())


@dataclass
class LoadResult:
    clients: int
    expected: int  # events that should have been delivered: clients × updates
    delays: list[float]
    connected: int
    short: int
    extra: int
    closed_early: int
    problems: list[str]
    cpu_s: float
    wall_s: float

    @property
    def delivered(self) -> int:
        return len(self.delays)

    def percentile(self, p: int) -> float:
        """The ``p``-th percentile of the delays, in seconds (NaN without two of them)."""
        return statistics.quantiles(self.delays, n=100)[p - 1] if len(self.delays) > 1 else float("nan")

    @property
    def p99(self) -> float:
        return self.percentile(99)

    def summary(self) -> str:
        per_event = self.cpu_s / self.delivered * 1e6 if self.delivered else float("nan")
        share = self.cpu_s / self.wall_s if self.wall_s else float("nan")
        text = (
            f"    {self.delivered:,} of {self.expected:,} events to {self.connected:,} clients; load generator: "
            f"{self.cpu_s:.2f} s CPU in {self.wall_s:.1f} s ({share:.0%} of a core, {per_event:.1f} µs/event)"
        )
        for count, what in (
            (self.short, "clients missed events"),
            (self.extra, "clients got duplicates"),
            (self.closed_early, "connections lost"),
        ):
            if count:
                text += f"; {count} {what}"
        return "\n".join([text, *(f"    problem: {p}" for p in self.problems)])


def run_load(
    url: str,
    clients: int,
    updates: int,
    send: Callable[[int], None],
    processes: int = 1,
    grace_s: float = 10.0,
    cookie: str = "",
) -> LoadResult:
    """Connect ``clients`` to ``url``, call ``send(n)`` once a second ``updates`` times, collect delays.

    The run ends as soon as every client has every update, or ``grace_s`` after the last one.
    """
    raise_open_files_limit(clients // processes + 1 + 100)
    shares = [clients // processes + (1 if n < clients % processes else 0) for n in range(processes)]
    links = [ProcessLink.create() for _ in shares]
    workers = [
        mp.Process(target=client_process, args=(url, share, updates, link, cookie))
        for share, link in zip(shares, links, strict=True)
    ]
    for worker in workers:
        worker.start()
    try:
        if all(wait_ready(link, worker) for link, worker in zip(links, workers, strict=True)):
            time.sleep(0.5)
            for n in range(updates):
                started = time.monotonic()
                send(n)
                time.sleep(max(0.0, 1.0 - (time.monotonic() - started)))
            for link in links:
                link.complete.wait(grace_s)
    finally:
        for link in links:
            link.stop.set()
        result = merged([link.result.get(timeout=60) for link in links], updates)
        for worker in workers:
            worker.join(20)
    if result.connected < clients:
        raise LoadError(f"only {result.connected} of {clients} clients connected: {result.problems}")
    return result


def raise_open_files_limit(needed: int) -> None:
    """Let this process (and the processes it starts after) hold ``needed`` sockets: the soft
    limit is often 1,024, the hard limit much more; beyond the hard limit only root helps."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and soft < needed:
        wanted = needed if hard == resource.RLIM_INFINITY else min(needed, hard)
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
        if wanted < needed:
            raise LoadError(f"{needed} sockets need an open-files limit above the hard limit {hard}")


def wait_ready(link: ProcessLink, worker: mp.Process, within_s: float = 180.0) -> bool:
    """Wait for a client process's "all connected"; False if it gave up or died first."""
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        try:
            link.ready.get(timeout=0.5)
            return True
        except queue.Empty:
            if not worker.is_alive() or not link.result.empty():
                return False
    return False


def merged(tallies: list[Tally], updates: int) -> LoadResult:
    clients = sum(t.clients for t in tallies)
    return LoadResult(
        clients=clients,
        expected=clients * updates,
        delays=[d for t in tallies for d in t.delays],
        connected=sum(t.connected for t in tallies),
        short=sum(t.short for t in tallies),
        extra=sum(t.extra for t in tallies),
        closed_early=sum(t.closed_early for t in tallies),
        problems=[p for t in tallies for p in t.problems],
        cpu_s=sum(t.cpu_s for t in tallies),
        wall_s=max((t.wall_s for t in tallies), default=0.0),
    )
