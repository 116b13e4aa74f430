/** One TanStack Query key and fetcher per hub resource. */
import { getJson } from "./client";
import type { OrderKind, OrderScope } from "../lib/orders";
import type { Health, SiteSnapshot } from "./types";

/** `?active=true` / `?mine=true` on GET /api/requests and /api/offers (the hub's list filters). */
const SCOPE_QUERY: Record<OrderScope, string> = { all: "", active: "?active=true", mine: "?mine=true" };

export const endpoints = {
  health: "/api/health",
  clock: "/api/clock",
  config: "/api/config",
  sites: "/api/sites",
  requests: "/api/requests",
  offers: "/api/offers",
  /** One list of requests or offers: everything, the book (still matchable) or the caller's own. */
  orderList: (kind: OrderKind, scope: OrderScope) => `${kind === "request" ? "/api/requests" : "/api/offers"}${SCOPE_QUERY[scope]}`,
  transactions: "/api/transactions",
  notifications: "/api/notifications",
  communities: "/api/communities",
  communityStats: (community: string) => `/api/communities/${encodeURIComponent(community)}/stats`,
  siteHistory: (site: string) => `/api/sites/${encodeURIComponent(site)}/history`,
  market: (community: string) => `/api/communities/${encodeURIComponent(community)}/market`,
  /** Each provider of a community with what it offers in the current and next interval (the map). */
  providers: (community: string) => `/api/communities/${encodeURIComponent(community)}/providers`,
  standingOrders: (site: string) => `/api/sites/${encodeURIComponent(site)}/standing-orders`,
  standingOrder: (id: number) => `/api/standing-orders/${id}`,
} as const;

export const queryKeys = {
  me: ["me"] as const,
  health: ["health"] as const,
  clock: ["clock"] as const,
  config: ["config"] as const,
  sites: ["sites"] as const,
  /** Prefix of every requests list (all, active, mine): invalidating it refreshes them all. */
  requests: ["requests"] as const,
  offers: ["offers"] as const,
  /** One list: ["requests", "active"], ["offers", "mine"], … (live events update each by its scope). */
  orderList: (kind: OrderKind, scope: OrderScope) => [kind === "request" ? "requests" : "offers", scope] as const,
  transactions: ["transactions"] as const,
  notifications: ["notifications"] as const,
  /** Prefix of every community's stats key: invalidating it refreshes them all. */
  stats: ["stats"] as const,
  communities: ["communities"] as const,
  communityStats: (community: string) => ["stats", community] as const,
  /** A community's live figures, as the hub last pushed them (never fetched: outside the "stats" prefix). */
  liveStats: (community: string) => ["live-stats", community] as const,
  siteHistory: (site: string, period: string) => ["history", site, period] as const,
  /** A community's market overview: rules, next gate, latest results. */
  market: (community: string) => ["market", community] as const,
  standingOrders: (site: string) => ["standing-orders", site] as const,
  /** Prefix of every community's providers (the map's offers): invalidating it refreshes them all. */
  providers: ["providers"] as const,
  communityProviders: (community: string) => ["providers", community] as const,
};

export function fetchSites({ signal }: { signal?: AbortSignal } = {}): Promise<SiteSnapshot[]> {
  return getJson<SiteSnapshot[]>(endpoints.sites, signal);
}

export function fetchHealth({ signal }: { signal?: AbortSignal } = {}): Promise<Health> {
  return getJson<Health>(endpoints.health, signal);
}
