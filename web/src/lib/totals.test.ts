import { describe, expect, it } from "vitest";
import { site } from "../test/fixtures";
import { communityTotals } from "./totals";

describe("communityTotals", () => {
  it("sums the community and finds what neighbours could share", () => {
    const [totals] = communityTotals([
      site("alpha", { pv_w: 3000, wind_w: 700, load_w: 1000, grid_w: -2200, battery_w: -500, soc_pct: 60 }),
      site("beta", { pv_w: 0, load_w: 800, grid_w: 800, soc_pct: 40 }),
      site("gamma", { load_w: 400, grid_w: 400 }),
      { ...site("dark", null), online: false },
    ]);
    expect(totals).toMatchObject({
      community: "demo",
      sites: 4,
      online: 3,
      visible: 3,
      pvW: 3000,
      windW: 700,
      loadW: 2200,
      importW: 1200,
      exportW: 2200,
      shareableW: 1200,
      averageSocPct: 50,
    });
  });

  it("keeps communities apart", () => {
    const totals = communityTotals([site("a", { load_w: 1 }, "north"), site("b", { load_w: 2 }, "east")]);
    expect(totals.map((t) => [t.community, t.loadW])).toEqual([
      ["east", 2],
      ["north", 1],
    ]);
  });
});
