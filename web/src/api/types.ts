/**
 * Shapes served by the hub. The market's come straight from the generated client (hub.gen.ts);
 * the older hand-written ones are held to the hub's schema by client/contract.ts.
 */
import type { components } from "../client/hub.gen";

type Schemas = components["schemas"];

export type Unit = "W" | "Wh" | "%" | "V" | "A" | "Hz" | "°C";

export interface Quantity {
  value: number | null;
  unit: Unit;
}

export interface Reading {
  seq: number;
  /** ISO-8601, UTC. */
  ts: string;
  device: string;
  values: Partial<Record<string, Quantity>>;
}

export type SiteKind = "provider" | "consumer" | "hybrid";

/** A site's generation or storage; neighbours' sites carry the kind only. */
export interface Asset {
  kind: Schemas["AssetKind"] | string;
  power_kw?: number;
  energy_kwh?: number | null;
}

export interface SiteSnapshot {
  community: string;
  site: string;
  online: boolean | null;
  last_seen: string | null;
  /** Newest snapshot; the hub sends null for neighbours' sites (privacy). */
  reading: Reading | null;
  name?: string;
  kind?: SiteKind | string;
  /** Owned by the signed-in user (admins: every site). Absent on hubs without accounts. */
  mine?: boolean;
  /** Exact for own sites, rounded for neighbours' providers, null otherwise. */
  location?: GeoPoint | null;
  assets?: Asset[];
}

export interface Health {
  status: string;
  ingest?: {
    accepted: number;
    duplicates: number;
    rejected: Record<string, number>;
  };
}

export interface ReadingEvent {
  type: "reading";
  community: string;
  site: string;
  reading: Reading;
}

export interface StatusEvent {
  type: "status";
  community: string;
  site: string;
  online: boolean;
  ts?: string;
}

export interface NotificationEvent {
  type: "notification";
  id?: string | number;
  title?: string;
  message?: string;
  level?: "info" | "success" | "warning" | "error";
  /** The hub's kind ("market" after a clearing, "transaction", "settlement" …). */
  kind?: string;
  /** The kind's figures (a settlement's site, interval, kWh and amounts), for wording it in the chosen language. */
  data?: Record<string, unknown>;
}

/** A request or offer as it changed (the market channel's copy is public, the owner's full). */
export interface RequestEvent {
  type: "request";
  request: EnergyRequest;
}

export interface OfferEvent {
  type: "offer";
  offer: EnergyOffer;
}

export interface TransactionEvent {
  type: "transaction";
  transaction: Transaction;
}

export interface MarketResultEvent {
  type: "market_result";
  result: IntervalResult;
}

/** A community's figures right now, as the hub works them out from every site's newest snapshot (watts). */
export interface LiveFigures {
  sites: number;
  /** Solar and wind. */
  production_w: number;
  wind_w?: number;
  consumption_w: number;
  import_w: number;
  export_w: number;
  /** 0…1: the share of consumption not drawn from outside the community; null without consumption. */
  self_sufficiency?: number | null;
}

/** Every few seconds per community: its live figures; its statistics may have changed too. */
export interface StatsEvent {
  type: "stats";
  community?: string;
  live?: LiveFigures;
}

export type LiveEvent = ReadingEvent | StatusEvent | NotificationEvent | RequestEvent | OfferEvent | TransactionEvent | MarketResultEvent | StatsEvent;

/*
 * Resources the hub is still building. These are the shapes the dashboard reads;
 * every field beyond `id` is optional so a partial hub response still renders.
 */

export interface GeoPoint {
  lat: number;
  lon: number;
}

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

export interface AppNotification {
  id: string | number;
  title?: string;
  message?: string;
  level?: "info" | "success" | "warning" | "error";
  created_at?: string;
  read?: boolean;
  kind?: string;
  data?: Record<string, unknown>;
}

/** GET /api/communities/{id}/stats: totals over a period (kWh, self-sufficiency 0…1). */
export interface CommunityStats {
  community: string;
  start?: string;
  end?: string;
  sites?: number;
  produced_kwh?: number;
  consumed_kwh?: number;
  /** Delivered between neighbours: trades and ex-post allocations. */
  shared_kwh?: number;
  /** The meters netted per interval, traded or not. */
  community_coverage_kwh?: number;
  imported_kwh?: number;
  exported_kwh?: number;
  self_sufficiency?: number;
  co2_avoided_kg?: number;
  /** Decimal string, like every amount of money the hub sends. */
  savings?: string;
  currency?: string;
}

/** GET /api/communities: the caller's communities and their tariffs (prices as decimal strings). */
export type Community = Schemas["CommunityOut"];

/** One bucket of GET /api/sites/{id}/history (energy in kWh over the bucket). */
export interface HistoryPoint {
  start: string;
  import_kwh: number;
  export_kwh: number;
  /** Solar and wind. */
  production_kwh: number;
  /** The wind part of production_kwh. */
  wind_kwh: number;
  consumption_kwh: number;
  charge_kwh: number;
  discharge_kwh: number;
  readings: number;
}

/** A site's totals over a period, with the self-consumption and self-sufficiency the hub works out (0…1). */
export type EnergyTotals = Schemas["EnergyTotals"];

export interface SiteHistory {
  site: string;
  period: "15min" | "hour" | "day" | "month";
  start: string;
  end: string;
  points: HistoryPoint[];
  totals: EnergyTotals;
}
