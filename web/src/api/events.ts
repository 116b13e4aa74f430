/** Parse one WebSocket frame into a known event; anything else is ignored (returns null). */
import type { EnergyOffer, EnergyRequest, IntervalResult, LiveEvent, LiveFigures, NotificationEvent, Reading, Transaction } from "./types";

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === "object" && value !== null && !Array.isArray(value);

const isString = (value: unknown): value is string => typeof value === "string" && value.length > 0;

function isReading(value: unknown): value is Reading {
  return (
    isObject(value) &&
    typeof value.seq === "number" &&
    isString(value.ts) &&
    typeof value.device === "string" &&
    isObject(value.values)
  );
}

const LEVELS = new Set(["info", "success", "warning", "error"]);

function optionalText(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

/** Trade statuses worth a colour: delivered in full, or less than promised (or nothing). */
const STATUS_LEVELS: Partial<Record<string, NotificationEvent["level"]>> = {
  completed: "success",
  partially_delivered: "warning",
  failed: "warning",
};

/**
 * The hub sends `kind` and `data`: a trade that completed is good news, one short or failed a
 * warning (the meters decided, nothing broke); so is a settlement with a shortfall, or a battery
 * trade at risk.
 */
function levelOf(data: Json): NotificationEvent["level"] {
  if (typeof data.level === "string" && LEVELS.has(data.level)) return data.level as NotificationEvent["level"];
  const details = isObject(data.data) ? data.data : {};
  if (data.kind === "settlement") return details.shortfall === true ? "warning" : "success";
  if (data.kind === "dispatch") return "warning";
  return typeof details.status === "string" ? STATUS_LEVELS[details.status] : undefined;
}

function toNotification(data: Json): NotificationEvent | null {
  const title = optionalText(data.title);
  const message = optionalText(data.message) ?? optionalText(data.body) ?? optionalText(data.text);
  if (!title && !message) return null;
  const id = typeof data.id === "string" || typeof data.id === "number" ? data.id : undefined;
  return {
    type: "notification",
    id,
    title,
    message: message || undefined,
    level: levelOf(data),
    kind: optionalText(data.kind),
    data: isObject(data.data) ? data.data : undefined,
  };
}

/** An order view as the hub sends it (RequestOut / OfferOut): at least an id, a status and Wh. */
function isOrder(value: unknown): value is Json {
  return isObject(value) && (typeof value.id === "number" || typeof value.id === "string") && isString(value.status) && typeof value.energy_wh === "number";
}

function isTransaction(value: unknown): value is Transaction {
  return isObject(value) && typeof value.id === "number" && typeof value.energy_wh === "number" && typeof value.buyer_price === "string";
}

function isResult(value: unknown): value is IntervalResult {
  return isObject(value) && isString(value.start) && typeof value.volume_wh === "number" && typeof value.trades === "number";
}

function isLive(value: unknown): value is LiveFigures {
  return isObject(value) && typeof value.sites === "number" && typeof value.consumption_w === "number";
}

export function parseEvent(raw: unknown): LiveEvent | null {
  if (typeof raw !== "string") return null;
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch {
    return null;
  }
  if (!isObject(data)) return null;
  switch (data.type) {
    case "reading":
      return isString(data.community) && isString(data.site) && isReading(data.reading)
        ? { type: "reading", community: data.community, site: data.site, reading: data.reading }
        : null;
    case "status":
      return isString(data.community) && isString(data.site) && typeof data.online === "boolean"
        ? {
            type: "status",
            community: data.community,
            site: data.site,
            online: data.online,
            ts: optionalText(data.ts),
          }
        : null;
    case "notification":
      // The hub may nest the payload (`{type, notification: {...}}`) or flatten it.
      return toNotification(isObject(data.notification) ? data.notification : data);
    case "request":
      return isOrder(data.request) ? { type: "request", request: data.request as unknown as EnergyRequest } : null;
    case "offer":
      return isOrder(data.offer) ? { type: "offer", offer: data.offer as unknown as EnergyOffer } : null;
    case "transaction":
      return isTransaction(data.transaction) ? { type: "transaction", transaction: data.transaction } : null;
    case "market_result":
      return isResult(data.result) ? { type: "market_result", result: data.result } : null;
    case "stats":
      return isString(data.community) && isLive(data.live)
        ? { type: "stats", community: data.community, live: data.live }
        : { type: "stats" };
    default:
      return null;
  }
}
