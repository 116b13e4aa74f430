"""Orders as a caller may see them: in full when they are the caller's, coarsely otherwise."""

from __future__ import annotations

from hub.api.schemas.market import ExplanationOut, OfferOut, RequestOut
from hub.db.models import EnergyRequest, Offer


def request_view(
    request: EnergyRequest, *, full: bool, mine: bool, distance_km: float | None = None
) -> RequestOut:
    """``full``: the site and partner lists (owner, admin); others see only what the market needs."""
    return RequestOut(
        id=request.id,
        community=request.community,
        site=request.site_id if full else None,
        mine=mine,
        energy_wh=request.energy_wh,
        window_start=request.window_start,
        window_end=request.window_end,
        status=request.status,
        filled_wh=request.filled_wh,
        grid_wh=request.grid_wh,
        standing=request.standing_order_id is not None,
        explanation=_explanation(request.explanation if full else _public(request.explanation)),
        distance_km=distance_km,
        created_at=request.created_at,
        urgency=request.urgency,
        max_price=request.max_price,
        green_only=request.green_only,
        max_distance_km=request.max_distance_km,
        preferred_partners=list(request.preferred_partners) if full else [],
        excluded_partners=list(request.excluded_partners) if full else [],
    )


def offer_view(offer: Offer, *, full: bool, mine: bool) -> OfferOut:
    return OfferOut(
        id=offer.id,
        community=offer.community,
        site=offer.site_id if full else None,
        mine=mine,
        energy_wh=offer.energy_wh,
        window_start=offer.window_start,
        window_end=offer.window_end,
        status=offer.status,
        filled_wh=offer.filled_wh,
        grid_wh=offer.grid_wh,
        standing=offer.standing_order_id is not None,
        explanation=_explanation(offer.explanation if full else _public(offer.explanation)),
        created_at=offer.created_at,
        min_price=offer.min_price,
        source=offer.source,
    )


def _public(explanation: dict[str, object] | None) -> dict[str, object] | None:
    """Neighbours see why an order traded or not, but not with whom."""
    if explanation is None:
        return None
    params = {k: v for k, v in dict(explanation.get("params") or {}).items() if k != "partners"}  # type: ignore[call-overload]
    rest = explanation.get("rest")
    return {
        "code": explanation["code"],
        "params": params,
        "rest": _public(rest) if isinstance(rest, dict) else None,
    }


def _explanation(data: dict[str, object] | None) -> ExplanationOut | None:
    return None if data is None else ExplanationOut.model_validate(data)
