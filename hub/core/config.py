"""Hub settings from ``POWERSHARE_*`` environment variables (and CLI flags on top)."""

from __future__ import annotations

import os
import socket
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, ValidationError, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parents[2]


class ConfigError(Exception):
    """A setting is wrong; the message names it and the expected form."""


Environment = Literal["development", "test", "production"]
# auto: the hub brings the schema up to date as it starts (one machine, one hub). skip: it does not,
# because `powershare-hub migrate` runs once as its own step before the replicas (compose, systemd).
MigrateMode = Literal["auto", "skip"]
MIN_RAW_RETENTION_DAYS = 3
# OpenStreetMap's own raster tiles: fine for a community's few residents (their usage policy asks for
# attribution, which the dashboard shows); a larger deployment points POWERSHARE_MAP_TILES at its own.
OSM_TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="POWERSHARE_", extra="forbid")

    env: Environment = Field(
        default="development", description="'production' refuses demo secrets and sets Secure cookies"
    )

    migrate: MigrateMode = Field(
        default="auto",
        description="'auto' migrates the schema on start; 'skip' leaves it to `powershare-hub migrate`",
    )
    database_url: str = Field(
        default="sqlite+aiosqlite:///var/powershare.db",
        description="SQLAlchemy async URL: sqlite+aiosqlite:///path or postgresql+psycopg://host/db",
    )
    mqtt_url: str | None = Field(
        default=None, description="External broker (mqtt://user:pass@host:1883); unset = embedded broker"
    )
    mqtt_auth_secret: SecretStr | None = Field(
        default=None,
        description="Shared with the broker's HTTP auth backend (/api/mqtt/*); unset = those endpoints refuse all",
    )
    mqtt_host: str = Field(default="127.0.0.1", description="Where the embedded broker listens")
    mqtt_port: int = Field(default=1883, ge=1, le=65535, description="Port of the embedded broker")
    mqtt_client_id: str = Field(
        default="powershare-hub", min_length=1, description="Stable id, so the broker keeps the session"
    )
    mqtt_community: str = Field(default="+", description="Community to ingest; '+' = all")
    http_host: str = "127.0.0.1"
    http_port: int = Field(default=8000, ge=1, le=65535)
    web_dist: Path = REPO_ROOT / "web" / "dist"
    max_clock_skew_s: float = Field(
        default=300.0, gt=0, description="Readings further in the future are rejected"
    )
    ingest_batch_max: int = Field(default=5000, ge=1)
    ingest_batch_wait_ms: int = Field(
        default=25,
        ge=0,
        description="Under load, how long a batch may wait to fill; each costs a few round trips",
    )
    auto_register_sites: bool = Field(default=True, description="Create a site on its first reading")
    session_days: int = Field(default=14, ge=1, le=365, description="Sign-in lifetime")
    signin_account_burst: int = Field(
        default=10, ge=1, description="Failed sign-ins one account may have before 429 (one back per refill)"
    )
    signin_address_burst: int = Field(
        default=50, ge=1, description="Failed sign-ins one client address may have before 429"
    )
    signin_refill_s: float = Field(
        default=60.0, gt=0, description="Seconds until a failed attempt is forgiven"
    )
    max_body_bytes: int = Field(
        default=1_048_576, ge=1024, description="Largest request body the API takes (413 beyond)"
    )
    allowed_origins: str = Field(
        default="",
        description="Comma-separated origins (https://host:port) besides the hub's own that may open /ws",
    )
    map_tiles: str = Field(
        default=OSM_TILES,
        description="Raster tile URL for the dashboard's map ({z}/{x}/{y}); empty = no tiles (markers and scale only)",
    )
    ws_buffer: int = Field(default=256, ge=1, description="Events buffered per /ws client before dropping")
    stats_interval_s: float = Field(default=5.0, gt=0, description="How often /ws gets live community stats")
    site_stale_after_s: float = Field(
        default=120.0, gt=0, description="/metrics counts a site stale after this long without a reading"
    )
    community_share_interval_s: float = Field(
        default=60.0, gt=0, description="How often each site's community share (MQTT `share`) is refreshed"
    )
    live_stats_min_sites: int = Field(
        default=3,
        ge=2,
        description="Live community totals only from this many homes (3: minus your own, two remain)",
    )

    # Replicated hubs (PostgreSQL only, hub.cluster): a replica owns its communities by lease.
    replica_id: str = Field(
        default_factory=lambda: f"{socket.gethostname()}-{os.getpid()}",
        min_length=1,
        max_length=128,
        description="This replica's stable name in community_leases (default hostname-pid)",
    )
    lease_ttl_s: float = Field(
        default=10.0,
        gt=0,
        le=60,
        description="A community lease lapses this long after its last renewal; a dead replica's "
        "communities move within lease_ttl_s + lease_renew_s",
    )
    lease_renew_s: float = Field(default=2.0, gt=0, description="How often a replica renews its leases")
    ingest_link_grace_s: float = Field(
        default=10.0,
        gt=0,
        description="A replica whose broker link has been down this long gives its communities to "
        "replicas whose link is up, and takes them back once its own has stayed up as long",
    )

    # Raw readings only (hub.db.partitions): interval energy, trades, settlements and the ledger stay.
    raw_retention_days: int = Field(
        default=0,
        ge=0,
        description="Days of raw readings kept (PostgreSQL drops whole days); 0 = kept forever",
    )

    def websocket_origins(self) -> frozenset[str]:
        """Origins that may open /ws besides the hub's own; development adds the Vite dev server."""
        configured = {o.strip().rstrip("/") for o in self.allowed_origins.split(",") if o.strip()}
        if self.env == "development":
            configured |= {"http://localhost:5173", "http://127.0.0.1:5173"}
        return frozenset(configured)

    @field_validator("allowed_origins")
    @classmethod
    def _origins(cls, value: str) -> str:
        for origin in (o.strip() for o in value.split(",") if o.strip()):
            if not origin.startswith(("http://", "https://")) or origin.count("/") > 3:
                raise ValueError(f"each origin must look like https://host[:port] (got {origin!r})")
        return value

    @field_validator("map_tiles")
    @classmethod
    def _tile_template(cls, value: str) -> str:
        value = value.strip()
        if not value:
            return value
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(
                "must be an http(s) URL such as https://tile.example.org/{z}/{x}/{y}.png, or empty"
            )
        missing = [p for p in ("{z}", "{x}", "{y}") if p not in value]
        if missing:
            raise ValueError(
                f"the URL needs the placeholders {', '.join(missing)} (https://host/{{z}}/{{x}}/{{y}}.png)"
            )
        return value

    def map_tiles_origin(self) -> str | None:
        """Where the dashboard fetches tiles from (for the Content-Security-Policy); None without tiles."""
        if not self.map_tiles:
            return None
        parts = urlsplit(self.map_tiles)
        return f"{parts.scheme}://{parts.netloc}"

    @field_validator("raw_retention_days")
    @classmethod
    def _retention_beyond_the_spool(cls, value: int) -> int:
        # A late reading is booked against its stored neighbours, and agents send up to 48 h late.
        if 0 < value < MIN_RAW_RETENTION_DAYS:
            raise ValueError(
                f"must be 0 (keep forever) or at least {MIN_RAW_RETENTION_DAYS} days, longer than the"
                " agents' spool horizon (48 h at 1 Hz)"
            )
        return value

    @field_validator("lease_renew_s")
    @classmethod
    def _renew_well_before_expiry(cls, value: float, info: ValidationInfo) -> float:
        # Two renewals fit in a lease, so one slow round trip does not hand a community away.
        ttl = info.data.get("lease_ttl_s")
        if ttl is not None and value * 2 > ttl:
            raise ValueError(f"must be at most half of POWERSHARE_LEASE_TTL_S ({ttl})")
        return value

    @field_validator("database_url")
    @classmethod
    def _known_driver(cls, value: str) -> str:
        if not value.startswith(("sqlite+aiosqlite://", "postgresql+psycopg://")):
            raise ValueError("must start with sqlite+aiosqlite:// or postgresql+psycopg://")
        return value

    @field_validator("mqtt_url")
    @classmethod
    def _mqtt_scheme(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is not None and urlsplit(value).scheme not in ("mqtt", "mqtts"):
            raise ValueError("must look like mqtt://host:1883 or mqtts://host:8883")
        if value is not None:
            try:
                _ = urlsplit(value).port  # raises on a port that is not a number from 0 to 65535
            except ValueError:
                raise ValueError("the port must be a number: mqtt://host:1883") from None
            if not urlsplit(value).hostname:
                raise ValueError("needs a host: mqtt://host:1883")
        # A production broker takes only known clients (deploy/mosquitto): the hub logs in as `hub`.
        if value is not None and info.data.get("env") == "production" and not urlsplit(value).password:
            raise ValueError("in production the hub logs in to the broker: mqtt://hub:<password>@host:1883")
        return value


def running_in_production() -> bool:
    """For code that runs without Settings (seeding): is POWERSHARE_ENV=production?"""
    return os.environ.get("POWERSHARE_ENV", "").strip().lower() == "production"


def load_settings(**overrides: object) -> Settings:
    """Settings from the environment with CLI overrides; raises ConfigError naming the setting."""
    try:
        return Settings(**{k: v for k, v in overrides.items() if v is not None})  # type: ignore[arg-type]
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            key = ".".join(str(part) for part in error["loc"])
            env = f"POWERSHARE_{key.upper()}"
            flag = f" (--{key.replace('_', '-')})" if key in overrides else ""  # the CLI passes its flags
            problems.append(f"{env}{flag}: {error['msg']} (got {error.get('input')!r})")
        raise ConfigError("invalid setting: " + "; ".join(problems)) from None
