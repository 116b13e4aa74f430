"""A null-modem cable in software: two pseudo-terminals whose traffic is relayed both ways.

Needs nothing beyond the standard library (no socat): each side opens a /dev/pts path.
"""

from __future__ import annotations

import asyncio
import os
import termios
import tty
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager


def _raw_pty() -> tuple[int, int, str]:
    """(master fd, slave fd, slave path). The slave fd stays open so the pty does not hang up
    between the opens of the two parties."""
    master, slave = os.openpty()
    tty.setraw(slave)
    attrs = termios.tcgetattr(slave)
    attrs[3] &= ~termios.ECHO
    termios.tcsetattr(slave, termios.TCSANOW, attrs)
    os.set_blocking(master, False)
    return master, slave, os.ttyname(slave)


@asynccontextmanager
async def null_modem() -> AsyncIterator[tuple[str, str]]:
    """Yield two device paths; bytes written to one can be read from the other."""
    loop = asyncio.get_running_loop()
    (master_a, slave_a, path_a), (master_b, slave_b, path_b) = _raw_pty(), _raw_pty()

    def relay(source: int, sink: int) -> None:
        try:
            data = os.read(source, 4096)
        except (BlockingIOError, OSError):
            return
        if data:
            os.write(sink, data)

    loop.add_reader(master_a, relay, master_a, master_b)
    loop.add_reader(master_b, relay, master_b, master_a)
    try:
        yield path_a, path_b
    finally:
        loop.remove_reader(master_a)
        loop.remove_reader(master_b)
        for fd in (master_a, master_b, slave_a, slave_b):
            os.close(fd)
