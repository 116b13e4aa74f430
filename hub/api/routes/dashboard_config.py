"""What the dashboard needs from the hub's configuration before anyone signs in (the map's tiles)."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, Field

from hub.api.state import StateDep

router = APIRouter(tags=["config"])

# The tiles of OpenStreetMap and of most other providers draw OpenStreetMap's data, whose licence
# asks for this credit beside the map.
OSM_ATTRIBUTION = "© OpenStreetMap contributors"


class MapConfig(BaseModel):
    tiles: str | None = Field(
        description="Raster tile URL with {z}/{x}/{y} (POWERSHARE_MAP_TILES); null = draw no tiles"
    )
    attribution: str | None = Field(description="Credit to show beside the tiles; null without tiles")


class DashboardConfig(BaseModel):
    map: MapConfig


@router.get("/config", operation_id="config-get")
async def get_config(state: StateDep) -> DashboardConfig:
    """The dashboard's settings from the hub; no sign-in needed (nothing in it is a secret)."""
    tiles = state["settings"].map_tiles or None
    return DashboardConfig(map=MapConfig(tiles=tiles, attribution=OSM_ATTRIBUTION if tiles else None))
