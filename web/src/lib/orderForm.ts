/**
 * The order form's fields → the hub's body (RequestCreate / OfferCreate), or what is wrong,
 * keyed by the hub's own field names so the hub's 422 messages land at the same inputs.
 * Pure: the times come in already parsed (ISO or null), the corridor from the market overview.
 */
import type { OrderDraft } from "../api/market";
import { checkEnergy, kwhToWh } from "./energy";
import { checkPrice, normalisePrice } from "./money";
import type { OrderKind, Source } from "./orders";

export type Urgency = "low" | "normal" | "high" | "critical";

export interface OrderFields {
  site: string;
  /** As typed, in kWh. */
  energyKwh: string;
  /** ISO-8601, or null when not a valid time. */
  start: string | null;
  end: string | null;
  /** As typed, per kWh. */
  price: string;
  urgency: Urgency;
  greenOnly: boolean;
  /** As typed; empty means no limit. */
  maxDistanceKm: string;
  /** Neighbours to prefer on equal prices (site ids). */
  preferred: string[];
  /** Neighbours never to buy from (site ids). */
  excluded: string[];
  source: Source;
}

export interface Corridor {
  /** Feed-in price: the least an offer may ask, the least a request may pay. */
  min?: string | null;
  /** Retail price: the most either may name. */
  max?: string | null;
}

/** The body field that carries the price for each kind. */
export const priceField = (kind: OrderKind): "max_price" | "min_price" => (kind === "request" ? "max_price" : "min_price");

export type OrderCheck = { ok: true; draft: OrderDraft } | { ok: false; errors: Record<string, string> };

/** Error values are i18n keys under market.form.errors. */
export function buildOrder(kind: OrderKind, fields: OrderFields, corridor: Corridor = {}): OrderCheck {
  const errors: Record<string, string> = {};
  const energyProblem = checkEnergy(fields.energyKwh);
  if (energyProblem) errors.energy_wh = `market.form.errors.energy.${energyProblem}`;
  const priceProblem = checkPrice(fields.price, corridor);
  if (priceProblem) errors[priceField(kind)] = `market.form.errors.price.${priceProblem}`;
  if (!fields.start) errors.window_start = "market.form.errors.start";
  if (!fields.end) errors.window_end = "market.form.errors.end";
  else if (fields.start && Date.parse(fields.end) <= Date.parse(fields.start)) errors.window_end = "market.form.errors.endBeforeStart";
  let maxDistance: number | null = null;
  if (kind === "request" && fields.maxDistanceKm.trim() !== "") {
    maxDistance = Number(fields.maxDistanceKm.trim().replace(",", "."));
    if (!(maxDistance > 0 && maxDistance <= 1000)) errors.max_distance_km = "market.form.errors.distance";
  }
  if (kind === "request") {
    // A site is no partner of itself, and one can't both prefer and exclude a neighbour.
    if (fields.preferred.includes(fields.site)) errors.preferred_partners = "market.form.errors.preferredSelf";
    else if (fields.preferred.some((site) => fields.excluded.includes(site))) errors.preferred_partners = "market.form.errors.preferredExcluded";
    if (fields.excluded.includes(fields.site)) errors.excluded_partners = "market.form.errors.excludedSelf";
  }

  const energy = kwhToWh(fields.energyKwh);
  const price = normalisePrice(fields.price);
  if (Object.keys(errors).length > 0 || energy === null || price === null || !fields.start || !fields.end) {
    return { ok: false, errors };
  }
  const window = { site: fields.site, energy_wh: energy, window_start: fields.start, window_end: fields.end };
  if (kind === "offer") {
    return { ok: true, draft: { kind, body: { ...window, min_price: price, source: fields.source } } };
  }
  return {
    ok: true,
    draft: {
      kind,
      body: {
        ...window,
        urgency: fields.urgency,
        max_price: price,
        green_only: fields.greenOnly,
        max_distance_km: maxDistance,
        preferred_partners: fields.preferred,
        excluded_partners: fields.excluded,
      },
    },
  };
}
