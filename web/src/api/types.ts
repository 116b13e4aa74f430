/**
 * The hub's REST shapes, by the names the dashboard uses: each is the generated type itself
 * (hub.gen.ts, from the hub's OpenAPI schema by `make schemas`), never a copy. What the
 * dashboard relies on about them (integer Wh, money as decimal strings) is pinned in
 * client/contract.ts.
 */
import type { components, operations } from "../client/hub.gen";

type Schemas = components["schemas"];

export type Unit = Schemas["Unit"];
/** A value with its unit; `value` is null when the device reports "not implemented". */
export type Quantity = Schemas["Quantity"];
/** One sample of one device (or of the whole site, `device: "site"`). */
export type Reading = Schemas["Reading"];
export type SiteKind = Schemas["SiteKind"];
/** A site's generation or storage; neighbours' sites carry the kind only (capacities 0). */
export type Asset = Schemas["Asset"];
/** GET /api/sites: full for the caller's own sites, coarse for the neighbours' (no reading). */
export type SiteSnapshot = Schemas["SiteLive"];
/** Exact for own sites, rounded for neighbours' providers. */
export type GeoPoint = Schemas["Location"];
/** GET /api/health: the hub declares no model for it, so its fields are read with a check. */
export type Health = operations["health-get"]["responses"][200]["content"]["application/json"];

export type Urgency = Schemas["Urgency"];
export type OrderStatus = Schemas["OrderStatus"];
/** Why an order did or did not trade at the latest clearing. */
export type Explanation = Schemas["ExplanationOut"];
/** GET /api/requests: energy in Wh, prices as decimal strings ("0.1500"). */
export type EnergyRequest = Schemas["RequestOut"];
export type EnergyOffer = Schemas["OfferOut"];
export type RequestCreate = Schemas["RequestCreate"];
export type OfferCreate = Schemas["OfferCreate"];
/** GET /api/transactions: energy price + fee = buyer price, per kWh. */
export type Transaction = Schemas["TransactionOut"];
/** One interval's clearing: price, volume, trades, community share. */
export type IntervalResult = Schemas["IntervalResult"];
/** GET /api/communities/{id}/market. */
export type MarketOverview = Schemas["MarketOverview"];
export type StandingOrder = Schemas["StandingOrderOut"];
export type StandingOrderCreate = Schemas["StandingOrderCreate"];

/** GET /api/notifications: the hub's own English title and body, with `kind` and `data` to word it anew. */
export type AppNotification = Schemas["NotificationOut"];

/** GET /api/communities/{id}/stats: totals over a period (kWh, self-sufficiency 0…1, savings a decimal string). */
export type CommunityStats = Schemas["CommunityStats"];

/** GET /api/communities: the caller's communities and their tariffs (prices as decimal strings). */
export type Community = Schemas["CommunityOut"];

/** One bucket of GET /api/sites/{id}/history (energy in kWh over the bucket). */
export type HistoryPoint = Schemas["HistoryPoint"];

/** A site's totals over a period, with the self-consumption and self-sufficiency the hub works out (0…1). */
export type EnergyTotals = Schemas["EnergyTotals"];

export type SiteHistory = Schemas["History"];

