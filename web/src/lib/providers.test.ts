import { describe, expect, it } from "vitest";
import { asset, site } from "../test/fixtures";
import { capabilities, providers, surplus, toProvider } from "./providers";

describe("toProvider", () => {
  it("trusts declared assets over reading fields that are present but empty", () => {
    const snapshot = { ...site("a", { pv_w: 800, battery_w: 0, soc_pct: null, grid_w: -300 }), assets: [asset("solar")] };
    const p = toProvider(snapshot);
    expect(capabilities(p)).toEqual(["solar"]);
  });

  it("without declared assets, needs a battery's charge to call it a battery", () => {
    expect(toProvider(site("a", { battery_w: 0, soc_pct: null })).hasBattery).toBe(false);
    expect(toProvider(site("a", { battery_w: 0, soc_pct: 55 })).hasBattery).toBe(true);
  });

  it("falls back to the reading when the hub lists no assets", () => {
    const undeclared = { ...site("h", { pv_w: 800, soc_pct: 40, grid_w: -100 }), kind: "hybrid" as const, assets: [] };
    expect(capabilities(toProvider(undeclared))).toEqual(["solar", "battery"]);
    expect(providers([undeclared])).toHaveLength(1);
  });

  it("knows a wind turbine from an agent that reports wind apart", () => {
    const farm = { ...site("f", { wind_w: 2000, grid_w: -1500 }), kind: "provider" as const, assets: [] };
    expect(capabilities(toProvider(farm))).toEqual(["wind"]);
  });

  it("leaves out consumers", () => {
    const consumer = { ...site("c", { pv_w: 0, grid_w: 200 }), kind: "consumer" as const };
    expect(providers([consumer])).toEqual([]);
  });
});

describe("surplus", () => {
  it.each([
    [-1200, { key: "map.spare", power: "1.20 kW" }],
    [-2, { key: "map.noSurplus" }],
    [300, { key: "map.noSurplus" }],
  ])("grid %s W → %o", (grid, expected) => {
    expect(surplus(toProvider(site("a", { pv_w: 1, grid_w: grid })))).toEqual(expected);
  });

  it("says nothing about a neighbour's private values", () => {
    expect(surplus(toProvider({ ...site("n", null), online: true }))).toBeNull();
    expect(surplus(toProvider(site("n", null)))).toEqual({ key: "map.offline" });
  });
});
