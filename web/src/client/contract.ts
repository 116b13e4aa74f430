/**
 * Compile-time pins on the hub's API (types generated from its OpenAPI schema by
 * scripts/generate-client.sh into hub.gen.ts). The dashboard reads those types directly
 * (api/types.ts), so a renamed or retyped field it uses fails the typecheck where it is used;
 * what is pinned here is what it relies on beyond a field's name: energy in Wh as numbers
 * (integers on the hub's side) and money as exact decimal strings, never floats, plus the
 * list filters it writes into URLs by hand.
 */
import type { components, operations } from "./hub.gen";

type Schemas = components["schemas"];

/** `true` only when every value of A can be used where the dashboard expects a B. */
type Fits<A, B> = [A] extends [B] ? true : false;

export const hubContract: {
  requests: Fits<Schemas["RequestOut"], { energy_wh: number; filled_wh: number; grid_wh: number; max_price: string }>;
  offers: Fits<Schemas["OfferOut"], { energy_wh: number; filled_wh: number; grid_wh: number; min_price: string }>;
  /** The market page's lists: `?active=true` (the book) and `?mine=true` (one's own). */
  listFilters: Fits<{ active: boolean; mine: boolean }, NonNullable<operations["requests-list"]["parameters"]["query"]> & NonNullable<operations["offers-list"]["parameters"]["query"]>>;
  /** The form sends prices as strings and energy as integers; the hub must take both. */
  requestBody: Fits<{ max_price: string; energy_wh: number; preferred_partners: string[]; excluded_partners: string[]; max_distance_km: number | null }, Partial<Schemas["RequestCreate"]>>;
  offerBody: Fits<{ min_price: string; energy_wh: number; source: "solar" | "wind" | "battery" }, Partial<Schemas["OfferCreate"]>>;
  transactions: Fits<
    Schemas["TransactionOut"],
    { energy_wh: number; delivered_wh: number; energy_price: string; fee: string; buyer_price: string }
  >;
  results: Fits<Schemas["IntervalResult"], { price: string | null; volume_wh: number }>;
  overview: Fits<Schemas["MarketOverview"], { feed_in_price: string; retail_price: string }>;
  standing: Fits<Schemas["StandingOrderOut"], { price: string }>;
  standingBody: Fits<{ kind: "sell_battery"; price: string; min_soc_pct: number | null; active: boolean }, Schemas["StandingOrderCreate"]>;
  communities: Fits<Schemas["CommunityOut"], { retail_price_per_kwh: string; feed_in_price_per_kwh: string }>;
  stats: Fits<Schemas["CommunityStats"], { savings: string }>;
  providers: Fits<Schemas["ProviderOut"], { min_price_per_kwh: string | null; on_offer: { energy_wh: number; min_price_per_kwh: string | null }[] }>;
} = {
  requests: true,
  offers: true,
  listFilters: true,
  requestBody: true,
  offerBody: true,
  transactions: true,
  results: true,
  overview: true,
  standing: true,
  standingBody: true,
  communities: true,
  stats: true,
  providers: true,
};
