import { describe, expect, it } from "vitest";
import { intervalResult, offer, reading, request, transaction } from "../test/fixtures";
import { noticeOf, parseEvent } from "./events";

const CREATED = "2026-01-05T12:20:00Z";
/** A notification frame as hub/notify.py sends it. */
const pushed = (id: number, kind: string, data: object, body = "") =>
  JSON.stringify({ type: "notification", community: null, site: null, notification: { id, kind, title: "Matched", body, data, created_at: CREATED } });

function notice(frame: string) {
  const event = parseEvent(frame);
  if (event?.type !== "notification") throw new Error(`not a notification: ${frame}`);
  return noticeOf(event.notification);
}

describe("parseEvent", () => {
  it("accepts a reading event", () => {
    const r = reading({ pv_w: 100 });
    expect(parseEvent(JSON.stringify({ type: "reading", community: "c", site: "s", reading: r }))).toEqual({
      type: "reading",
      community: "c",
      site: "s",
      reading: r,
    });
  });

  it("accepts the hub's status event", () => {
    const status = { type: "status", community: "c", site: "s", online: false, ts: "2026-01-01T00:00:00Z" };
    expect(parseEvent(JSON.stringify(status))).toEqual(status);
  });

  it("passes a notification on as the hub sends it, and words it for a toast", () => {
    const event = parseEvent(pushed(7, "request", {}, "Request filled"));
    expect(event).toEqual({
      type: "notification",
      community: null,
      site: null,
      notification: { id: 7, kind: "request", title: "Matched", body: "Request filled", data: {}, created_at: CREATED },
    });
    expect(event?.type === "notification" && noticeOf(event.notification)).toEqual({
      id: 7,
      title: "Matched",
      message: "Request filled",
      level: undefined,
      kind: "request",
      data: {},
    });
  });

  it("colours the hub's trade notifications by outcome", () => {
    const level = (status: string) => notice(pushed(3, "transaction", { status })).level;
    expect(notice(pushed(3, "transaction", { status: "failed" }))).toEqual({
      id: 3,
      title: "Matched",
      message: undefined,
      level: "warning",
      kind: "transaction",
      data: { status: "failed" },
    });
    expect(level("completed")).toBe("success");
    // The meters showed less (or nothing): a warning, not an error of the system.
    expect(level("partially_delivered")).toBe("warning");
    expect(level("scheduled")).toBeUndefined();
    expect(level("delivering")).toBeUndefined();
  });

  it("colours settlements by shortfall and battery trades at risk as warnings", () => {
    const settled = { site: "alpha", interval: "2026-01-05T12:00:00Z", revision: 1, sold_wh: 0, bought_wh: 400, earned: "0", paid: "0.0760" };
    expect(notice(pushed(4, "settlement", { ...settled, shortfall: false }))).toMatchObject({ level: "success", kind: "settlement", data: { bought_wh: 400 } });
    expect(notice(pushed(4, "settlement", { ...settled, shortfall: true }))).toMatchObject({ level: "warning" });
    expect(notice(pushed(4, "dispatch", { site: "alpha" }))).toMatchObject({ level: "warning" });
  });

  it.each([
    ["unknown type", JSON.stringify({ type: "weather", temp: 3 })],
    ["no type", JSON.stringify({ site: "s" })],
    ["malformed reading", JSON.stringify({ type: "reading", community: "c", site: "s", reading: { seq: "x" } })],
    ["not JSON", "{oops"],
    ["an array", "[1,2]"],
    ["binary", new ArrayBuffer(4)],
    ["empty notification", JSON.stringify({ type: "notification" })],
    ["flat notification", JSON.stringify({ type: "notification", id: 1, title: "Matched", message: "2 kWh" })],
    ["status without its time", JSON.stringify({ type: "status", community: "c", site: "s", online: true })],
    ["stats without figures", JSON.stringify({ type: "stats", community: "c", site: null, ts: CREATED })],
    ["the socket's hello", JSON.stringify({ type: "hello", user: { id: 1, email: "a@b.c", role: "resident" }, channels: [], everything: false })],
    ["the socket's error", JSON.stringify({ type: "error", error: "forbidden", detail: "no", channel: "site:x" })],
    ["a type named like an object's own", JSON.stringify({ type: "toString" })],
  ])("ignores %s", (_label, raw) => {
    expect(parseEvent(raw)).toBeNull();
  });
});

describe("market events", () => {
  const frame = (body: object) => JSON.stringify({ community: "demo", site: null, ...body });

  it("carry the order, trade and interval result they are about", () => {
    const frames = [
      { type: "request", request: request({ id: 4, urgency: "critical" }) },
      { type: "offer", offer: offer({ id: 5 }) },
      { type: "transaction", transaction: transaction({ id: 6 }) },
      { type: "market_result", result: intervalResult() },
    ];
    for (const body of frames) expect(parseEvent(frame(body))).toEqual({ community: "demo", site: null, ...body });
  });

  it("ignore market events without their payload", () => {
    expect(parseEvent(frame({ type: "request" }))).toBeNull();
    expect(parseEvent(frame({ type: "offer", offer: { id: 1 } }))).toBeNull();
    expect(parseEvent(frame({ type: "transaction", transaction: { id: 1, energy_wh: 5, buyer_price: 0.19 } }))).toBeNull();
    expect(parseEvent(frame({ type: "market_result", result: { start: "x" } }))).toBeNull();
  });

  it("keep a notification's kind (market after a clearing)", () => {
    expect(notice(pushed(9, "market", {}))).toMatchObject({ kind: "market" });
  });

  it("ignore a result that does not say its community (its market's cache is found by it)", () => {
    const { community: _community, ...anywhere } = intervalResult();
    expect(parseEvent(frame({ type: "market_result", result: anywhere }))).toBeNull();
  });
});
