"""Sites: the live list (privacy-filtered), detail, settings, provisioning and ownership."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, status
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from hub.accounts import user_by_email
from hub.api.deps import AdminUser, CurrentUser, SessionDep, SiteId, StateDep
from hub.api.errors import ErrorCode, field_error
from hub.api.schemas.sites import (
    Asset,
    DeviceOut,
    Location,
    MqttCredentials,
    OwnerAssignment,
    Provisioned,
    SiteDetail,
    SiteLive,
    SiteProvision,
    SiteUpdate,
)
from hub.api.site_access import own_site
from hub.auth.broker_access import is_reserved
from hub.auth.passwords import hash_password, random_password
from hub.db.models import Community, Device, Site, User, UserRole
from hub.privacy import coarse, communities_of, owns, shows_on_map
from powershare_wire import Reading
from powershare_wire import topics as wire_topics

router = APIRouter(tags=["sites"])


def _reading(site: Site) -> Reading | None:
    """The site's newest snapshot; one stored before today's validation rules and refused by them
    is shown as none (the site's next reading replaces it) rather than failing the whole list."""
    if not site.latest:
        return None
    try:
        return Reading.model_validate(site.latest)
    except ValidationError:
        return None


def _location(site: Site) -> Location | None:
    return Location(lat=site.lat, lon=site.lon) if site.lat is not None and site.lon is not None else None


def live_view(site: Site, user: User) -> SiteLive:
    if owns(user, site):
        return SiteLive(
            community=site.community,
            site=site.id,
            online=site.online,
            last_seen=site.last_seen,
            reading=_reading(site),
            name=site.name,
            kind=site.kind,
            mine=True,
            location=_location(site),
            assets=[Asset.model_validate(a) for a in site.assets],
        )
    location = None
    if shows_on_map(site) and site.lat is not None and site.lon is not None:
        location = Location(lat=coarse(site.lat), lon=coarse(site.lon))
    return SiteLive(
        community=site.community,
        site=site.id,
        online=site.online,
        last_seen=site.last_seen,
        reading=None,
        name=site.name,
        kind=site.kind,
        mine=False,
        location=location,
        assets=[Asset(kind=a["kind"], power_kw=0) for a in site.assets],
    )


async def detail_view(session: SessionDep, site: Site) -> SiteDetail:
    owner = await session.get(User, site.owner_id) if site.owner_id is not None else None
    return SiteDetail(
        community=site.community,
        site=site.id,
        name=site.name,
        kind=site.kind,
        owner_email=owner.email if owner else None,
        online=site.online,
        last_seen=site.last_seen,
        reading=_reading(site),
        location=_location(site),
        assets=[Asset.model_validate(a) for a in site.assets],
        preferences=site.preferences,
        mqtt_provisioned=site.mqtt_password_hash is not None,
        created_at=site.created_at,
    )


@router.get("/sites", operation_id="sites-list")
async def list_sites(user: CurrentUser, session: SessionDep) -> list[SiteLive]:
    """Own sites with their newest snapshot; the rest of the caller's communities coarsely.

    Admins see every site in full.
    """
    query = select(Site).order_by(Site.community, Site.id)
    if user.role is not UserRole.ADMIN:
        query = query.where(
            Site.community.in_(await communities_of(session, user)) | (Site.owner_id == user.id)
        )
    return [live_view(site, user) for site in await session.scalars(query)]


@router.get("/sites/{site_id}", operation_id="sites-get")
async def get_site(site_id: SiteId, user: CurrentUser, session: SessionDep) -> SiteDetail:
    return await detail_view(session, await own_site(session, user, site_id))


@router.patch("/sites/{site_id}", operation_id="sites-update")
async def update_site(
    site_id: SiteId, body: SiteUpdate, user: CurrentUser, session: SessionDep
) -> SiteDetail:
    site = await own_site(session, user, site_id)
    if body.name is not None:
        site.name = body.name
    if body.kind is not None:
        site.kind = body.kind
    if body.location is not None:
        site.lat, site.lon = body.location.lat, body.location.lon
    if body.assets is not None:
        site.assets = [a.model_dump(mode="json") for a in body.assets]
    if body.preferences is not None:
        site.preferences = dict(body.preferences)
    await session.commit()
    return await detail_view(session, site)


@router.get("/sites/{site_id}/devices", operation_id="sites-devices")
async def list_devices(site_id: SiteId, user: CurrentUser, session: SessionDep) -> list[DeviceOut]:
    site = await own_site(session, user, site_id)
    devices = await session.scalars(select(Device).where(Device.site_id == site.id).order_by(Device.serial))
    return [DeviceOut.model_validate(d) for d in devices]


@router.post("/sites", status_code=status.HTTP_201_CREATED, operation_id="sites-provision")
async def provision_site(
    body: SiteProvision, _admin: AdminUser, session: SessionDep, state: StateDep
) -> Provisioned:
    """Admin: create a site and its agent's MQTT credentials (the password is shown only here)."""
    if is_reserved(body.site):  # the site id is its agent's broker user name
        raise field_error(
            "site",
            ErrorCode.SITE_ID_RESERVED,
            f"{body.site!r} is a broker user name the access rules reserve",
            {"site": body.site},
        )
    if await session.get(Site, body.site) is not None:
        raise field_error(
            "site",
            ErrorCode.SITE_EXISTS,
            f"site {body.site!r} exists; rotate its credentials instead",
            {"site": body.site},
            status_code=status.HTTP_409_CONFLICT,
        )
    if await session.get(Community, body.community) is None:
        session.add(Community(id=body.community, name=body.community))
    owner = await _owner(session, body.owner_email)
    password = random_password()
    site = Site(
        id=body.site,
        community=body.community,
        owner_id=owner.id if owner else None,
        name=body.name or body.site,
        kind=body.kind,
        lat=body.location.lat if body.location else None,
        lon=body.location.lon if body.location else None,
        assets=[a.model_dump(mode="json") for a in body.assets],
        mqtt_password_hash=hash_password(password),
        created_at=datetime.now(UTC),
    )
    session.add(site)
    try:
        await session.commit()
    except IntegrityError:
        raise field_error(
            "site",
            ErrorCode.SITE_EXISTS,
            f"site {body.site!r} exists",
            {"site": body.site},
            status_code=status.HTTP_409_CONFLICT,
        ) from None
    state["ingest"].register_site(site.id, site.community)
    return Provisioned(site=await detail_view(session, site), mqtt=_credentials(site, password))


@router.post("/sites/{site_id}/mqtt-credentials", operation_id="sites-rotate-mqtt")
async def rotate_mqtt_credentials(site_id: SiteId, _admin: AdminUser, session: SessionDep) -> MqttCredentials:
    """Admin: issue a new MQTT password for the site's agent; the old one stops working."""
    site = await own_site(session, _admin, site_id)
    password = random_password()
    site.mqtt_password_hash = hash_password(password)
    await session.commit()
    return _credentials(site, password)


@router.put("/sites/{site_id}/owner", operation_id="sites-assign-owner")
async def assign_owner(
    site_id: SiteId, body: OwnerAssignment, admin: AdminUser, session: SessionDep
) -> SiteDetail:
    """Admin: give a site (for example one first seen on MQTT) to a resident, or release it."""
    site = await own_site(session, admin, site_id)
    owner = await _owner(session, body.owner_email)
    site.owner_id = owner.id if owner else None
    if owner is not None and owner.community is None:
        owner.community = site.community
    await session.commit()
    return await detail_view(session, site)


async def _owner(session: SessionDep, email: str | None) -> User | None:
    if email is None:
        return None
    owner = await user_by_email(session, email)
    if owner is None:
        raise field_error(
            "owner_email", ErrorCode.OWNER_EMAIL_UNKNOWN, f"no account with email {email!r}", {"email": email}
        )
    return owner


def _credentials(site: Site, password: str) -> MqttCredentials:
    prefix = wire_topics.topic(site.community, site.id, wire_topics.Kind.TELEMETRY).rsplit("/", 1)[0]
    return MqttCredentials(broker_username=site.id, broker_password=password, topic_prefix=prefix + "/")
