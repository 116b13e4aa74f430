/**
 * Map the hub's market JSON onto the shapes the pages render. The hub stores amounts in kWh
 * and names sites `site_id` / `seller_site_id`; older drafts used Wh and `site`. Both work.
 */
import type { Explanation } from "../lib/explanations";
import type { AppNotification, EnergyOffer, EnergyRequest, Transaction } from "./types";

type Raw = Record<string, unknown>;

const num = (value: unknown): number | undefined => (typeof value === "number" && Number.isFinite(value) ? value : undefined);
const str = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined);
/** The clearing's explanation as sent: anything with a string code; other shapes count as none. */
function explanation(value: unknown): Explanation | null {
  return typeof value === "object" && value !== null && typeof (value as Raw).code === "string" ? (value as Explanation) : null;
}
const id = (raw: Raw): string | number => (typeof raw.id === "number" || typeof raw.id === "string" ? raw.id : "?");

function wattHours(raw: Raw, name: "amount" | "delivered"): number | undefined {
  const wh = num(raw[`${name}_wh`]);
  if (wh !== undefined) return wh;
  const kwh = num(raw[`${name}_kwh`]);
  return kwh === undefined ? undefined : kwh * 1000;
}

const common = (raw: Raw) => ({
  id: id(raw),
  community: str(raw.community),
  site: str(raw.site) ?? str(raw.site_id),
  mine: typeof raw.mine === "boolean" ? raw.mine : undefined,
  amount_wh: wattHours(raw, "amount"),
  currency: str(raw.currency),
  status: str(raw.status),
  created_at: str(raw.created_at),
  window_start: str(raw.window_start) ?? null,
  window_end: str(raw.window_end) ?? null,
  explanation: explanation(raw.explanation),
});

export function toRequest(raw: Raw): EnergyRequest {
  return { ...common(raw), urgency: str(raw.urgency), max_price_per_kwh: num(raw.max_price_per_kwh) ?? null };
}

export function toOffer(raw: Raw): EnergyOffer {
  return { ...common(raw), price_per_kwh: num(raw.price_per_kwh) ?? num(raw.min_price_per_kwh) ?? null };
}

export function toTransaction(raw: Raw): Transaction {
  const amount = wattHours(raw, "amount");
  const price = num(raw.price_per_kwh);
  return {
    id: id(raw),
    community: str(raw.community),
    from_site: str(raw.from_site) ?? str(raw.seller_site_id),
    to_site: str(raw.to_site) ?? str(raw.buyer_site_id),
    amount_wh: amount,
    delivered_wh: wattHours(raw, "delivered"),
    price_per_kwh: price ?? null,
    total_price: num(raw.total_price) ?? (amount !== undefined && price !== undefined ? (amount / 1000) * price : null),
    currency: str(raw.currency),
    status: str(raw.status),
    failure_reason: str(raw.failure_reason) ?? null,
    created_at: str(raw.created_at),
    completed_at: str(raw.completed_at) ?? null,
    window_start: str(raw.window_start) ?? null,
    window_end: str(raw.window_end) ?? null,
  };
}

export function toNotification(raw: Raw): AppNotification {
  const level = str(raw.level);
  return {
    id: id(raw),
    title: str(raw.title),
    message: str(raw.message) ?? str(raw.body),
    level: level === "info" || level === "success" || level === "warning" || level === "error" ? level : undefined,
    created_at: str(raw.created_at),
    read: typeof raw.read === "boolean" ? raw.read : "read_at" in raw ? raw.read_at !== null : undefined,
  };
}
