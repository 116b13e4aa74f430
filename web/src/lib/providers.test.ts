import { describe, expect, it } from "vitest";
import { site } from "../test/fixtures";
import { capabilities, providers, surplusText, toProvider } from "./providers";

describe("toProvider", () => {
  it("trusts declared assets over reading fields that are present but empty", () => {
    const snapshot = { ...site("a", { pv_w: 800, battery_w: 0, soc_pct: null, grid_w: -300 }), assets: [{ kind: "solar" }] };
    const p = toProvider(snapshot);
    expect(capabilities(p)).toBe("solar");
  });

  it("without declared assets, needs a battery's charge to call it a battery", () => {
    expect(toProvider(site("a", { battery_w: 0, soc_pct: null })).hasBattery).toBe(false);
    expect(toProvider(site("a", { battery_w: 0, soc_pct: 55 })).hasBattery).toBe(true);
  });

  it("falls back to the reading when the hub lists no assets", () => {
    const undeclared = { ...site("h", { pv_w: 800, soc_pct: 40, grid_w: -100 }), kind: "hybrid", assets: [] };
    expect(capabilities(toProvider(undeclared))).toBe("solar + battery");
    expect(providers([undeclared])).toHaveLength(1);
  });

  it("knows a wind turbine from an agent that reports wind apart", () => {
    const farm = { ...site("f", { wind_w: 2000, grid_w: -1500 }), kind: "provider", assets: [] };
    expect(capabilities(toProvider(farm))).toBe("wind");
  });

  it("leaves out consumers", () => {
    const consumer = { ...site("c", { pv_w: 0, grid_w: 200 }), kind: "consumer" };
    expect(providers([consumer])).toEqual([]);
  });
});

describe("surplusText", () => {
  it.each([
    [-1200, "1.20 kW spare"],
    [-2, "no surplus"],
    [300, "no surplus"],
  ])("grid %s W → %s", (grid, text) => {
    expect(surplusText(toProvider(site("a", { pv_w: 1, grid_w: grid })))).toBe(text);
  });

  it("says nothing about a neighbour's private values", () => {
    expect(surplusText(toProvider({ ...site("n", null), online: true }))).toBe("");
    expect(surplusText(toProvider(site("n", null)))).toBe("offline");
  });
});
