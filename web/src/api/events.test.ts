import { describe, expect, it } from "vitest";
import { intervalResult, offer, reading, request, transaction } from "../test/fixtures";
import { parseEvent } from "./events";

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
    expect(
      parseEvent(JSON.stringify({ type: "status", community: "c", site: "s", online: false, ts: "2026-01-01T00:00:00Z" })),
    ).toEqual({ type: "status", community: "c", site: "s", online: false, ts: "2026-01-01T00:00:00Z" });
  });

  it("reads notifications flat or nested", () => {
    expect(parseEvent(JSON.stringify({ type: "notification", title: "Matched", message: "2 kWh from alpha" }))).toMatchObject({
      title: "Matched",
      message: "2 kWh from alpha",
    });
    expect(
      parseEvent(JSON.stringify({ type: "notification", notification: { id: 7, body: "Request filled", level: "success" } })),
    ).toEqual({ type: "notification", id: 7, title: undefined, message: "Request filled", level: "success", kind: undefined });
  });

  it("colours the hub's trade notifications by outcome", () => {
    const note = (status: string) =>
      JSON.stringify({
        type: "notification",
        community: null,
        site: null,
        notification: { id: 3, kind: "transaction", title: `Energy trade ${status}`, body: "", data: { status } },
      });
    expect(parseEvent(note("failed"))).toEqual({
      type: "notification",
      id: 3,
      title: "Energy trade failed",
      message: undefined,
      level: "warning",
      kind: "transaction",
      data: { status: "failed" },
    });
    expect(parseEvent(note("completed"))).toMatchObject({ level: "success" });
    // The meters showed less (or nothing): a warning, not an error of the system.
    expect(parseEvent(note("partially_delivered"))).toMatchObject({ level: "warning" });
    expect(parseEvent(note("scheduled"))).toMatchObject({ level: undefined });
    expect(parseEvent(note("delivering"))).toMatchObject({ level: undefined });
  });

  it("colours settlements by shortfall and battery trades at risk as warnings", () => {
    const note = (kind: string, data: object) =>
      JSON.stringify({ type: "notification", notification: { id: 4, kind, title: "t", body: "", data } });
    const settled = { site: "alpha", interval: "2026-01-05T12:00:00Z", revision: 1, sold_wh: 0, bought_wh: 400, earned: "0", paid: "0.0760" };
    expect(parseEvent(note("settlement", { ...settled, shortfall: false }))).toMatchObject({ level: "success", kind: "settlement", data: { bought_wh: 400 } });
    expect(parseEvent(note("settlement", { ...settled, shortfall: true }))).toMatchObject({ level: "warning" });
    expect(parseEvent(note("dispatch", { site: "alpha" }))).toMatchObject({ level: "warning" });
  });

  it.each([
    ["unknown type", JSON.stringify({ type: "weather", temp: 3 })],
    ["no type", JSON.stringify({ site: "s" })],
    ["malformed reading", JSON.stringify({ type: "reading", community: "c", site: "s", reading: { seq: "x" } })],
    ["not JSON", "{oops"],
    ["an array", "[1,2]"],
    ["binary", new ArrayBuffer(4)],
    ["empty notification", JSON.stringify({ type: "notification" })],
  ])("ignores %s", (_label, raw) => {
    expect(parseEvent(raw)).toBeNull();
  });
});

describe("market events", () => {
  const frame = (body: object) => JSON.stringify({ community: "demo", site: null, ...body });

  it("carry the order, trade and interval result they are about", () => {
    const req = request({ id: 4, urgency: "critical" });
    expect(parseEvent(frame({ type: "request", request: req }))).toEqual({ type: "request", request: req });
    const off = offer({ id: 5 });
    expect(parseEvent(frame({ type: "offer", offer: off }))).toEqual({ type: "offer", offer: off });
    const tx = transaction({ id: 6 });
    expect(parseEvent(frame({ type: "transaction", transaction: tx }))).toEqual({ type: "transaction", transaction: tx });
    const result = intervalResult();
    expect(parseEvent(frame({ type: "market_result", result }))).toEqual({ type: "market_result", result });
  });

  it("ignore market events without their payload", () => {
    expect(parseEvent(frame({ type: "request" }))).toBeNull();
    expect(parseEvent(frame({ type: "offer", offer: { id: 1 } }))).toBeNull();
    expect(parseEvent(frame({ type: "transaction", transaction: { id: 1, energy_wh: 5, buyer_price: 0.19 } }))).toBeNull();
    expect(parseEvent(frame({ type: "market_result", result: { start: "x" } }))).toBeNull();
  });

  it("keep a notification's kind (market after a clearing)", () => {
    expect(parseEvent(frame({ type: "notification", notification: { id: 9, kind: "market", title: "Your request traded 2 kWh with neighbours" } }))).toMatchObject({
      kind: "market",
    });
  });
});
