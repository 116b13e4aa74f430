/** Builders for hub payloads used across tests. */
import type { Bill } from "../api/bills";
import type { Asset, CommunityStats, EnergyOffer, EnergyRequest, IntervalResult, MarketOverview, Quantity, Reading, SiteSnapshot, Transaction, Unit } from "../api/types";

export function reading(values: Record<string, number | null>, seq = 1, ts = "2026-01-01T12:00:00Z"): Reading {
  const unitOf = (name: string): Unit => (name.endsWith("_pct") ? "%" : name.endsWith("_wh") ? "Wh" : "W");
  const entries = Object.entries(values).map(([name, value]): [string, Quantity] => [name, { value, unit: unitOf(name) }]);
  return { seq, ts, device: "site", values: Object.fromEntries(entries) };
}

export function site(name: string, values: Record<string, number | null> | null, community = "demo"): SiteSnapshot {
  const r = values === null ? null : reading(values);
  return { community, site: name, online: r !== null, last_seen: r?.ts ?? null, reading: r, name: "", kind: "hybrid", mine: true };
}

/** A declared asset; neighbours' sites come with capacities of 0 (the hub shares kinds only). */
export const asset = (kind: Asset["kind"], power_kw = 0): Asset => ({ kind, power_kw });

export type RouteHandler = (init: RequestInit | undefined) => Response | Promise<Response>;
/** A JSON body to answer with, or a handler building the response. */
export type RouteAnswer = RouteHandler | object | string | number | boolean | null;

export const json = (body: unknown, status = 200): Response =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });

/**
 * A fetch stub answering by "METHOD /path" or just "/path" (GET); a function answer gets the
 * request init. Unknown paths get a 404 like the hub.
 */
export function stubFetch(routes: Record<string, RouteAnswer>) {
  return async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const url = typeof input === "string" ? input : input instanceof URL ? input.pathname + input.search : input.url;
    // Match on the path; the query string is the page's business (tests may inspect fetch calls).
    const path = url.split("?")[0] ?? url;
    const method = (init?.method ?? "GET").toUpperCase();
    const key = `${method} ${path}` in routes ? `${method} ${path}` : method === "GET" && path in routes ? path : null;
    if (key === null) return json({ detail: "Not Found" }, 404);
    const answer = routes[key];
    return typeof answer === "function" ? (answer as RouteHandler)(init) : json(answer);
  };
}

/*
 * Market payloads in the hub's shapes (RequestOut, OfferOut, TransactionOut, IntervalResult,
 * MarketOverview): every field present, so the fixtures drift with the generated types.
 */

const WINDOW = { window_start: "2026-01-05T17:00:00Z", window_end: "2026-01-05T19:00:00Z" };

export function request(fields: Partial<EnergyRequest> = {}): EnergyRequest {
  return {
    id: 1,
    community: "demo",
    site: "alpha",
    mine: true,
    energy_wh: 2000,
    ...WINDOW,
    status: "open",
    filled_wh: 0,
    grid_wh: 0,
    standing: false,
    explanation: null,
    created_at: "2026-01-05T12:00:00Z",
    urgency: "normal",
    max_price: "0.3000",
    green_only: false,
    max_distance_km: null,
    preferred_partners: [],
    excluded_partners: [],
    ...fields,
  };
}

export function offer(fields: Partial<EnergyOffer> = {}): EnergyOffer {
  return {
    id: 1,
    community: "demo",
    site: "alpha",
    mine: true,
    energy_wh: 1000,
    ...WINDOW,
    status: "open",
    filled_wh: 0,
    grid_wh: 0,
    standing: false,
    explanation: null,
    created_at: "2026-01-05T12:00:00Z",
    min_price: "0.0800",
    source: "solar",
    ...fields,
  };
}

export function transaction(fields: Partial<Transaction> = {}): Transaction {
  return {
    id: 1,
    community: "demo",
    request_id: 1,
    offer_id: 2,
    seller_site_id: "beta",
    buyer_site_id: "alpha",
    energy_wh: 500,
    energy_price: "0.1800",
    fee: "0.0100",
    buyer_price: "0.1900",
    distance_km: 0.4,
    mechanism: "pay_as_clear",
    delivered_wh: 0,
    status: "scheduled",
    shortfall: null,
    amount: null,
    at_risk: false,
    dispatch: null,
    ...WINDOW,
    failure_reason: null,
    created_at: "2026-01-05T12:00:00Z",
    updated_at: "2026-01-05T12:00:00Z",
    ...fields,
  };
}

export function intervalResult(fields: Partial<IntervalResult> = {}): IntervalResult {
  return {
    community: "demo",
    start: "2026-01-05T11:45:00Z",
    end: "2026-01-05T12:00:00Z",
    mechanism: "pay_as_clear",
    price: "0.1800",
    volume_wh: 1500,
    trades: 2,
    requests: 3,
    offers: 2,
    requested_wh: 2000,
    offered_wh: 1500,
    grid_import_wh: 500,
    grid_export_wh: 0,
    community_share: 0.75,
    cleared_at: "2026-01-05T11:40:00Z",
    ...fields,
  };
}

export function marketOverview(fields: Partial<MarketOverview> = {}): MarketOverview {
  return {
    community: "demo",
    currency: "EUR",
    mechanism: "pay_as_clear",
    interval_minutes: 15,
    gate_lead_s: 300,
    feed_in_price: "0.0800",
    retail_price: "0.3000",
    grid_fee: { bands: [{ up_to_km: 1, fee: "0.0100" }, { up_to_km: null, fee: "0.0300" }], per_km: null, cap: null },
    now: "2026-01-05T12:00:00Z",
    open_interval: "2026-01-05T12:15:00Z",
    next_gate: "2026-01-05T12:10:00Z",
    results: [intervalResult()],
    ...fields,
  };
}

/** A household's bill (BillOut) for June 2026: bought from a neighbour and the grid, sold to the grid, one correction. */
export function bill(fields: Partial<Bill> = {}): Bill {
  const statement = {
    bought_from_neighbours: { energy_wh: 1500, amount: "0.2700" },
    bought_from_grid: { energy_wh: 2000, amount: "0.6000" },
    sold_to_neighbours: { energy_wh: 0, amount: "0.0000" },
    sold_to_grid: { energy_wh: 3600, amount: "-0.2880" },
    allocation_received: { energy_wh: 0, amount: "0.0000" },
    allocation_given: { energy_wh: 0, amount: "0.0000" },
    grid_fees: { energy_wh: 0, amount: "0.0150" },
    adjustments: [
      {
        interval_start: "2026-06-10T08:00:00Z",
        revision: 2,
        correction: { code: "late_readings" as const, sites: ["beta"] },
        note: "late readings from beta",
        amount: "-0.0200",
        import_wh: -100,
        export_wh: 0,
      },
    ],
    adjustments_total: "-0.0200",
    total: "0.5770",
    import_wh: 3500,
    export_wh: 3600,
    grid_only: "0.7620",
    savings: "0.1850",
  };
  return {
    ...statement,
    community: "demo",
    household: 5,
    start: "2026-05-31T22:00:00Z",
    end: "2026-06-30T22:00:00Z",
    month: "2026-06",
    currency: "EUR",
    sites: [{ ...statement, site: "alpha" }],
    ...fields,
  };
}

/** A day of community statistics as the hub serves them (start, end: the day asked). */
export function communityStats(fields: Partial<CommunityStats> = {}): CommunityStats {
  return {
    community: "demo",
    start: "2026-01-05T00:00:00Z",
    end: "2026-01-06T00:00:00Z",
    sites: 2,
    produced_kwh: 30,
    consumed_kwh: 25,
    shared_kwh: 12.5,
    community_coverage_kwh: 20,
    imported_kwh: 5,
    exported_kwh: 10,
    self_sufficiency: 0.42,
    savings: "2.75",
    co2_avoided_kg: 4.75,
    currency: "EUR",
    ...fields,
  };
}
