/**
 * The hub's /ws frames, typed from the hub's own models (hub.gen.ts: `WsEvent`, made by
 * `make schemas`), and the parsing of one frame into the events the dashboard acts on.
 *
 * A frame is checked for its `type` and for the fields the dashboard reads; anything else
 * (a type it does not know, a frame the hub would not send) is ignored: null.
 */
import type { components } from "../client/hub.gen";

type Schemas = components["schemas"];

/** Every frame the hub sends on /ws. */
export type WsEvent = Schemas["WsEvent"];
/** A site's newest snapshot, to its owner. */
export type ReadingEvent = Schemas["ReadingEvent"];
/** A site came online or went offline. */
export type StatusEvent = Schemas["StatusEvent"];
/** Every few seconds per community: its live figures; its statistics may have changed too. */
export type StatsEvent = Schemas["StatsEvent"];
/** A community's watts right now over every home's newest snapshot; a figure too few homes feed is null. */
export type LiveFigures = Schemas["LiveFigures"];
export type NotificationEvent = Schemas["NotificationEvent"];
/** A notification as the hub pushes it: its kind ("market" after a clearing, "transaction", "settlement" …) and figures. */
export type PushedNotification = Schemas["PushedNotification"];
/** A request or offer as it changed (the market channel's copy is public, the owner's full). */
export type RequestEvent = Schemas["RequestEvent"];
export type OfferEvent = Schemas["OfferEvent"];
export type TransactionEvent = Schemas["TransactionEvent"];
export type MarketResultEvent = Schemas["MarketResultEvent"];

/** The events of the hub's bus; the socket's own replies (hello, subscribed, error) are not news. */
export type LiveEvent = Exclude<WsEvent, Schemas["Hello"] | Schemas["Subscribed"] | Schemas["WsError"]>;
export type LiveEventType = LiveEvent["type"];

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === "object" && value !== null && !Array.isArray(value);

const isString = (value: unknown): value is string => typeof value === "string" && value.length > 0;

const isReading = (value: unknown): boolean =>
  isObject(value) && typeof value.seq === "number" && isString(value.ts) && typeof value.device === "string" && isObject(value.values);

/** An order view as the hub sends it (RequestOut / OfferOut): at least an id, a status and Wh. */
const isOrder = (value: unknown): boolean =>
  isObject(value) && typeof value.id === "number" && isString(value.status) && typeof value.energy_wh === "number";

const isTransaction = (value: unknown): boolean =>
  isObject(value) && typeof value.id === "number" && typeof value.energy_wh === "number" && typeof value.buyer_price === "string";

const isResult = (value: unknown): boolean =>
  isObject(value) && isString(value.community) && isString(value.start) && typeof value.volume_wh === "number" && typeof value.trades === "number";

const isLive = (value: unknown): boolean => isObject(value) && typeof value.sites === "number";

const isNotification = (value: unknown): boolean =>
  isObject(value) && typeof value.id === "number" && typeof value.kind === "string" && typeof value.title === "string" && typeof value.body === "string" && isObject(value.data);

const fromSite = (data: Json): boolean => isString(data.community) && isString(data.site);

/** What each event type must carry for the dashboard to use it. */
const CHECKS: Record<LiveEventType, (data: Json) => boolean> = {
  reading: (data) => fromSite(data) && isReading(data.reading),
  status: (data) => fromSite(data) && typeof data.online === "boolean" && isString(data.ts),
  stats: (data) => isString(data.community) && isLive(data.live),
  notification: (data) => isNotification(data.notification),
  request: (data) => isOrder(data.request),
  offer: (data) => isOrder(data.offer),
  transaction: (data) => isTransaction(data.transaction),
  market_result: (data) => isResult(data.result),
};

const isLiveEventType = (type: unknown): type is LiveEventType => typeof type === "string" && Object.hasOwn(CHECKS, type);

export function parseEvent(raw: unknown): LiveEvent | null {
  if (typeof raw !== "string") return null;
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch {
    return null;
  }
  if (!isObject(data) || !isLiveEventType(data.type)) return null;
  return CHECKS[data.type](data) ? (data as LiveEvent) : null;
}

export type NoticeLevel = "info" | "success" | "warning" | "error";

/** A pushed notification as a toast shows it. */
export interface Notice {
  id: number;
  title: string;
  message?: string;
  level?: NoticeLevel;
  kind: string;
  /** The kind's figures (a settlement's site, interval, kWh and amounts), for wording it in the chosen language. */
  data: Record<string, unknown>;
}

/** Trade statuses worth a colour: delivered in full, or less than promised (or nothing). */
const STATUS_LEVELS: Partial<Record<string, NoticeLevel>> = {
  completed: "success",
  partially_delivered: "warning",
  failed: "warning",
};

/**
 * A trade that completed is good news, one short or failed a warning (the meters decided,
 * nothing broke); so is a settlement with a shortfall, or a battery trade at risk.
 */
function levelOf({ kind, data }: PushedNotification): NoticeLevel | undefined {
  if (kind === "settlement") return data.shortfall === true ? "warning" : "success";
  if (kind === "dispatch") return "warning";
  return typeof data.status === "string" ? STATUS_LEVELS[data.status] : undefined;
}

export function noticeOf(notification: PushedNotification): Notice {
  const { id, title, body, kind, data } = notification;
  return { id, title, message: body || undefined, level: levelOf(notification), kind, data };
}
