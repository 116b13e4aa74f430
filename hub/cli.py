"""``powershare-hub``: run the hub (API, /ws, ingest) or migrate its database."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys

from hub.core.config import ConfigError, Settings, load_settings
from hub.core.ports import PortTakenError, ensure_free
from hub.db.engine import create_engine, migrate
from hub.server import uvicorn_server

MOSQUITTO_HINT = " (an MQTT broker such as Mosquitto may already run on this machine)"


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="powershare-hub", description=__doc__)
    p.add_argument("command", nargs="?", default="serve", choices=["serve", "migrate"])
    p.add_argument("--database-url", help="env POWERSHARE_DATABASE_URL")
    p.add_argument("--mqtt-url", help="external broker, env POWERSHARE_MQTT_URL; unset = embedded broker")
    p.add_argument("--mqtt-port", type=int, help="embedded broker port, env POWERSHARE_MQTT_PORT (1883)")
    p.add_argument("--http-host", help="env POWERSHARE_HTTP_HOST (127.0.0.1)")
    p.add_argument("--http-port", type=int, help="env POWERSHARE_HTTP_PORT (8000)")
    p.add_argument("--log-level", default="info", choices=["debug", "info", "warning", "error"])
    return p


def check_ports(settings: Settings) -> None:
    ensure_free(settings.http_host, settings.http_port, "HTTP", "POWERSHARE_HTTP_PORT", "--http-port")
    if settings.mqtt_url is None:
        ensure_free(
            settings.mqtt_host,
            settings.mqtt_port,
            "MQTT",
            "POWERSHARE_MQTT_PORT",
            "--mqtt-port",
            MOSQUITTO_HINT,
        )


def configure_logging(level: str) -> None:
    logging.basicConfig(level=level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for chatty in ("amqtt", "transitions"):  # the embedded broker logs every state change at INFO
        logging.getLogger(chatty).setLevel(max(logging.WARNING, logging.getLogger().level))


def main(argv: list[str] | None = None) -> None:
    args = parser().parse_args(argv)
    configure_logging(args.log_level)
    try:
        settings = load_settings(
            database_url=args.database_url,
            mqtt_url=args.mqtt_url,
            mqtt_port=args.mqtt_port,
            http_host=args.http_host,
            http_port=args.http_port,
        )
        if args.command == "migrate":
            asyncio.run(_migrate(settings.database_url))
            print(f"database at {settings.database_url} is up to date")
            return
        check_ports(settings)
    except (ConfigError, PortTakenError) as exc:
        sys.exit(f"powershare-hub: {exc}")
    uvicorn_server(settings, args.log_level).run()


async def _migrate(url: str) -> None:
    engine = create_engine(url)
    try:
        await migrate(engine)
    finally:
        await engine.dispose()


if __name__ == "__main__":
    main()
