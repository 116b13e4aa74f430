import { describe, expect, it } from "vitest";
import { reading } from "../test/fixtures";
import { splitFlows, type FlowName } from "./flows";

const watts = (values: Record<string, number | null>) =>
  Object.fromEntries(splitFlows(reading(values)).flows.map((flow) => [flow.name, flow.watts])) as Partial<
    Record<FlowName, number>
  >;

describe("splitFlows", () => {
  it("uses the flows the site reports", () => {
    const split = splitFlows(
      reading({
        pv_w: 3000,
        load_w: 1000,
        battery_w: -800,
        grid_w: -1200,
        pv_to_home_w: 1000,
        pv_to_battery_w: 800,
        pv_to_grid_w: 1200,
        battery_to_home_w: 0,
        grid_to_home_w: 0,
        grid_to_battery_w: 0,
      }),
    );
    expect(split.nodes).toEqual(["pv", "battery", "grid", "home"]);
    expect(split.flows.map((f) => [f.name, f.watts, f.derived])).toEqual([
      ["pv_to_home_w", 1000, false],
      ["pv_to_battery_w", 800, false],
      ["pv_to_grid_w", 1200, false],
      ["battery_to_home_w", 0, false],
      ["grid_to_home_w", 0, false],
      ["grid_to_battery_w", 0, false],
    ]);
  });

  it("derives a sunny surplus: PV serves home, then battery, then grid", () => {
    expect(watts({ pv_w: 3000, load_w: 1000, battery_w: -800, grid_w: -1200 })).toEqual({
      pv_to_home_w: 1000,
      pv_to_battery_w: 800,
      pv_to_grid_w: 1200,
      battery_to_home_w: 0,
      grid_to_home_w: 0,
      grid_to_battery_w: 0,
    });
  });

  it("derives an evening: battery then grid cover the home", () => {
    expect(watts({ pv_w: 0, load_w: 1500, battery_w: 1000, grid_w: 500 })).toEqual({
      pv_to_home_w: 0,
      pv_to_battery_w: 0,
      pv_to_grid_w: 0,
      battery_to_home_w: 1000,
      grid_to_home_w: 500,
      grid_to_battery_w: 0,
    });
  });

  it("derives grid charging of the battery at night", () => {
    expect(watts({ pv_w: 0, load_w: 300, battery_w: -2000, grid_w: 2300 })).toMatchObject({
      grid_to_home_w: 300,
      grid_to_battery_w: 2000,
    });
  });

  it("only draws grid → home for a meter-only consumer", () => {
    const split = splitFlows(reading({ grid_w: 420, load_w: 420 }));
    expect(split.nodes).toEqual(["grid", "home"]);
    expect(split.flows.map((f) => [f.name, f.watts])).toEqual([["grid_to_home_w", 420]]);
  });

  it("fills a missing flow from the meters while keeping reported ones", () => {
    const split = splitFlows(reading({ pv_w: 2000, load_w: 500, grid_w: -1500, pv_to_home_w: 500, pv_to_grid_w: null }));
    const byName = Object.fromEntries(split.flows.map((f) => [f.name, f]));
    expect(byName.pv_to_home_w).toMatchObject({ watts: 500, derived: false });
    expect(byName.pv_to_grid_w).toMatchObject({ watts: 1500, derived: true });
    expect(split.nodes).not.toContain("battery");
  });

  it("leaves out devices the site doesn't declare, though the snapshot carries their fields as 0", () => {
    const snapshot = reading({ pv_w: 0, load_w: 200, battery_w: 0, soc_pct: null, grid_w: 200, pv_to_battery_w: 0 });
    expect(splitFlows(snapshot).nodes).toEqual(["pv", "battery", "grid", "home"]);
    expect(splitFlows(snapshot, { generation: false, battery: false }).nodes).toEqual(["grid", "home"]);
    expect(splitFlows(snapshot, { generation: false, battery: false }).flows.map((f) => f.name)).toEqual(["grid_to_home_w"]);
  });

  it("has nothing to draw without a reading", () => {
    expect(splitFlows(null).flows).toEqual([]);
  });
});
