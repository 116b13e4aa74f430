from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter
from pydantic import BaseModel
from sqlalchemy import select

from hub.api.state import SessionDep
from hub.db.models import Site
from powershare_wire import Reading

router = APIRouter(tags=["sites"])


class SiteLive(BaseModel):
    community: str
    site: str
    online: bool | None
    last_seen: datetime | None
    reading: Reading | None


@router.get("/sites", operation_id="sites-list")
async def list_sites(session: SessionDep) -> list[SiteLive]:
    """Every site with its newest snapshot."""
    sites = await session.scalars(select(Site).order_by(Site.community, Site.id))
    return [
        SiteLive(
            community=site.community,
            site=site.id,
            online=site.online,
            last_seen=site.last_seen,
            reading=Reading.model_validate(site.latest) if site.latest else None,
        )
        for site in sites
    ]
