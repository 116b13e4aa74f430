"""``powershare-hub``: run the hub (API, /ws, ingest), migrate its database, or manage accounts.

``maintain-readings`` does at once what a running hub does every hour: makes the coming days'
raw-reading partitions (PostgreSQL) and removes raw readings older than
``POWERSHARE_RAW_RETENTION_DAYS`` (``hub.db.partitions``).

``create-admin --email E`` creates the first admin of a new installation (production has no
other way: registration makes residents only); ``set-password --email E`` resets anyone's
password and ends their sessions. Both read the password from a prompt, or from the first line
of standard input with ``--password-stdin`` (for scripts), and apply the password policy.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import logging
import re
import sys
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import async_sessionmaker

from hub.accounts import new_user, set_password, user_by_email
from hub.api.schemas.accounts import EMAIL_PATTERN
from hub.auth.password_policy import password_problem
from hub.core.config import ConfigError, Settings, load_settings
from hub.core.ports import PortTakenError, ensure_free
from hub.db.engine import create_engine, migrate
from hub.db.models import UserRole
from hub.db.partitions import Report, maintain
from hub.server import uvicorn_server

MOSQUITTO_HINT = " (an MQTT broker such as Mosquitto may already run on this machine)"


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="powershare-hub", description=__doc__)
    p.add_argument(
        "command",
        nargs="?",
        default="serve",
        choices=["serve", "migrate", "maintain-readings", "create-admin", "set-password"],
    )
    p.add_argument("--email", help="create-admin, set-password: the account's email")
    p.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input, not a prompt"
    )
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
        if args.command == "maintain-readings":
            print(asyncio.run(_maintain_readings(settings)))
            return
        if args.command in ("create-admin", "set-password"):
            print(asyncio.run(_account(settings, args.command, args.email, _password(args, settings))))
            return
        check_ports(settings)
    except (ConfigError, PortTakenError, AccountError) as exc:
        sys.exit(f"powershare-hub: {exc}")
    uvicorn_server(settings, args.log_level).run()


class AccountError(Exception):
    """create-admin or set-password cannot do what was asked; the message says why."""


def _password(args: argparse.Namespace, settings: Settings) -> str:
    if not args.email or re.match(EMAIL_PATTERN, args.email) is None:
        raise AccountError(f"{args.command} needs --email with a valid email address")
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = getpass.getpass("new password: ")
        if getpass.getpass("again: ") != password:
            raise AccountError("the two passwords differ")
    problem = password_problem(password, args.email, settings.env == "production")
    if problem:
        raise AccountError(f"password refused: {problem}")
    return str(password)


async def _account(settings: Settings, command: str, email: str, password: str) -> str:
    engine = create_engine(settings.database_url)
    try:
        await migrate(engine)
        async with async_sessionmaker(engine, expire_on_commit=False)() as session:
            if command == "create-admin":
                if await user_by_email(session, email) is not None:
                    raise AccountError(f"an account with email {email!r} exists; use set-password")
                session.add(new_user(email, password, UserRole.ADMIN, "Admin"))
                done = f"admin {email.lower()} created"
            else:
                try:
                    await set_password(session, email, password)
                except LookupError as exc:
                    raise AccountError(str(exc)) from None
                done = f"password of {email.lower()} set; its sessions have ended"
            await session.commit()
            return done
    finally:
        await engine.dispose()


async def _maintain_readings(settings: Settings) -> Report:
    engine = create_engine(settings.database_url)
    try:
        return await maintain(engine, datetime.now(UTC), settings.raw_retention_days)
    finally:
        await engine.dispose()


async def _migrate(url: str) -> None:
    engine = create_engine(url)
    try:
        await migrate(engine)
    finally:
        await engine.dispose()


if __name__ == "__main__":
    main()
