import { describe, expect, it } from "vitest";
import { asset, request, site } from "../test/fixtures";
import { quickOffer } from "./quickOffer";

const NOW = Date.parse("2026-01-05T17:30:00Z"); // inside the fixtures' window, 17:00–19:00
const PROVIDER = { ...site("pv", null), kind: "provider" as const, mine: true, assets: [asset("battery"), asset("solar")] };
const CONSUMER = { ...site("home", null), kind: "consumer" as const, mine: true, assets: [] };
const theirs = (fields = {}) => request({ mine: false, site: null, energy_wh: 2000, filled_wh: 500, ...fields });

describe("quickOffer", () => {
  it("offers what the request still lacks, over what is left of its window, at the feed-in price", () => {
    const quick = quickOffer(theirs(), [CONSUMER, PROVIDER], NOW, "0.0800");
    expect(quick).toMatchObject({ ok: true, energyWh: 1500, site: { site: "pv" } });
    expect(quick.ok && quick.draft.body).toEqual({
      site: "pv",
      energy_wh: 1500,
      window_start: "2026-01-05T17:30:00.000Z",
      window_end: "2026-01-05T19:00:00Z",
      min_price: "0.0800",
      source: "solar",
    });
  });

  it("starts at the request's own start when that is still ahead", () => {
    const quick = quickOffer(theirs(), [PROVIDER], Date.parse("2026-01-05T12:00:00Z"), "0.08");
    expect(quick.ok && quick.draft.body.window_start).toBe("2026-01-05T17:00:00.000Z");
  });

  it("sells no battery energy to a request for green energy only", () => {
    const battery = { ...PROVIDER, assets: [asset("battery"), asset("wind")] };
    expect(quickOffer(theirs({ green_only: true }), [battery], NOW, "0.08")).toMatchObject({ ok: true, draft: { body: { source: "wind" } } });
  });

  it.each([
    ["one's own request", theirs({ mine: true }), [PROVIDER], NOW, "mine"],
    ["a matched request", theirs({ status: "matched" }), [PROVIDER], NOW, "closed"],
    ["a covered request", theirs({ filled_wh: 2000, status: "partly_matched" }), [PROVIDER], NOW, "covered"],
    ["a window that has passed", theirs(), [PROVIDER], Date.parse("2026-01-05T19:00:00Z"), "over"],
    ["a consumer", theirs(), [CONSUMER], NOW, "noProvider"],
    ["a provider in another community", theirs({ community: "elsewhere" }), [PROVIDER], NOW, "noProvider"],
  ])("has no offer for %s", (_what, req, sites, now, reason) => {
    expect(quickOffer(req, sites, now, "0.08")).toEqual({ ok: false, reason });
  });
});
