/** Posting and cancelling requests and offers, and keeping standing orders, in the hub's own shapes. */
import { sendJson } from "./client";
import { endpoints } from "./queries";
import type { OrderKind } from "../lib/orders";
import type { EnergyOffer, EnergyRequest, OfferCreate, RequestCreate, StandingOrder, StandingOrderCreate } from "./types";

export type { OrderKind };

/** What the order form sends: a request body or an offer body (prices as decimal strings). */
export type OrderDraft = { kind: "request"; body: RequestCreate } | { kind: "offer"; body: OfferCreate };

const collection = (kind: OrderKind) => (kind === "request" ? endpoints.requests : endpoints.offers);

export function createOrder(draft: OrderDraft): Promise<EnergyRequest | EnergyOffer> {
  return sendJson("POST", collection(draft.kind), draft.body);
}

/** The order as the hub now has it. */
export function cancelOrder(kind: OrderKind, id: number): Promise<EnergyRequest | EnergyOffer> {
  return sendJson("POST", `${collection(kind)}/${id}/cancel`);
}

export function createStandingOrder(site: string, body: StandingOrderCreate): Promise<StandingOrder> {
  return sendJson("POST", endpoints.standingOrders(site), body);
}

export function deleteStandingOrder(id: number): Promise<void> {
  return sendJson("DELETE", endpoints.standingOrder(id));
}
