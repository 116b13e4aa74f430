"""Bills per household and period, as JSON or CSV. The figures come from hub.market.bills."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Query, status
from fastapi.responses import Response
from pydantic import AwareDatetime
from sqlalchemy import select

from hub.api.csv_export import CSV_RESPONSE, csv_response, kwh
from hub.api.deps import INT4_MAX, CurrentUser, SessionDep, StateDep
from hub.api.errors import ApiError, ErrorCode, field_error, not_found
from hub.api.schemas.bills import BillOut, StatementOut, bill_out
from hub.db.models import Community, Site, User, UserRole
from hub.market import bills
from powershare_wire.topics import ID_PATTERN

router = APIRouter(tags=["bills"])

CSV_COLUMNS = ("scope", "line", "interval_start", "energy_kwh", "amount", "currency", "note")


@dataclass(frozen=True, slots=True)
class BillQuery:
    month: str | None
    start: datetime | None
    end: datetime | None
    household: int | None
    site: str | None
    community: str | None


def bill_query(
    month: Annotated[
        str | None,
        # Years 1970–2999: datetime stops at 9999, and a bill before the epoch is a typo.
        Query(
            pattern=r"^(19[7-9]\d|2\d{3})-(0[1-9]|1[0-2])$",
            description="YYYY-MM in the community's time zone",
        ),
    ] = None,
    start: Annotated[
        AwareDatetime | None, Query(description="With end: any period instead of a month")
    ] = None,
    end: AwareDatetime | None = None,
    household: Annotated[
        int | None, Query(ge=1, le=INT4_MAX, description="Admins: the owner's user id (default: yours)")
    ] = None,
    site: Annotated[str | None, Query(pattern=ID_PATTERN, description="Only this site")] = None,
    community: Annotated[
        str | None, Query(pattern=ID_PATTERN, description="Needed only when the sites lie in several")
    ] = None,
) -> BillQuery:
    return BillQuery(month, start, end, household, site, community)


BillParams = Annotated[BillQuery, Depends(bill_query)]


@dataclass(frozen=True, slots=True)
class Assembled:
    bill: bills.Bill
    community: str
    household: int | None
    month: str | None


@router.get("/bills", operation_id="bills-get")
async def get_bill(query: BillParams, user: CurrentUser, session: SessionDep, state: StateDep) -> BillOut:
    """A household's bill for a month (default: the current one) or for ``start``…``end``."""
    made = await _assemble(query, user, session, state["clock"].now())
    return bill_out(made.bill, made.community, made.household, made.month)


@router.get("/bills.csv", operation_id="bills-csv", response_class=Response, responses=CSV_RESPONSE)
async def get_bill_csv(
    query: BillParams, user: CurrentUser, session: SessionDep, state: StateDep
) -> Response:
    """The same bill as a spreadsheet: one row per item, adjustment and sum, household first."""
    made = await _assemble(query, user, session, state["clock"].now())
    out = bill_out(made.bill, made.community, made.household, made.month)
    rows = _csv_rows("household", out, out.currency)
    for site in out.sites:
        rows += _csv_rows(site.site, site, out.currency)
    return csv_response(
        CSV_COLUMNS, rows, f"bill-{made.community}-{out.month or f'{out.start:%Y%m%d}-{out.end:%Y%m%d}'}.csv"
    )


def _csv_rows(scope: str, s: StatementOut, currency: str) -> list[list[object]]:
    rows: list[list[object]] = []
    for item in bills.Item:
        figure = getattr(s, item.value)
        rows.append([scope, item.value, "", kwh(figure.energy_wh), figure.amount, currency, ""])
    for a in s.adjustments:
        rows.append([scope, "adjustment", a.interval_start.isoformat(), "", a.amount, currency, a.note or ""])
    rows += [
        [scope, name, "", "", getattr(s, name), currency, ""] for name in ("total", "grid_only", "savings")
    ]
    return rows


async def _assemble(query: BillQuery, user: User, session: SessionDep, now: datetime) -> Assembled:
    household, communities = await _whose(query, user, session)
    community = await _community(query, user, session, communities)
    sites = {site for site, site_community in communities.items() if site_community == community.id}
    start, end, month = _period(query, community, now)
    lines, settled = await bills.load_lines(session, community.id, sites, start, end)
    return Assembled(
        bills.bill(lines, settled, sites, start, end, community.currency), community.id, household, month
    )


async def _whose(query: BillQuery, user: User, session: SessionDep) -> tuple[int | None, dict[str, str]]:
    """The household billed and its sites ({site id: community}); residents see only their own."""
    admin = user.role is UserRole.ADMIN
    if query.site is not None:
        site = await session.get(Site, query.site)
        if site is None:
            raise not_found(ErrorCode.SITE_NOT_FOUND, f"site {query.site!r}", site=query.site)
        if not (admin and _in_reach(user, site.community)) and site.owner_id != user.id:
            raise ApiError(
                status.HTTP_403_FORBIDDEN,
                ErrorCode.SITE_NOT_YOURS_TO_BILL,
                f"site {query.site!r} is not yours to bill",
                {"site": query.site},
            )
        if query.household is not None and site.owner_id != query.household:
            raise field_error(
                "site",
                ErrorCode.SITE_NOT_OF_HOUSEHOLD,
                f"site {query.site!r} is not of household {query.household}",
                {"site": query.site, "household": query.household},
                where="query",
            )
        return site.owner_id, {site.id: site.community}
    owner = user.id if query.household is None else query.household
    if owner != user.id:
        if not admin:
            raise ApiError(
                status.HTTP_403_FORBIDDEN,
                ErrorCode.OTHERS_BILL_ADMIN_ONLY,
                "only an admin may see another household's bill",
            )
        if await session.get(User, owner) is None:
            raise not_found(ErrorCode.HOUSEHOLD_NOT_FOUND, f"household {owner}", household=owner)
    rows = await session.execute(select(Site.id, Site.community).where(Site.owner_id == owner))
    sites = {
        site_id: community for site_id, community in rows if owner == user.id or _in_reach(user, community)
    }
    if owner != user.id and not sites:
        raise ApiError(
            status.HTTP_403_FORBIDDEN,
            ErrorCode.HOUSEHOLD_NOT_IN_COMMUNITY,
            f"household {owner} has no sites in your community",
            {"household": owner},
        )
    return owner, sites


def _in_reach(admin: User, community: str) -> bool:
    """An admin of a community bills its households; an admin of none, every household."""
    return admin.community is None or admin.community == community


async def _community(query: BillQuery, user: User, session: SessionDep, sites: dict[str, str]) -> Community:
    wanted = query.community
    admin_of = user.role is UserRole.ADMIN and wanted is not None and _in_reach(user, wanted)
    if wanted is not None and wanted not in {*sites.values(), user.community} and not admin_of:
        raise ApiError(
            status.HTTP_403_FORBIDDEN,
            ErrorCode.NOTHING_TO_BILL_IN_COMMUNITY,
            f"nothing of yours to bill in {wanted!r}",
            {"community": wanted},
        )
    if wanted is None:
        found = set(sites.values())
        if len(found) > 1:
            lying_in = ", ".join(sorted(found))
            raise field_error(
                "community",
                ErrorCode.SITES_IN_SEVERAL_COMMUNITIES,
                f"the sites lie in {lying_in}: name one",
                {"communities": lying_in},
                where="query",
            )
        wanted = found.pop() if found else user.community
    if wanted is None:
        raise not_found(ErrorCode.NOTHING_TO_BILL, "sites to bill")
    community = await session.get(Community, wanted)
    if community is None:
        raise not_found(ErrorCode.COMMUNITY_NOT_FOUND, f"community {wanted!r}", community=wanted)
    return community


def _period(query: BillQuery, community: Community, now: datetime) -> tuple[datetime, datetime, str | None]:
    if query.month is not None and (query.start is not None or query.end is not None):
        raise field_error(
            "month", ErrorCode.MONTH_OR_SPAN, "give a month or start and end, not both", where="query"
        )
    if (query.start is None) != (query.end is None):
        missing = "end" if query.end is None else "start"
        raise field_error(
            missing, ErrorCode.START_AND_END_TOGETHER, "start and end go together", where="query"
        )
    if query.start is not None and query.end is not None:
        for name, when in (("start", query.start), ("end", query.end)):
            if not bills.EARLIEST <= when <= bills.LATEST:
                raise field_error(
                    name,
                    ErrorCode.DATE_OUT_OF_RANGE,
                    f"must lie between {bills.EARLIEST:%Y} and {bills.LATEST:%Y}",
                    {"earliest": bills.EARLIEST.year, "latest": bills.LATEST.year},
                    where="query",
                )
        if query.end <= query.start:
            raise field_error("end", ErrorCode.END_NOT_AFTER_START, "must be after start", where="query")
        if query.end - query.start > bills.MAX_SPAN:
            days = bills.MAX_SPAN.days
            raise field_error(
                "start",
                ErrorCode.SPAN_TOO_LONG,
                f"at most {days} days at once",
                {"max_days": days},
                where="query",
            )
        return query.start, query.end, None
    tz = ZoneInfo(community.timezone)
    if query.month is not None:
        year, month = int(query.month[:4]), int(query.month[5:])
    else:
        year, month = bills.month_of(now, tz)
    start, end = bills.month_span(year, month, tz)
    return start, end, f"{year:04d}-{month:02d}"
