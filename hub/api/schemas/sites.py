from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from hub.db.models import AssetKind, SiteKind
from powershare_wire import Reading
from powershare_wire.topics import ID_PATTERN


class Asset(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: AssetKind
    power_kw: float = Field(ge=0, le=100_000, description="Rated power (peak for solar)")
    energy_kwh: float | None = Field(default=None, ge=0, le=1_000_000, description="Battery capacity")


class Location(BaseModel):
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)


class SiteLive(BaseModel):
    """A site as the caller may see it: full for their own sites, coarse for the neighbours'."""

    community: str
    site: str
    online: bool | None
    last_seen: datetime | None
    reading: Reading | None = Field(description="Newest snapshot; null for sites the caller does not own")
    name: str = ""
    kind: SiteKind = SiteKind.HYBRID
    mine: bool = Field(default=False, description="Owned by the caller (admins: every site)")
    location: Location | None = Field(
        default=None, description="Exact for own sites; others' rounded to 0.01° and only for providers"
    )
    assets: list[Asset] = Field(default_factory=list, description="Others' sites: kinds only, no capacities")


class SiteDetail(BaseModel):
    community: str
    site: str
    name: str
    kind: SiteKind
    owner_email: str | None
    online: bool | None
    last_seen: datetime | None
    reading: Reading | None
    location: Location | None
    assets: list[Asset]
    preferences: dict[str, Any]
    mqtt_provisioned: bool
    created_at: datetime | None


class SiteUpdate(BaseModel):
    """Fields an owner may change; omitted fields stay as they are."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, max_length=120)
    kind: SiteKind | None = None
    location: Location | None = None
    assets: list[Asset] | None = Field(default=None, max_length=20)
    preferences: dict[str, bool | int | float | str] | None = Field(default=None, max_length=50)


class SiteProvision(BaseModel):
    model_config = ConfigDict(extra="forbid")

    site: str = Field(pattern=ID_PATTERN)
    community: str = Field(pattern=ID_PATTERN)
    owner_email: str | None = Field(default=None, max_length=254)
    name: str = Field(default="", max_length=120)
    kind: SiteKind = SiteKind.HYBRID
    location: Location | None = None
    assets: list[Asset] = Field(default_factory=list, max_length=20)


class MqttCredentials(BaseModel):
    """Shown once: the hub keeps only an argon2 hash of the password."""

    broker_username: str
    broker_password: str
    topic_prefix: str


class Provisioned(BaseModel):
    site: SiteDetail
    mqtt: MqttCredentials


class OwnerAssignment(BaseModel):
    model_config = ConfigDict(extra="forbid")

    owner_email: str | None = Field(max_length=254, description="null releases the site")


class DeviceOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    serial: str
    role: str
    manufacturer: str
    model: str
    ok: bool
    problem: str | None
    last_seen: datetime


class EnergyTotals(BaseModel):
    """A site's energy over a period, and how much of it the site covered itself."""

    produced_kwh: float = Field(description="Solar and wind")
    wind_kwh: float = Field(description="The wind part of produced_kwh")
    consumed_kwh: float
    imported_kwh: float
    exported_kwh: float
    self_consumption: float | None = Field(
        description="0…1, share of production used on site (directly or via the battery); null without production"
    )
    self_sufficiency: float | None = Field(
        description="0…1, share of consumption not imported from the grid; null without consumption"
    )


class SiteStats(EnergyTotals):
    site: str
    start: datetime
    end: datetime
