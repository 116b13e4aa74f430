/**
 * Split a site snapshot into the six directed energy flows drawn by the flow diagram.
 *
 * The agent usually reports the flows itself (pv_to_home_w …). When it doesn't, they are
 * derived from the four meters with the usual priority: PV serves the home first, then the
 * battery, then the grid; the home draws on the battery before the grid.
 */
import type { Reading } from "../api/types";
import { readValue } from "./reading";

export type FlowNode = "pv" | "battery" | "grid" | "home";

export type FlowName =
  | "pv_to_home_w"
  | "pv_to_battery_w"
  | "pv_to_grid_w"
  | "battery_to_home_w"
  | "grid_to_home_w"
  | "grid_to_battery_w";

export interface Flow {
  name: FlowName;
  from: FlowNode;
  to: FlowNode;
  /** Watts, ≥ 0. */
  watts: number;
  /** True when computed here rather than reported by the site. */
  derived: boolean;
}

export interface FlowSplit {
  /** Nodes this site actually has; home and grid are always present. */
  nodes: FlowNode[];
  /** Flows between present nodes, in a fixed order. */
  flows: Flow[];
}

export const FLOW_EDGES: ReadonlyArray<{ name: FlowName; from: FlowNode; to: FlowNode }> = [
  { name: "pv_to_home_w", from: "pv", to: "home" },
  { name: "pv_to_battery_w", from: "pv", to: "battery" },
  { name: "pv_to_grid_w", from: "pv", to: "grid" },
  { name: "battery_to_home_w", from: "battery", to: "home" },
  { name: "grid_to_home_w", from: "grid", to: "home" },
  { name: "grid_to_battery_w", from: "grid", to: "battery" },
];

const positive = (value: number | null): number => (value !== null && value > 0 ? value : 0);

function derive(reading: Reading): Record<FlowName, number> {
  const pv = positive(readValue(reading, "pv_w"));
  const battery = readValue(reading, "battery_w");
  const grid = readValue(reading, "grid_w");
  const charge = positive(battery === null ? null : -battery);
  const discharge = positive(battery);
  const gridImport = positive(grid);
  const gridExport = positive(grid === null ? null : -grid);
  const reportedLoad = readValue(reading, "load_w");
  // Without a load meter, the home takes whatever the balance leaves over.
  const load = reportedLoad !== null ? positive(reportedLoad) : positive(pv + discharge + gridImport - charge - gridExport);

  const pvToHome = Math.min(pv, load);
  let unmet = load - pvToHome;
  const batteryToHome = Math.min(discharge, unmet);
  unmet -= batteryToHome;
  const gridToHome = Math.min(gridImport, unmet);

  const surplus = pv - pvToHome;
  const pvToBattery = Math.min(surplus, charge);
  const pvToGrid = Math.min(surplus - pvToBattery, gridExport);
  const gridToBattery = Math.min(charge - pvToBattery, gridImport - gridToHome);

  return {
    pv_to_home_w: pvToHome,
    pv_to_battery_w: pvToBattery,
    pv_to_grid_w: pvToGrid,
    battery_to_home_w: batteryToHome,
    grid_to_home_w: gridToHome,
    grid_to_battery_w: Math.max(0, gridToBattery),
  };
}

/** Declared equipment: false leaves a node out even when the reading carries its fields. */
export interface Declared {
  generation?: boolean | null;
  battery?: boolean | null;
}

function presentNodes(reading: Reading, declared: Declared): FlowNode[] {
  const has = (...names: string[]) => names.some((name) => readValue(reading, name) !== null);
  const nodes: FlowNode[] = [];
  if (declared.generation !== false && has("pv_w", "production_wh", "pv_to_home_w", "pv_to_battery_w", "pv_to_grid_w")) {
    nodes.push("pv");
  }
  if (declared.battery !== false && has("battery_w", "soc_pct", "pv_to_battery_w", "battery_to_home_w", "grid_to_battery_w")) {
    nodes.push("battery");
  }
  nodes.push("grid", "home");
  return nodes;
}

export function splitFlows(reading: Reading | null | undefined, declared: Declared = {}): FlowSplit {
  if (!reading) return { nodes: ["grid", "home"], flows: [] };
  const nodes = presentNodes(reading, declared);
  const derived = derive(reading);
  const flows = FLOW_EDGES.filter((edge) => nodes.includes(edge.from) && nodes.includes(edge.to)).map(
    (edge): Flow => {
      const reported = readValue(reading, edge.name);
      return reported !== null
        ? { ...edge, watts: Math.max(0, reported), derived: false }
        : { ...edge, watts: derived[edge.name], derived: true };
    },
  );
  return { nodes, flows };
}
