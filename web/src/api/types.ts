/** Shapes served by the hub. Keep in step with hub's API (GET /api/sites, /ws). */
import type { Explanation } from "../lib/explanations";

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

export interface Asset {
  kind: "solar" | "wind" | "battery" | string;
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
}

/** Server pushes whose content we don't read yet; they only tell us a resource changed. */
export interface ResourceEvent {
  type: "request" | "offer" | "transaction" | "stats";
}

export type LiveEvent = ReadingEvent | StatusEvent | NotificationEvent | ResourceEvent;

/*
 * Resources the hub is still building. These are the shapes the dashboard reads;
 * every field beyond `id` is optional so a partial hub response still renders.
 */

export interface GeoPoint {
  lat: number;
  lon: number;
}

export type Urgency = "low" | "normal" | "high";

export interface EnergyRequest {
  id: string | number;
  community?: string;
  /** Null for neighbours' requests (the hub hides whose they are). */
  site?: string;
  /** Posted from one of the caller's sites. */
  mine?: boolean;
  amount_wh?: number;
  urgency?: Urgency | string;
  max_price_per_kwh?: number | null;
  currency?: string;
  status?: string;
  created_at?: string;
  window_start?: string | null;
  window_end?: string | null;
  /** The latest market clearing's word on this request; null before its first clearing. */
  explanation?: Explanation | null;
}

export interface EnergyOffer {
  id: string | number;
  community?: string;
  site?: string;
  mine?: boolean;
  amount_wh?: number;
  /** The least the seller accepts. */
  price_per_kwh?: number | null;
  currency?: string;
  status?: string;
  created_at?: string;
  window_start?: string | null;
  window_end?: string | null;
  /** The latest market clearing's word on this offer; null before its first clearing. */
  explanation?: Explanation | null;
}

export interface Transaction {
  id: string | number;
  community?: string;
  from_site?: string;
  to_site?: string;
  amount_wh?: number;
  price_per_kwh?: number | null;
  total_price?: number | null;
  delivered_wh?: number;
  currency?: string;
  status?: string;
  failure_reason?: string | null;
  created_at?: string;
  completed_at?: string | null;
  window_start?: string | null;
  window_end?: string | null;
}

export interface AppNotification {
  id: string | number;
  title?: string;
  message?: string;
  level?: "info" | "success" | "warning" | "error";
  created_at?: string;
  read?: boolean;
}

/** GET /api/communities/{id}/stats: totals over a period (kWh, self-sufficiency 0…1). */
export interface CommunityStats {
  community: string;
  start?: string;
  end?: string;
  sites?: number;
  produced_kwh?: number;
  consumed_kwh?: number;
  shared_kwh?: number;
  imported_kwh?: number;
  exported_kwh?: number;
  self_sufficiency?: number;
  co2_avoided_kg?: number;
  savings?: number;
  currency?: string;
}

/** GET /api/communities: the caller's communities and their tariffs. */
export interface Community {
  id: string;
  name: string;
  currency: string;
  retail_price_per_kwh?: number;
  feed_in_price_per_kwh?: number;
  settlement_interval_min?: number;
  co2_g_per_kwh?: number;
}

/** One bucket of GET /api/sites/{id}/history (energy in kWh over the bucket). */
export interface HistoryPoint {
  start: string;
  import_kwh: number;
  export_kwh: number;
  production_kwh: number;
  consumption_kwh: number;
  charge_kwh: number;
  discharge_kwh: number;
  readings: number;
}

export interface SiteHistory {
  site: string;
  period: "15min" | "hour" | "day" | "month";
  start: string;
  end: string;
  points: HistoryPoint[];
}
