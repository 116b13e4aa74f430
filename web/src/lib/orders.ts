/** Market orders: what a site may place, the words for their states, and live updates by id. */
import type { Asset, SiteSnapshot } from "../api/types";

export type OrderKind = "request" | "offer";
export type StandingKind = "sell_surplus" | "sell_battery" | "buy_deficit";
export type Source = "solar" | "wind" | "battery";

const STATES = new Set(["open", "matched", "partly_matched", "cancelled", "expired"]);

/** "open" → "market.status.open"; unknown states get no key (they are shown as they come). */
export function orderStatusKey(status: string | undefined): string | undefined {
  if (!status) return undefined;
  const state = status.toLowerCase();
  return STATES.has(state) ? `market.status.${state}` : undefined;
}

export const isOpen = (status: string | undefined): boolean => status?.toLowerCase() === "open";

/** The hub cancels orders that are open or partly matched. */
export const isCancellable = (status: string | undefined): boolean => status === "open" || status === "partly_matched";

/** Consumers may only request, providers only offer, hybrids both (hub/market/orders.py). */
export function orderKindsFor(kind: string | undefined): OrderKind[] {
  if (kind === "consumer") return ["request"];
  if (kind === "provider") return ["offer"];
  return ["request", "offer"];
}

const hasBattery = (assets: readonly Asset[] | undefined) => (assets ?? []).some((a) => a.kind === "battery" && Boolean(a.energy_kwh));

/** Standing orders a site may keep: buying for consumers, selling for providers, sell_battery only with a battery. */
export function standingKindsFor(site: Pick<SiteSnapshot, "kind" | "assets">): StandingKind[] {
  const kinds: StandingKind[] = [];
  if (site.kind !== "consumer") kinds.push("sell_surplus");
  if (site.kind !== "consumer" && hasBattery(site.assets)) kinds.push("sell_battery");
  if (site.kind !== "provider") kinds.push("buy_deficit");
  return kinds;
}

const SOURCES: Source[] = ["solar", "wind", "battery"];

/** Sources an offer may name: the site's own generation and storage, else all of them. */
export function sourcesFor(site: Pick<SiteSnapshot, "assets"> | undefined): Source[] {
  const own = SOURCES.filter((source) => (site?.assets ?? []).some((a) => a.kind === source));
  return own.length > 0 ? own : SOURCES;
}

interface OrderView {
  id: number | string;
  site: string | null;
  mine: boolean;
  explanation?: unknown;
  distance_km?: number | null;
  preferred_partners?: string[];
  excluded_partners?: string[];
}

/**
 * An order event into the cached list (newest first). The owner gets two copies of each event: the
 * market channel's public one (no site, no partners) and the site channel's full one, in either
 * order, so a public copy never wipes what the full one told us; a provider's copy carries
 * `distance_km`, which a later copy without it keeps.
 */
export function upsertOrder<T extends OrderView>(list: readonly T[], incoming: T): T[] {
  const index = list.findIndex((item) => item.id === incoming.id);
  if (index < 0) return [incoming, ...list];
  const before = list[index] as T;
  let merged: T = { ...before, ...incoming };
  if (before.mine && !incoming.mine) {
    merged = { ...merged, site: before.site, mine: true, explanation: before.explanation };
    if (before.preferred_partners) merged = { ...merged, preferred_partners: before.preferred_partners };
    if (before.excluded_partners) merged = { ...merged, excluded_partners: before.excluded_partners };
  }
  if (incoming.distance_km == null && before.distance_km != null) merged = { ...merged, distance_km: before.distance_km };
  const next = [...list];
  next[index] = merged;
  return next;
}

/** Anything with a start: interval results, newest first, one per start. */
export function upsertResult<T extends { start: string }>(results: readonly T[], incoming: T, keep = 24): T[] {
  const at = Date.parse(incoming.start);
  const rest = results.filter((r) => Date.parse(r.start) !== at);
  return [incoming, ...rest].sort((a, b) => Date.parse(b.start) - Date.parse(a.start)).slice(0, keep);
}

/**
 * The next gate closure at `now` (hub time): the overview's `next_gate`, moved on by whole
 * intervals once it has passed (so the countdown keeps going between refetches).
 */
export function nextGate(gateIso: string, intervalMinutes: number, now: number): number | null {
  const gate = Date.parse(gateIso);
  if (Number.isNaN(gate)) return null;
  const step = intervalMinutes * 60_000;
  if (gate > now || !(step > 0)) return gate;
  return gate + Math.ceil((now - gate + 1) / step) * step;
}

/** 65 s → "1:05", 3725 s → "1:02:05"; never negative. */
export function formatCountdown(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const two = (n: number) => String(n).padStart(2, "0");
  return h > 0 ? `${h}:${two(m)}:${two(s)}` : `${m}:${two(s)}`;
}

/** Still in the book: the hub matches it in a later clearing (`?active=true` lists only these). */
export const isInBook = (status: string | undefined): boolean => status === "open" || status === "partly_matched";

/**
 * Which list of orders a cached answer is: the plain list (everything the caller may see), the
 * book (`?active=true`: open or partly matched, window not over) or the caller's own (`?mine=true`).
 */
export type OrderScope = "all" | "active" | "mine";

interface LiveOrder extends OrderView {
  status?: string;
}

/**
 * An order event into one cached list: the plain list upserts it; the book drops an order once it
 * has left the book (matched, expired, cancelled); the caller's own list takes the owner's copy, and
 * a public copy only of an order it already holds.
 */
export function applyOrderEvent<T extends LiveOrder>(list: readonly T[], incoming: T, scope: OrderScope): T[] {
  if (scope === "active" && !isInBook(incoming.status)) return list.filter((item) => item.id !== incoming.id);
  if (scope === "mine" && !incoming.mine && !list.some((item) => item.id === incoming.id)) return [...list];
  return upsertOrder(list, incoming);
}

const createdAt = (order: { created_at?: string | null }): number => {
  const at = order.created_at ? Date.parse(order.created_at) : Number.NaN;
  return Number.isNaN(at) ? Number.NEGATIVE_INFINITY : at;
};

/**
 * The market's list: the neighbours' orders (the book, or everything) and the caller's own, one
 * entry per id (the own list's copy wins: it is the full one), newest first (ties: higher id first).
 */
export function mergeOrderLists<T extends OrderView & { created_at?: string | null }>(others: readonly T[], mine: readonly T[]): T[] {
  const byId = new Map<T["id"], T>();
  for (const order of others) byId.set(order.id, order);
  for (const order of mine) {
    const before = byId.get(order.id);
    byId.set(order.id, before ? upsertOrder([before], order)[0]! : order);
  }
  return [...byId.values()].sort((a, b) => createdAt(b) - createdAt(a) || (Number(b.id) || 0) - (Number(a.id) || 0));
}
