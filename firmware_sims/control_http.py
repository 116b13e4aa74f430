"""A tiny JSON-over-HTTP control surface for a running community (stdlib asyncio only).

Routes (all JSON):
    GET  /health
    GET  /clock                          {"now", "mode", "speed"}
    POST /clock/advance                  {"seconds": 60}        stepped clocks only
    POST /weather                        {"cloud_cover": 0.7}   the whole community
    GET  /homes                          every home with its devices
    GET  /homes/{id}                     one home: devices, conditions, physical state
    POST /homes/{id}/conditions          {"cloud_cover": 0.9 | null, "load_spike_w": 3000,
                                          "load_spike_s": 600, "pv_limit_w": 2000 | null}
    GET  /devices/{serial}               one device and its state
    POST /devices/{serial}/offline       {"seconds": 30 | null}   refuse connections
    POST /devices/{serial}/online
    POST /devices/{serial}/fault         {"fault": "sentinels", "enabled": true}
    POST /devices/{serial}/scale_factor  {"model": 103, "name": "W_SF", "value": -1}
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from typing import TYPE_CHECKING, Any

from firmware_sims.control_api import ControlApi, HttpError

if TYPE_CHECKING:
    from firmware_sims.running import RunningCommunity

_MAX_BODY = 64 * 1024
_REASONS = {
    200: "OK",
    400: "Bad Request",
    404: "Not Found",
    405: "Method Not Allowed",
    409: "Conflict",
    500: "Internal Server Error",
}


async def _read_request(reader: asyncio.StreamReader) -> tuple[str, str, dict[str, Any]]:
    request_line = (await reader.readline()).decode("latin-1").strip()
    try:
        method, path, _version = request_line.split(" ", 2)
    except ValueError:
        raise HttpError(400, f"bad request line {request_line!r}") from None
    length = 0
    while (line := (await reader.readline()).decode("latin-1").strip()) != "":
        name, _, value = line.partition(":")
        if name.strip().lower() == "content-length":
            length = int(value.strip() or 0)
    if length > _MAX_BODY:
        raise HttpError(400, "body too large")
    raw = await reader.readexactly(length) if length else b""
    try:
        body = json.loads(raw) if raw.strip() else {}
    except json.JSONDecodeError as exc:
        raise HttpError(400, f"body is not JSON: {exc}") from None
    if not isinstance(body, dict):
        raise HttpError(400, "body must be a JSON object")
    return method.upper(), path, body


async def _respond(writer: asyncio.StreamWriter, status: int, payload: Any) -> None:
    data = json.dumps(payload).encode()
    head = (
        f"HTTP/1.1 {status} {_REASONS.get(status, 'Error')}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(data)}\r\nConnection: close\r\n\r\n"
    )
    writer.write(head.encode() + data)
    with suppress(ConnectionError):
        await writer.drain()


@asynccontextmanager
async def serve_control(community: RunningCommunity, host: str, port: int) -> AsyncIterator[int]:
    """Serve the control API; yields the bound port (``port=0`` picks a free one)."""
    api = ControlApi(community)

    async def on_client(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            method, path, body = await _read_request(reader)
            await _respond(writer, 200, await api.handle(method, path, body))
        except HttpError as exc:
            await _respond(writer, exc.status, {"error": str(exc)})
        except (asyncio.IncompleteReadError, ConnectionError, ValueError) as exc:
            await _respond(writer, 400, {"error": str(exc)})
        except Exception as exc:  # a bug must not kill the control surface
            await _respond(writer, 500, {"error": f"{type(exc).__name__}: {exc}"})
        finally:
            writer.close()
            with suppress(ConnectionError):
                await writer.wait_closed()

    server = await asyncio.start_server(on_client, host, port)
    try:
        yield int(server.sockets[0].getsockname()[1])
    finally:
        server.close()
        await server.wait_closed()
