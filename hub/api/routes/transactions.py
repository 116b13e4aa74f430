"""Transactions: the trades the market made, read-only (the coordinator creates them)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from sqlalchemy import or_, select

from hub.api.deps import CurrentUser, RowId, SessionDep
from hub.api.errors import not_found
from hub.api.schemas.market import TransactionOut
from hub.db.models import Transaction, TransactionStatus, UserRole
from hub.privacy import owned_sites

router = APIRouter(tags=["transactions"])


@router.get("/transactions", operation_id="transactions-list")
async def list_transactions(
    user: CurrentUser,
    session: SessionDep,
    status_: Annotated[TransactionStatus | None, Query(alias="status")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[TransactionOut]:
    """The caller's trades (as buyer or seller), newest first. Admins see all."""
    query = select(Transaction).order_by(Transaction.id.desc()).limit(limit)
    if user.role is not UserRole.ADMIN:
        owned = await owned_sites(session, user)
        query = query.where(or_(Transaction.buyer_site_id.in_(owned), Transaction.seller_site_id.in_(owned)))
    if status_ is not None:
        query = query.where(Transaction.status == status_)
    return [TransactionOut.model_validate(t) for t in await session.scalars(query)]


@router.get("/transactions/{transaction_id}", operation_id="transactions-get")
async def get_transaction(transaction_id: RowId, user: CurrentUser, session: SessionDep) -> TransactionOut:
    transaction = await session.get(Transaction, transaction_id)
    if transaction is None:
        raise not_found(f"transaction {transaction_id}")
    if user.role is not UserRole.ADMIN:
        owned = await owned_sites(session, user)
        if not {transaction.buyer_site_id, transaction.seller_site_id} & owned:
            raise not_found(f"transaction {transaction_id}")
    return TransactionOut.model_validate(transaction)
