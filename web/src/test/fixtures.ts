/** Builders for hub payloads used across tests. */
import type { Quantity, Reading, SiteSnapshot, Unit } from "../api/types";

export function reading(values: Record<string, number | null>, seq = 1, ts = "2026-01-01T12:00:00Z"): Reading {
  const unitOf = (name: string): Unit => (name.endsWith("_pct") ? "%" : name.endsWith("_wh") ? "Wh" : "W");
  const entries = Object.entries(values).map(([name, value]): [string, Quantity] => [name, { value, unit: unitOf(name) }]);
  return { seq, ts, device: "site", values: Object.fromEntries(entries) };
}

export function site(name: string, values: Record<string, number | null> | null, community = "demo"): SiteSnapshot {
  const r = values === null ? null : reading(values);
  return { community, site: name, online: r !== null, last_seen: r?.ts ?? null, reading: r };
}

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
