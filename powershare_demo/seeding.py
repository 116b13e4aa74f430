"""Accounts and sites for a simulated community: an admin, and one resident per home.

Demo credentials only: the hub refuses the demo password when POWERSHARE_ENV=production.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import async_sessionmaker

from firmware_sims.physics.specs import HomePhysicsSpec
from firmware_sims.running import RunningHome
from hub.auth.broker_access import issue_mqtt_password
from hub.db.engine import create_engine
from hub.seed import ensure_community, ensure_site, ensure_standing_order, ensure_user

DEMO_PASSWORD = "powershare-demo"
DEMO_TIMEZONE = "Europe/Berlin"  # the demo's homes are in Hesse
ADMIN_EMAIL = "admin@powershare.local"


def resident_email(site: str) -> str:
    return f"{site}@powershare.local"


def assets(spec: HomePhysicsSpec) -> list[dict[str, object]]:
    """The hub's asset list for a simulated home's plant."""
    found: list[dict[str, object]] = []
    if spec.pv is not None:
        found.append({"kind": "solar", "power_kw": spec.pv.kwp})
    if spec.wind is not None:
        found.append({"kind": "wind", "power_kw": spec.wind.rated_w / 1000})
    if spec.battery is not None:
        found.append(
            {
                "kind": "battery",
                "power_kw": spec.battery.max_discharge_w / 1000,
                "energy_kwh": spec.battery.capacity_wh / 1000,
            }
        )
    return found


def standing_orders(home: RunningHome, index: int) -> list[dict[str, Any]]:
    """Rules a resident of this home would set, so the demo's market trades without anyone typing.

    Prices differ a little from home to home, so the book has a real merit order.
    """
    spec = home.physics.spec
    spread = Decimal(index % 4) / 100
    rules: list[dict[str, Any]] = []
    if home.role != "consumer" and (spec.pv is not None or spec.wind is not None):
        rules.append({"kind": "sell_surplus", "price": Decimal("0.1000") + spread})
    if home.role != "consumer" and spec.battery is not None:
        rules.append(
            {
                "kind": "sell_battery",
                "price": Decimal("0.1800") + spread,
                "min_soc_pct": 40,
                "from_hour": 17,
                "to_hour": 23,
            }
        )
    if home.role != "provider":
        rules.append({"kind": "buy_deficit", "price": Decimal("0.2200") + spread})
    return rules


async def seed_community(
    database_url: str, community: str, homes: Sequence[RunningHome], name: str = ""
) -> dict[str, str]:
    """Create (idempotently) the community, its admin and a resident owning each home.

    Each home's agent gets new MQTT credentials, as an admin provisioning it would hand out:
    returns the password per site id (its user name); the hub keeps only their hashes.
    """
    passwords: dict[str, str] = {}
    engine = create_engine(database_url)
    try:
        async with async_sessionmaker(engine, expire_on_commit=False)() as session:
            await ensure_community(session, community, name=name or community, timezone=DEMO_TIMEZONE)
            await ensure_user(session, ADMIN_EMAIL, DEMO_PASSWORD, "admin", community, "Community admin")
            for home in homes:
                await ensure_user(session, resident_email(home.id), DEMO_PASSWORD, "resident", community)
                site = await ensure_site(
                    session,
                    home.id,
                    community,
                    owner_email=resident_email(home.id),
                    kind=home.role,
                    lat=home.location[0],
                    lon=home.location[1],
                    assets=assets(home.physics.spec),
                )
                passwords[home.id] = issue_mqtt_password(site)
            for index, home in enumerate(homes):
                for rule in standing_orders(home, index):
                    await ensure_standing_order(session, home.id, **rule)
            await session.commit()  # residents can sign in once all of them can
    finally:
        await engine.dispose()
    return passwords
