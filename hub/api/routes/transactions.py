"""Transactions: the trades the market made, read-only (the coordinator creates them); CSV too."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response
from pydantic import AwareDatetime
from sqlalchemy import or_, select

from hub.api.csv_export import CSV_RESPONSE, csv_response, kwh
from hub.api.deps import CurrentUser, RowId, SessionDep
from hub.api.errors import ErrorCode, field_error, not_found
from hub.api.schemas.market import TransactionOut
from hub.api.site_access import own_site
from hub.db.models import Transaction, TransactionStatus, UserRole
from hub.market.bills import EARLIEST, LATEST
from hub.privacy import owned_sites
from powershare_wire.topics import ID_PATTERN

router = APIRouter(tags=["transactions"])

CSV_COLUMNS = (
    "id",
    "interval_start",
    "interval_end",
    "site",
    "role",
    "counterparty",
    "status",
    "traded_kwh",
    "delivered_kwh",
    "energy_price",
    "fee",
    "amount",
    "shortfall",
)


def _check_span(start: datetime | None, end: datetime | None) -> None:
    for name, when in (("start", start), ("end", end)):
        if when is not None and not EARLIEST <= when <= LATEST:
            raise field_error(
                name,
                ErrorCode.DATE_OUT_OF_RANGE,
                f"must lie between {EARLIEST:%Y} and {LATEST:%Y}",
                {"earliest": EARLIEST.year, "latest": LATEST.year},
                where="query",
            )
    if start is not None and end is not None and end <= start:
        raise field_error("end", ErrorCode.END_NOT_AFTER_START, "must be after start", where="query")


@router.get("/transactions", operation_id="transactions-list")
async def list_transactions(
    user: CurrentUser,
    session: SessionDep,
    status_: Annotated[TransactionStatus | None, Query(alias="status")] = None,
    start: Annotated[AwareDatetime | None, Query(description="Intervals starting at or after")] = None,
    end: Annotated[AwareDatetime | None, Query(description="Intervals starting before")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[TransactionOut]:
    """The caller's trades (as buyer or seller), newest first. Admins see all."""
    _check_span(start, end)
    query = select(Transaction).order_by(Transaction.id.desc()).limit(limit)
    if start is not None:
        query = query.where(Transaction.window_start >= start)
    if end is not None:
        query = query.where(Transaction.window_start < end)
    if user.role is not UserRole.ADMIN:
        owned = await owned_sites(session, user)
        query = query.where(or_(Transaction.buyer_site_id.in_(owned), Transaction.seller_site_id.in_(owned)))
    if status_ is not None:
        query = query.where(Transaction.status == status_)
    return [TransactionOut.model_validate(t) for t in await session.scalars(query)]


@router.get(
    "/transactions.csv", operation_id="transactions-csv", response_class=Response, responses=CSV_RESPONSE
)
async def export_transactions(
    user: CurrentUser,
    session: SessionDep,
    site: Annotated[str | None, Query(pattern=ID_PATTERN, description="Only this site's trades")] = None,
    start: Annotated[AwareDatetime | None, Query(description="Intervals starting at or after")] = None,
    end: Annotated[AwareDatetime | None, Query(description="Intervals starting before")] = None,
    status_: Annotated[TransactionStatus | None, Query(alias="status")] = None,
) -> Response:
    """The caller's trades as a spreadsheet, oldest first: one row per trade and side of one's own.

    ``amount`` is what the buyer pays for the delivered energy, fee included (empty until settled).
    Admins get every site's trades (of their community, if they have one), or ``site``'s.
    """
    _check_span(start, end)
    query = select(Transaction).order_by(Transaction.window_start, Transaction.id)
    sites: set[str] | None = None  # None: an admin's view, both sides of every trade
    if site is not None:
        sites = {(await own_site(session, user, site)).id}
    elif user.role is not UserRole.ADMIN:
        sites = await owned_sites(session, user)
    elif user.community is not None:
        query = query.where(Transaction.community == user.community)
    if sites is not None:
        query = query.where(or_(Transaction.buyer_site_id.in_(sites), Transaction.seller_site_id.in_(sites)))
    if start is not None:
        query = query.where(Transaction.window_start >= start)
    if end is not None:
        query = query.where(Transaction.window_start < end)
    if status_ is not None:
        query = query.where(Transaction.status == status_)
    rows = []
    for t in await session.scalars(query):
        sides = (("seller", t.seller_site_id, t.buyer_site_id), ("buyer", t.buyer_site_id, t.seller_site_id))
        for role, own, other in sides:
            if sites is None or own in sites:
                rows.append(
                    [
                        t.id,
                        t.window_start.isoformat(),
                        t.window_end.isoformat(),
                        own,
                        role,
                        other,
                        t.status.value,
                        kwh(t.energy_wh),
                        kwh(t.delivered_wh),
                        t.energy_price,
                        t.fee,
                        "" if t.amount is None else t.amount,
                        "" if t.shortfall is None else t.shortfall.value,
                    ]
                )
    return csv_response(CSV_COLUMNS, rows, "transactions.csv")


@router.get("/transactions/{transaction_id}", operation_id="transactions-get")
async def get_transaction(transaction_id: RowId, user: CurrentUser, session: SessionDep) -> TransactionOut:
    transaction = await session.get(Transaction, transaction_id)
    if transaction is None:
        raise not_found(ErrorCode.TRANSACTION_NOT_FOUND, f"transaction {transaction_id}", id=transaction_id)
    if user.role is not UserRole.ADMIN:
        owned = await owned_sites(session, user)
        if not {transaction.buyer_site_id, transaction.seller_site_id} & owned:
            raise not_found(
                ErrorCode.TRANSACTION_NOT_FOUND, f"transaction {transaction_id}", id=transaction_id
            )
    return TransactionOut.model_validate(transaction)
