"""A TCP proxy standing for the network between clients and a broker, to fail it two ways.

- A partition (:meth:`TcpProxy.partition`, :meth:`TcpProxy.heal`) is silence, not a refusal:
  the proxy keeps accepting connections, but nothing crosses it in either direction, as when a
  link fails somewhere between the home and the broker. Each side finds out only through its
  own timeouts (the agent's publish and keepalive timeouts, the broker's keepalive), exactly as
  in the field. Bytes that were swallowed leave a connection's stream broken, so at ``heal``
  every connection that saw the partition is reset (after a long partition both ends would
  have given up on it anyway) and new connections pass again.
- A dead link (:meth:`TcpProxy.stop`, then :meth:`TcpProxy.start` on the same port): open
  connections are reset at once and new ones refused until the proxy listens again.

The soak partitions its agents from the broker; tests cut a link with ``stop``.
"""

from __future__ import annotations

import asyncio
import contextlib

LISTEN_HOST = "127.0.0.1"
LATE_ACCEPT_S = 0.05  # how long a connection accepted just before a stop takes to reach _accept


class _Link:
    """One client connection and its upstream connection."""

    def __init__(self, client: asyncio.StreamWriter, saw_partition: bool) -> None:
        self.writers = [client]
        self.tasks: list[asyncio.Task[None]] = []
        self.saw_partition = saw_partition

    def abort(self) -> None:
        for writer in self.writers:
            writer.transport.abort()
        for task in self.tasks:
            task.cancel()


class TcpProxy:
    def __init__(self, listen_port: int, target_host: str, target_port: int) -> None:
        self.listen_port = listen_port
        self.target = (target_host, target_port)
        self.partitioned = False
        self._healed = asyncio.Event()
        self._healed.set()
        self._server: asyncio.Server | None = None
        self._links: set[_Link] = set()

    async def start(self) -> None:
        self._server = await asyncio.start_server(
            self._accept, LISTEN_HOST, self.listen_port, reuse_address=True
        )

    async def stop(self) -> None:
        """Refuse new connections and drop the open ones, as a dead link would."""
        server, self._server = self._server, None
        if server is not None:
            server.close()
        await self._drop_all()  # before wait_closed: it waits for open connections on newer Pythons
        if server is not None:
            await server.wait_closed()
        # A connection accepted just before the close reaches _accept only now: drop it too, or
        # its socket outlives the stop.
        await asyncio.sleep(LATE_ACCEPT_S)
        await self._drop_all()

    def partition(self) -> None:
        self.partitioned = True
        self._healed.clear()
        for link in self._links:
            link.saw_partition = True

    def heal(self) -> None:
        self.partitioned = False
        self._healed.set()
        for link in [link for link in self._links if link.saw_partition]:
            link.abort()
            self._links.discard(link)

    async def _drop_all(self) -> None:
        links, self._links = self._links, set()
        for link in links:
            link.abort()
        await asyncio.gather(*(task for link in links for task in link.tasks), return_exceptions=True)

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        link = _Link(writer, saw_partition=self.partitioned)
        self._links.add(link)  # at once, so that a stop() while we connect upstream drops it
        await self._healed.wait()  # a connection attempt into the void: no answer meanwhile
        if link not in self._links or writer.is_closing():
            writer.transport.abort()
            return
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.target)
        except OSError:
            writer.transport.abort()  # the broker is down: refused, as a direct connection would be
            self._links.discard(link)
            return
        link.writers.append(up_writer)
        if link not in self._links:  # stopped or reset meanwhile: nothing may be left open
            link.abort()
            return
        for source, sink in ((reader, up_writer), (up_reader, writer)):
            link.tasks.append(asyncio.create_task(self._pipe(link, source, sink)))

    async def _pipe(self, link: _Link, source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
        try:
            while data := await source.read(65536):
                if self.partitioned or link.saw_partition:
                    continue  # swallowed on the way
                sink.write(data)
                await sink.drain()
        except (OSError, asyncio.IncompleteReadError):
            pass
        finally:
            self._links.discard(link)
            with contextlib.suppress(OSError, RuntimeError):
                for writer in link.writers:
                    writer.transport.abort()
