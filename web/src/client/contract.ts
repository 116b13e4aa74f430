/**
 * Compile-time check that the hub's API (types generated from its OpenAPI schema by
 * scripts/generate-client.sh into hub.gen.ts) still fits what the dashboard reads.
 * If the hub renames or retypes a field we use, `npm run typecheck` fails here.
 */
import type { LoginResult, User } from "../api/auth";
import type { Community, CommunityStats, SiteHistory, SiteSnapshot } from "../api/types";
import type { components } from "./hub.gen";

type Schemas = components["schemas"];

/** `true` only when every value of A can be used where the dashboard expects a B. */
type Fits<A, B> = [A] extends [B] ? true : false;

/** The raw market fields api/normalize.ts reads. */
interface Order {
  id: number;
  site: string | null;
  mine: boolean;
  amount_kwh: number;
  window_start: string;
  window_end: string;
  status: string;
  created_at: string;
}

export const hubContract: {
  sites: Fits<Schemas["SiteLive"], SiteSnapshot>;
  me: Fits<Schemas["Me"], User>;
  login: Fits<Schemas["LoginResult"], LoginResult>;
  requests: Fits<Schemas["RequestOut"], Order & { urgency: string; max_price_per_kwh: number }>;
  offers: Fits<Schemas["OfferOut"], Order & { min_price_per_kwh: number }>;
  transactions: Fits<
    Schemas["TransactionOut"],
    {
      seller_site_id: string;
      buyer_site_id: string;
      amount_kwh: number;
      delivered_kwh: number;
      price_per_kwh: number;
      status: string;
      failure_reason: string | null;
    }
  >;
  notifications: Fits<Schemas["NotificationOut"], { id: number; title: string; body: string; read_at: string | null }>;
  communities: Fits<Schemas["CommunityOut"], Community>;
  stats: Fits<Schemas["CommunityStats"], CommunityStats>;
  history: Fits<Schemas["History"], SiteHistory>;
} = {
  sites: true,
  me: true,
  login: true,
  requests: true,
  offers: true,
  transactions: true,
  notifications: true,
  communities: true,
  stats: true,
  history: true,
};
