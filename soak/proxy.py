"""A TCP proxy between the agents and the broker, which the soak can partition and heal.

A partition is silence, not a refusal: the proxy keeps accepting connections, but while it is
partitioned nothing crosses it in either direction, as when a link fails somewhere between
the home and the broker. Each side finds out only through its own timeouts (the agent's
publish and keepalive timeouts, the broker's keepalive), exactly as in the field. Bytes that
were swallowed leave a connection's stream broken, so at :meth:`PartitionProxy.heal` every
connection that saw the partition is reset (after a long partition both ends would have given
up on it anyway) and new connections pass again.
"""

from __future__ import annotations

import asyncio
import contextlib


class _Link:
    """One client connection and its upstream connection."""

    def __init__(self) -> None:
        self.writers: list[asyncio.StreamWriter] = []
        self.tasks: list[asyncio.Task[None]] = []
        self.saw_partition = False

    def abort(self) -> None:
        for writer in self.writers:
            writer.transport.abort()
        for task in self.tasks:
            task.cancel()


class PartitionProxy:
    def __init__(self, listen_port: int, target_port: int, host: str = "127.0.0.1") -> None:
        self.listen_port = listen_port
        self.target = (host, target_port)
        self.host = host
        self.partitioned = False
        self._healed = asyncio.Event()
        self._healed.set()
        self._server: asyncio.Server | None = None
        self._links: set[_Link] = set()

    async def start(self) -> None:
        self._server = await asyncio.start_server(
            self._accept, self.host, self.listen_port, reuse_address=True
        )

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
        for link in list(self._links):
            link.abort()
        if self._server is not None:
            await self._server.wait_closed()
            self._server = None

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

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        link = _Link()
        link.writers.append(writer)
        link.saw_partition = self.partitioned
        self._links.add(link)
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
