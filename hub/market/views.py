"""Orders as a caller may see them: in full when they are the caller's, coarsely otherwise."""

from __future__ import annotations

from typing import Any

from hub.api.schemas.market import ExplanationOut, OfferOut, RequestOut
from hub.db.models import EnergyRequest, Offer


def request_view(
    request: EnergyRequest, *, full: bool, mine: bool, distance_km: float | None = None
) -> RequestOut:
    """``full``: the site and partner lists (owner, admin); others see only what the market needs."""
    return RequestOut(
        **_order_fields(request, full, mine),
        distance_km=distance_km,
        urgency=request.urgency,
        max_price=request.max_price,
        green_only=request.green_only,
        max_distance_km=request.max_distance_km,
        preferred_partners=list(request.preferred_partners) if full else [],
        excluded_partners=list(request.excluded_partners) if full else [],
    )


def offer_view(offer: Offer, *, full: bool, mine: bool) -> OfferOut:
    return OfferOut(**_order_fields(offer, full, mine), min_price=offer.min_price, source=offer.source)


def _order_fields(order: EnergyRequest | Offer, full: bool, mine: bool) -> dict[str, Any]:
    explanation = order.explanation if full else _public(order.explanation)
    return {
        "id": order.id,
        "community": order.community,
        "site": order.site_id if full else None,
        "mine": mine,
        "energy_wh": order.energy_wh,
        "window_start": order.window_start,
        "window_end": order.window_end,
        "status": order.status,
        "filled_wh": order.filled_wh,
        "grid_wh": order.grid_wh,
        "standing": order.standing_order_id is not None,
        "explanation": None if explanation is None else ExplanationOut.model_validate(explanation),
        "created_at": order.created_at,
    }


def _public(explanation: dict[str, Any] | None) -> dict[str, Any] | None:
    """Neighbours see why an order traded or not, but not with whom."""
    if explanation is None:
        return None
    params = {k: v for k, v in (explanation.get("params") or {}).items() if k != "partners"}
    rest = explanation.get("rest")
    return {
        "code": explanation["code"],
        "params": params,
        "rest": _public(rest) if isinstance(rest, dict) else None,
    }
