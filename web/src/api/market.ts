/** Posting and cancelling requests (I need energy) and offers (I have energy to spare). */
import { sendJson } from "./client";

export type OrderKind = "request" | "offer";

export interface OrderDraft {
  site: string;
  amount_kwh: number;
  /** ISO-8601 with offset. */
  window_start: string;
  window_end: string;
  /** Most the buyer pays (request) or least the seller accepts (offer), per kWh. */
  price_per_kwh: number;
  urgency?: "low" | "normal" | "high";
}

const collection = (kind: OrderKind) => (kind === "request" ? "/api/requests" : "/api/offers");

/** The hub's body for POST /api/requests (RequestCreate) or /api/offers (OfferCreate). */
export function orderBody(kind: OrderKind, draft: OrderDraft): Record<string, unknown> {
  const common = {
    site: draft.site,
    amount_kwh: draft.amount_kwh,
    window_start: draft.window_start,
    window_end: draft.window_end,
  };
  return kind === "request"
    ? { ...common, urgency: draft.urgency ?? "normal", max_price_per_kwh: draft.price_per_kwh }
    : { ...common, min_price_per_kwh: draft.price_per_kwh };
}

export function createOrder(kind: OrderKind, draft: OrderDraft): Promise<unknown> {
  return sendJson("POST", collection(kind), orderBody(kind, draft));
}

export function cancelOrder(kind: OrderKind, id: string | number): Promise<unknown> {
  return sendJson("POST", `${collection(kind)}/${encodeURIComponent(String(id))}/cancel`);
}
