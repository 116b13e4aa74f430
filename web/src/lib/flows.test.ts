import { describe, expect, it } from "vitest";
import { FLOW_EDGES } from "../client/site.gen";
import { reading } from "../test/fixtures";
import { splitFlows } from "./flows";

/** A snapshot as an agent sends it: powers plus the flows it split them into. */
const SUNNY = {
  pv_w: 3000,
  load_w: 1000,
  battery_w: -800,
  grid_w: -1200,
  pv_to_home_w: 1000,
  pv_to_battery_w: 800,
  pv_to_grid_w: 1200,
  battery_to_home_w: 0,
  battery_to_grid_w: 0,
  grid_to_home_w: 0,
  grid_to_battery_w: 0,
};

describe("splitFlows", () => {
  it("shows the flows the site reports, in the vocabulary's order", () => {
    const split = splitFlows(reading(SUNNY));
    expect(split.nodes).toEqual(["pv", "battery", "grid", "home"]);
    expect(split.flows.map((f) => [f.name, f.watts])).toEqual([
      ["pv_to_home_w", 1000],
      ["pv_to_battery_w", 800],
      ["pv_to_grid_w", 1200],
      ["battery_to_home_w", 0],
      ["battery_to_grid_w", 0],
      ["grid_to_home_w", 0],
      ["grid_to_battery_w", 0],
    ]);
    expect(split.flows.map((f) => [f.from, f.to])).toEqual(
      FLOW_EDGES.filter((e) => !e.name.startsWith("wind")).map((e) => [e.from, e.to]),
    );
  });

  it("works nothing out itself: a flow the site doesn't send isn't drawn, an unknown one stays unknown", () => {
    // (#10) the split is the agent's; meters alone give no flows here
    expect(splitFlows(reading({ pv_w: 3000, load_w: 1000, battery_w: -800, grid_w: -1200 })).flows).toEqual([]);
    const unknown = splitFlows(reading({ pv_w: 3000, grid_w: null, pv_to_home_w: null, grid_to_home_w: null }));
    expect(unknown.flows.map((f) => [f.name, f.watts])).toEqual([
      ["pv_to_home_w", null],
      ["grid_to_home_w", null],
    ]);
  });

  it("shows a battery's export to the grid", () => {
    const split = splitFlows(reading({ pv_w: 0, load_w: 1000, battery_w: 3000, grid_w: -2000, battery_to_home_w: 1000, battery_to_grid_w: 2000 }));
    expect(split.flows.find((f) => f.name === "battery_to_grid_w")).toMatchObject({ from: "battery", to: "grid", watts: 2000 });
  });

  it("keeps wind apart from solar when the site reports it apart", () => {
    const split = splitFlows(
      reading({ pv_w: 1000, wind_w: 2000, load_w: 1500, grid_w: -1500, pv_to_home_w: 1000, wind_to_home_w: 500, wind_to_grid_w: 1500 }),
    );
    expect(split.windApart).toBe(true);
    expect(split.nodes).toEqual(["pv", "wind", "grid", "home"]);
    expect(split.flows.map((f) => [f.name, f.watts])).toEqual([
      ["pv_to_home_w", 1000],
      ["wind_to_home_w", 500],
      ["wind_to_grid_w", 1500],
    ]);
  });

  it("has no wind node for an agent that folds wind into pv_w", () => {
    const split = splitFlows(reading({ pv_w: 900, load_w: 300, grid_w: -600, pv_to_home_w: 300, pv_to_grid_w: 600 }), { wind: true });
    expect(split.windApart).toBe(false);
    expect(split.nodes).toEqual(["pv", "grid", "home"]);
  });

  it("only draws grid → home for a meter-only consumer", () => {
    const split = splitFlows(reading({ grid_w: 420, load_w: 420, grid_to_home_w: 420 }));
    expect(split.nodes).toEqual(["grid", "home"]);
    expect(split.flows.map((f) => [f.name, f.watts])).toEqual([["grid_to_home_w", 420]]);
  });

  it("leaves out devices the site doesn't declare, though the snapshot carries their fields as 0", () => {
    const snapshot = reading({ pv_w: 0, wind_w: 0, load_w: 200, battery_w: 0, soc_pct: null, grid_w: 200, pv_to_battery_w: 0, grid_to_home_w: 200 });
    expect(splitFlows(snapshot).nodes).toEqual(["pv", "wind", "battery", "grid", "home"]);
    expect(splitFlows(snapshot, { solar: false, battery: false }).nodes).toEqual(["wind", "grid", "home"]);
    expect(splitFlows(snapshot, { generation: false, battery: false }).nodes).toEqual(["grid", "home"]);
    expect(splitFlows(snapshot, { generation: false, battery: false }).flows.map((f) => f.name)).toEqual(["grid_to_home_w"]);
  });

  it("has nothing to draw without a reading", () => {
    expect(splitFlows(null).flows).toEqual([]);
  });
});
