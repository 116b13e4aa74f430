import { describe, expect, it } from "vitest";
import type { ReadingEvent } from "../api/events";
import { reading, site } from "../test/fixtures";
import { applyReading, applyStatus } from "./sites";

const event = (name: string, seq: number, pv: number): ReadingEvent => ({
  type: "reading",
  community: "demo",
  site: name,
  reading: reading({ pv_w: pv }, seq, `2026-01-01T12:00:${String(seq).padStart(2, "0")}Z`),
});

describe("applyReading", () => {
  it("replaces the site's reading and marks it online", () => {
    const sites = [{ ...site("alpha", { pv_w: 1 }), online: false }, site("beta", { pv_w: 2 })];
    const next = applyReading(sites, event("alpha", 5, 1500));
    expect(next[0]?.reading?.values.pv_w?.value).toBe(1500);
    expect(next[0]?.online).toBe(true);
    expect(next[0]?.last_seen).toBe("2026-01-01T12:00:05Z");
    expect(next[1]).toBe(sites[1]);
  });

  it("ignores stale and duplicate readings", () => {
    const sites = applyReading([site("alpha", null)], event("alpha", 5, 1500));
    expect(applyReading(sites, event("alpha", 4, 10))).toBe(sites);
    expect(applyReading(sites, event("alpha", 5, 1500))).toBe(sites);
  });

  it("keeps a neighbour's live values private", () => {
    const sites = [{ ...site("neighbour", null), mine: false }];
    expect(applyReading(sites, event("neighbour", 3, 900))).toBe(sites);
  });

  it("doesn't add sites the signed-in user wasn't given", () => {
    const sites = [site("alpha", { pv_w: 1 })];
    expect(applyReading(sites, event("elsewhere", 1, 42))).toBe(sites);
    expect(applyStatus(sites, { type: "status", community: "demo", site: "elsewhere", online: true, ts: "2026-01-01T13:00:00Z" })).toBe(sites);
  });
});

describe("applyStatus", () => {
  it("marks a site offline without dropping its last reading", () => {
    const sites = [site("alpha", { pv_w: 1 })];
    const next = applyStatus(sites, { type: "status", community: "demo", site: "alpha", online: false, ts: "2026-01-01T13:00:00Z" });
    expect(next[0]).toMatchObject({ online: false, last_seen: "2026-01-01T13:00:00Z" });
    expect(next[0]?.reading).toBe(sites[0]?.reading);
  });
});
