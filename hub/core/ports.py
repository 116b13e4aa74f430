"""Check that the ports we are about to listen on are free, with a message that says what to do."""

from __future__ import annotations

import errno
import socket


class PortTakenError(Exception):
    pass


def ensure_free(host: str, port: int, what: str, env: str, flag: str, hint: str = "") -> None:
    """Raise PortTakenError naming the port and how to choose another one."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError as exc:
            if exc.errno != errno.EADDRINUSE:
                raise
            other = port + 1
            raise PortTakenError(
                f"{what} port {port} on {host} is already in use{hint}.\n"
                f"Choose another one: {env}={other} make demo   (or {flag} {other})"
            ) from None
