import { describe, expect, it } from "vitest";
import { reading } from "../test/fixtures";
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
    expect(parseEvent(note("failed"))).toEqual({ type: "notification", id: 3, title: "Energy trade failed", message: undefined, level: "error", kind: "transaction" });
    expect(parseEvent(note("settled"))).toMatchObject({ level: "success" });
    expect(parseEvent(note("matched"))).toMatchObject({ level: undefined });
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
