/**
 * The hub's JSON onto the shapes the pages render. Market orders and trades are the generated
 * types already (energy in Wh, prices as decimal strings); they only get their explanation
 * checked, so an odd one renders as "waiting" instead of breaking the card.
 */
import type { AppNotification, EnergyOffer, EnergyRequest, Explanation, Transaction } from "./types";

type Raw = Record<string, unknown>;

const str = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined);
/** The clearing's explanation as sent: anything with a string code; other shapes count as none. */
function explanation(value: unknown): Explanation | null {
  return typeof value === "object" && value !== null && typeof (value as Raw).code === "string" ? (value as Explanation) : null;
}
const id = (raw: Raw): string | number => (typeof raw.id === "number" || typeof raw.id === "string" ? raw.id : "?");

export function toRequest(raw: Raw): EnergyRequest {
  return { ...(raw as unknown as EnergyRequest), explanation: explanation(raw.explanation) };
}

export function toOffer(raw: Raw): EnergyOffer {
  return { ...(raw as unknown as EnergyOffer), explanation: explanation(raw.explanation) };
}

export function toTransaction(raw: Raw): Transaction {
  return raw as unknown as Transaction;
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
    kind: str(raw.kind),
    data: typeof raw.data === "object" && raw.data !== null && !Array.isArray(raw.data) ? (raw.data as Raw) : undefined,
  };
}
