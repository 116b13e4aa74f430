"""The hub's ASGI app. The lifespan owns every resource: engine, broker, ingest tasks."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager

from fastapi import APIRouter, FastAPI, Request, Response, status
from fastapi.exception_handlers import http_exception_handler
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles
from sqlalchemy.ext.asyncio import async_sessionmaker
from starlette.exceptions import HTTPException as StarletteHTTPException

from hub.api import ws
from hub.api.errors import ErrorBody, field_problem, refusal_body
from hub.api.hardening import HardeningMiddleware
from hub.api.http_metrics import HttpMetricsMiddleware
from hub.api.routes import (
    auth,
    bills,
    communities,
    dashboard_config,
    forecast,
    health,
    history,
    market,
    meter_readings,
    metrics,
    mqtt_auth,
    notifications,
    offers,
    providers,
    requests,
    settlement,
    sites,
    transactions,
)
from hub.api.routes import clock as clock_routes  # `clock` names create_app's parameter
from hub.api.state import HubState
from hub.auth.broker_access import HUB_USERNAME, SiteAccounts
from hub.auth.live_sessions import LiveSessions
from hub.auth.passwords import random_password
from hub.auth.rate_limit import Limits
from hub.broker import embedded_broker
from hub.cluster.replica import replica_tasks
from hub.community_share import ShareSender
from hub.core.config import Settings
from hub.core.gc_tuning import tune_gc
from hub.db.engine import create_engine, migrate
from hub.db.partitions import keep_maintained
from hub.events import EventBus
from hub.ingest.pipeline import Ingest
from hub.live_stats import publish_live_stats
from hub.market.coordinator import MarketCoordinator
from hub.market.delivery import DeliveryCoordinator
from hub.market.orders import OrderRejected
from hub.market.settler import SettlementCoordinator
from hub.market.standing import materialize_standing
from hub.metrics import HubMetrics
from hub.mqtt.commands import CommandLink
from hub.mqtt.session import MqttLink
from hub.mqtt.target import BrokerTarget
from hub.mqtt.telemetry import TelemetryLink
from powershare_wire.cancellation import cancel_once_and_wait
from powershare_wire.clock import WALL_CLOCK, Clock

log = logging.getLogger("hub")

NO_WEB_BUILD = """<!doctype html><title>PowerShare hub</title>
<p>The hub is running, but the dashboard is not built. Run <code>make web</code> (or <code>make demo</code>).
The API is at <a href="/docs">/docs</a>.</p>"""


def operation_id(route: APIRoute) -> str:
    return route.operation_id or f"{route.tags[0] if route.tags else 'hub'}-{route.name}"


def create_app(settings: Settings, clock: Clock = WALL_CLOCK) -> FastAPI:
    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[HubState]:
        async with AsyncExitStack() as stack:
            engine = create_engine(settings.database_url)
            stack.push_async_callback(engine.dispose)
            if settings.migrate == "auto":  # else `powershare-hub migrate` ran as a step of its own
                await migrate(engine)
            if settings.mqtt_url is None:
                # The hub's own clients log in as `hub` with a secret of this process only.
                hub_password = random_password()
                accounts = SiteAccounts(async_sessionmaker(engine, expire_on_commit=False), hub_password)
                await stack.enter_async_context(
                    embedded_broker(settings.mqtt_host, settings.mqtt_port, accounts)
                )
                target = BrokerTarget(settings.mqtt_host, settings.mqtt_port, HUB_USERNAME, hub_password)
            else:
                target = BrokerTarget.from_url(settings.mqtt_url)
            bus = EventBus()
            metrics = HubMetrics()
            metrics.watch_bus(bus)
            ingest = Ingest(engine, bus, settings, metrics, clock)
            await ingest.load_sites()
            link = MqttLink(target.describe())
            sessions = async_sessionmaker(engine, expire_on_commit=False)
            # On PostgreSQL: community leases (what this replica runs and ingests) and events shared
            # across replicas.
            owns, ingests, replica = replica_tasks(settings, sessions, bus, link)
            coordinator = MarketCoordinator(sessions, bus, clock, metrics, materialize_standing, owns)
            settler = SettlementCoordinator(sessions, bus, clock, metrics, owns)
            commands = CommandLink(target, settings.mqtt_client_id, settings.mqtt_community)
            metrics.watch_broker("ingest", lambda: link.connected, lambda: link.reconnects)
            metrics.watch_broker("commands", commands.connected.is_set, lambda: commands.reconnects)
            ingest.acks.post = commands.retained.put  # telemetry/ack, on the command link's connection
            shares = ShareSender(sessions, clock, commands.retained.put, owns)  # retained, same link
            delivery = DeliveryCoordinator(sessions, bus, clock, commands, owns=owns)
            tasks = [
                *(asyncio.create_task(coroutine, name=name) for name, coroutine in replica),
                asyncio.create_task(coordinator.run(), name="market"),
                asyncio.create_task(settler.run(), name="settlement"),
                asyncio.create_task(commands.run(), name="mqtt-commands"),
                asyncio.create_task(delivery.run(), name="delivery"),
                asyncio.create_task(shares.run(settings.community_share_interval_s), name="community-share"),
                asyncio.create_task(ingest.run_writer(), name="ingest-writer"),
                # Raw-reading partitions ahead and the retention (one replica at a time).
                asyncio.create_task(
                    keep_maintained(engine, settings.raw_retention_days, clock), name="raw-retention"
                ),
                asyncio.create_task(
                    TelemetryLink(target, ingest, link, settings.mqtt_client_id, ingests).run(),
                    name="mqtt-telemetry",
                ),
                asyncio.create_task(
                    publish_live_stats(
                        bus, ingest.live, settings.stats_interval_s, clock, settings.live_stats_min_sites
                    ),
                    name="live-stats",
                ),
            ]
            stack.push_async_callback(_cancel, tasks)
            tune_gc()
            yield HubState(
                settings=settings,
                engine=engine,
                sessions=sessions,
                bus=bus,
                ingest=ingest,
                mqtt=link,
                metrics=metrics,
                clock=clock,
                market=coordinator,
                settlement=settler,
                delivery=delivery,
            )

    app = FastAPI(
        title="PowerShare hub", version="0.1.0", lifespan=lifespan, generate_unique_id_function=operation_id
    )
    app.add_exception_handler(OrderRejected, _order_rejected)  # type: ignore[arg-type]
    app.add_exception_handler(StarletteHTTPException, _refused)  # type: ignore[arg-type]
    app.add_middleware(
        HardeningMiddleware,
        max_body_bytes=settings.max_body_bytes,
        tile_origin=settings.map_tiles_origin(),
    )
    app.add_middleware(HttpMetricsMiddleware)  # outermost: times the refusals above too
    app.state.live_sessions = LiveSessions()  # /ws sockets per sign-in, closed on sign-out
    app.state.limits = Limits.of(
        settings.signin_account_burst, settings.signin_address_burst, settings.signin_refill_s
    )
    api = APIRouter(
        prefix="/api",
        responses={
            "4XX": {"model": ErrorBody, "description": "Refused: English text and a code (docs/api.md)"}
        },
    )
    for module in (
        health,
        clock_routes,
        dashboard_config,
        auth,
        sites,
        meter_readings,
        history,
        forecast,
        communities,
        market,
        requests,
        offers,
        providers,
        transactions,
        bills,
        settlement,
        notifications,
        mqtt_auth,
    ):
        api.include_router(module.router)
    api.include_router(auth.me_router)
    app.include_router(api)
    app.include_router(metrics.router)
    app.include_router(ws.router)
    _mount_web(app, settings)
    return app


async def _order_rejected(_request: Request, exc: OrderRejected) -> JSONResponse:
    """A 422 names the field (FastAPI's validation shape); other statuses are about the order itself."""
    if exc.status == status.HTTP_422_UNPROCESSABLE_CONTENT:
        detail: object = [field_problem(["body", exc.field], exc.code, exc.message, exc.ctx)]
        return JSONResponse({"detail": detail}, status_code=exc.status)
    body: dict[str, object] = {"detail": exc.message, "code": exc.code.value}
    if exc.ctx:
        body["ctx"] = dict(exc.ctx)
    return JSONResponse(body, status_code=exc.status)


async def _refused(request: Request, exc: StarletteHTTPException) -> Response:
    """Every HTTPException's body carries a code beside its text (hub.api.errors)."""
    response = await http_exception_handler(request, exc)  # keeps its headers and bodiless statuses
    if not response.body:
        return response
    return JSONResponse(refusal_body(exc), status_code=exc.status_code, headers=exc.headers)


def _mount_web(app: FastAPI, settings: Settings) -> None:
    if (settings.web_dist / "index.html").is_file():
        app.mount("/", StaticFiles(directory=settings.web_dist, html=True), name="web")
    else:

        @app.get("/", include_in_schema=False)
        async def no_web_build() -> HTMLResponse:
            return HTMLResponse(NO_WEB_BUILD)


async def _cancel(tasks: list[asyncio.Task[None]]) -> None:
    # Cancelled once, then again after a grace: a cancel that 3.11's wait_for swallowed would hang
    # the stop, and so would a second cancel of a task closing its aborted database connection.
    await cancel_once_and_wait(tasks)
    for task in tasks:
        if not task.cancelled() and (error := task.exception()) is not None:
            log.error("task %s failed: %r", task.get_name(), error)
