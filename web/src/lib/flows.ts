/**
 * The directed energy flows of a site snapshot, as the site's agent reports them (pv_to_home_w …),
 * for the flow diagram and list.
 *
 * The split is the agent's (edge_agent/site.py: every watt in exactly one flow); the names and
 * edges are the wire's site vocabulary (client/site.gen.ts). Nothing is worked out again here:
 * a flow the agent does not send is not drawn, one it reports as unknown shows as unknown.
 */
import type { Reading } from "../api/types";
import { FLOW_EDGES, type FlowName, type SiteNode, type SiteQuantityName } from "../client/site.gen";
import { readValue } from "./reading";

export type FlowNode = SiteNode;
export type { FlowName };

export interface Flow {
  name: FlowName;
  from: FlowNode;
  to: FlowNode;
  /** Watts, ≥ 0; null when the site reports the flow as unknown. */
  watts: number | null;
}

export interface FlowSplit {
  /** Nodes this site actually has; home and grid are always present. */
  nodes: FlowNode[];
  /** Flows between present nodes, in the vocabulary's order. */
  flows: Flow[];
  /** The site reports wind apart from solar (agents before wind_w fold it into pv_w). */
  windApart: boolean;
}

/** Declared equipment: false leaves a node out even when the reading carries its fields. */
export interface Declared {
  generation?: boolean | null;
  solar?: boolean | null;
  wind?: boolean | null;
  battery?: boolean | null;
}

const flowsOf = (node: FlowNode) => FLOW_EDGES.filter((edge) => edge.from === node || edge.to === node).map((edge) => edge.name);

function presentNodes(reading: Reading, declared: Declared, windApart: boolean): FlowNode[] {
  const has = (...names: SiteQuantityName[]) => names.some((name) => readValue(reading, name) !== null);
  const nodes: FlowNode[] = [];
  const generation = declared.generation !== false;
  // Folded in pv_w, wind shows on the solar node; apart, each has its own.
  const solar = windApart ? generation && declared.solar !== false : generation;
  if (solar && has("pv_w", ...(windApart ? [] : (["production_wh"] as const)), ...flowsOf("pv"))) nodes.push("pv");
  if (windApart && generation && declared.wind !== false) nodes.push("wind");
  if (declared.battery !== false && has("battery_w", "soc_pct", ...flowsOf("battery"))) nodes.push("battery");
  nodes.push("grid", "home");
  return nodes;
}

export function splitFlows(reading: Reading | null | undefined, declared: Declared = {}): FlowSplit {
  if (!reading) return { nodes: ["grid", "home"], flows: [], windApart: false };
  const windApart = "wind_w" in reading.values;
  const nodes = presentNodes(reading, declared, windApart);
  const flows = FLOW_EDGES.filter(
    (edge) => nodes.includes(edge.from) && nodes.includes(edge.to) && edge.name in reading.values,
  ).map((edge): Flow => {
    const watts = readValue(reading, edge.name);
    return { ...edge, watts: watts === null ? null : Math.max(0, watts) };
  });
  return { nodes, flows, windApart };
}
