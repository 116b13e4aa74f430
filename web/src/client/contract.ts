/**
 * Compile-time check that the hub's API (types generated from its OpenAPI schema by
 * scripts/generate-client.sh into hub.gen.ts) still fits what the dashboard reads.
 * If the hub renames or retypes a field we use, `npm run typecheck` fails here.
 *
 * The market's shapes (orders, trades, results, overview, standing orders) are the generated
 * types themselves (api/types.ts); what is pinned here is what the dashboard relies on about
 * them: energy in integer Wh and money as exact decimal strings, never floats.
 */
import type { LoginResult, User } from "../api/auth";
import type { Asset, CommunityStats, Explanation, SiteHistory, SiteSnapshot } from "../api/types";
import type { components, operations } from "./hub.gen";

type Schemas = components["schemas"];

/** `true` only when every value of A can be used where the dashboard expects a B. */
type Fits<A, B> = [A] extends [B] ? true : false;

/** What the order cards, the calendar and the live upsert read of every order. */
interface Order {
  id: number;
  site: string | null;
  mine: boolean;
  energy_wh: number;
  filled_wh: number;
  grid_wh: number;
  window_start: string;
  window_end: string;
  status: "open" | "partly_matched" | "matched" | "expired" | "cancelled";
  standing: boolean;
  explanation: Explanation | null;
  created_at: string;
}

export const hubContract: {
  sites: Fits<Schemas["SiteLive"], SiteSnapshot>;
  siteKinds: Fits<Schemas["SiteKind"], "consumer" | "provider" | "hybrid">;
  assets: Fits<Schemas["Asset"], Asset>;
  me: Fits<Schemas["Me"], User>;
  login: Fits<Schemas["LoginResult"], LoginResult>;
  requests: Fits<
    Schemas["RequestOut"],
    Order & {
      urgency: "low" | "normal" | "high" | "critical";
      max_price: string;
      green_only: boolean;
      max_distance_km: number | null;
      preferred_partners: string[];
      excluded_partners: string[];
    }
  >;
  /** The market page's lists: `?active=true` (the book) and `?mine=true` (one's own). */
  listFilters: Fits<{ active: boolean; mine: boolean }, NonNullable<operations["requests-list"]["parameters"]["query"]> & NonNullable<operations["offers-list"]["parameters"]["query"]>>;
  offers: Fits<Schemas["OfferOut"], Order & { min_price: string; source: "solar" | "wind" | "battery" }>;
  /** The form sends prices as strings and energy as integers; the hub must take both. */
  requestBody: Fits<{ max_price: string; energy_wh: number; preferred_partners: string[]; excluded_partners: string[]; max_distance_km: number | null }, Partial<Schemas["RequestCreate"]>>;
  offerBody: Fits<{ min_price: string; energy_wh: number; source: "solar" | "wind" | "battery" }, Partial<Schemas["OfferCreate"]>>;
  transactions: Fits<
    Schemas["TransactionOut"],
    {
      seller_site_id: string;
      buyer_site_id: string;
      energy_wh: number;
      delivered_wh: number;
      energy_price: string;
      fee: string;
      buyer_price: string;
      status: string;
      failure_reason: string | null;
    }
  >;
  results: Fits<
    Schemas["IntervalResult"],
    { community: string; start: string; price: string | null; volume_wh: number; trades: number; community_share: number }
  >;
  overview: Fits<
    Schemas["MarketOverview"],
    { currency: string; interval_minutes: number; feed_in_price: string; retail_price: string; next_gate: string; now: string }
  >;
  standing: Fits<
    Schemas["StandingOrderOut"],
    { id: number; site: string; kind: "sell_surplus" | "sell_battery" | "buy_deficit"; price: string; min_soc_pct: number | null; active: boolean }
  >;
  standingBody: Fits<{ kind: "sell_battery"; price: string; min_soc_pct: number | null; active: boolean }, Schemas["StandingOrderCreate"]>;
  notifications: Fits<Schemas["NotificationOut"], { id: number; title: string; body: string; read_at: string | null }>;
  communities: Fits<Schemas["CommunityOut"], { id: string; currency: string; retail_price_per_kwh: string; feed_in_price_per_kwh: string }>;
  stats: Fits<Schemas["CommunityStats"], CommunityStats>;
  history: Fits<Schemas["History"], SiteHistory>;
} = {
  sites: true,
  siteKinds: true,
  assets: true,
  me: true,
  login: true,
  requests: true,
  listFilters: true,
  offers: true,
  requestBody: true,
  offerBody: true,
  transactions: true,
  results: true,
  overview: true,
  standing: true,
  standingBody: true,
  notifications: true,
  communities: true,
  stats: true,
  history: true,
};
