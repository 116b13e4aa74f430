"""A TCP forwarder that a test can cut and restore, to simulate a network outage."""

from __future__ import annotations

import asyncio
import contextlib
import random
import socket
from pathlib import Path


class TcpProxy:
    def __init__(self, listen_port: int, target_host: str, target_port: int) -> None:
        self.listen_port = listen_port
        self.target = (target_host, target_port)
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()
        self._tasks: set[asyncio.Task[None]] = set()

    async def start(self) -> None:
        self._server = await asyncio.start_server(
            self._accept, "127.0.0.1", self.listen_port, reuse_address=True
        )

    async def stop(self) -> None:
        """Refuse new connections and drop the open ones, as a dead link would."""
        server, self._server = self._server, None
        if server is not None:
            server.close()
        # Abort before wait_closed: it waits for open connections on newer Pythons.
        for writer in list(self._writers):
            writer.transport.abort()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if server is not None:
            await server.wait_closed()
        # A connection accepted just before the close reaches _accept only now: abort it too,
        # or its socket outlives the test.
        await asyncio.sleep(0.05)
        for writer in list(self._writers):
            writer.transport.abort()

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._writers.add(writer)  # at once, so that a stop() while we connect upstream aborts it
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.target)
        except OSError:
            self._writers.discard(writer)
            writer.transport.abort()
            return
        if self._server is None:  # stopped meanwhile: nothing may be left open
            writer.transport.abort()
            up_writer.transport.abort()
            return
        self._writers.add(up_writer)
        for source, sink in ((reader, up_writer), (up_reader, writer)):
            task = asyncio.create_task(self._pipe(source, sink))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _pipe(self, source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
        try:
            while data := await source.read(65536):
                sink.write(data)
                await sink.drain()
        except (OSError, asyncio.IncompleteReadError):
            pass
        finally:
            self._writers.discard(sink)
            with contextlib.suppress(OSError, RuntimeError):
                sink.transport.abort()


def port_outside_ephemeral_range() -> int:
    """A free port for a listener that will be stopped and restarted.

    While nothing listens on a port from the ephemeral range, a client retrying to connect to
    it can be given that very port as its source and connect to itself (TCP simultaneous open);
    the restarted listener then finds the port in use. Ports below the range avoid that.
    """
    low, _ = (int(part) for part in Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split())
    for _ in range(200):
        port = random.randrange(max(1024, low - 12000), low)
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port below the ephemeral range")
