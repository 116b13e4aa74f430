/** SVG energy-flow diagram: PV on top, home in the middle, grid and battery below. */
import { useId } from "react";
import type { Reading } from "../../api/types";
import { IDLE_WATTS, batteryDirection, formatPercent, formatPower, gridDirection } from "../../lib/format";
import { UNKNOWN_EQUIPMENT, type Equipment } from "../../lib/equipment";
import { splitFlows, type Flow, type FlowNode } from "../../lib/flows";
import { readValue } from "../../lib/reading";

const WIDTH = 340;
const HEIGHT = 300;
const RADIUS = 36;

const POSITIONS: Record<FlowNode, { x: number; y: number }> = {
  pv: { x: 170, y: 42 },
  home: { x: 170, y: 164 },
  grid: { x: 46, y: 256 },
  battery: { x: 294, y: 256 },
};

const NODE_LABELS: Record<FlowNode, string> = { pv: "Solar", home: "Home", grid: "Grid", battery: "Battery" };

const ARROWS = ["pv", "battery", "grid", "idle"] as const;

/** 16×16 line icons, drawn centred on (0, 0). */
const ICONS: Record<FlowNode, string> = {
  pv: "M0-3a3 3 0 1 0 0 6 3 3 0 0 0 0-6zM0-8v2M0 6v2M-8 0h2M6 0h2M-5.7-5.7l1.4 1.4M4.3 4.3l1.4 1.4M-5.7 5.7l1.4-1.4M4.3-4.3l1.4-1.4",
  home: "M-7 0l7-6 7 6M-5-1.5V7h10v-8.5M-1.5 7V2.5h3V7",
  grid: "M1-8l-6 9h5l-1 7 6-9H0z",
  battery: "M-7-4h12v8h-12zM5-1.5h2v3h-2M-4-1v2M-1-1v2M2-1v2",
};

/** Where along an edge the watt label sits, nudged so labels on converging edges don't collide. */
const LABEL_AT: Record<Flow["name"], number> = {
  pv_to_home_w: 0.5,
  pv_to_battery_w: 0.45,
  pv_to_grid_w: 0.45,
  battery_to_home_w: 0.5,
  grid_to_home_w: 0.5,
  grid_to_battery_w: 0.5,
};

function edgeGeometry(flow: Flow) {
  const a = POSITIONS[flow.from];
  const b = POSITIONS[flow.to];
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const length = Math.hypot(dx, dy);
  const ux = dx / length;
  const uy = dy / length;
  const gap = RADIUS + 4;
  const t = LABEL_AT[flow.name];
  return {
    x1: a.x + ux * gap,
    y1: a.y + uy * gap,
    x2: b.x - ux * (gap + 4),
    y2: b.y - uy * (gap + 4),
    labelX: a.x + dx * t,
    labelY: a.y + dy * t,
  };
}

const magnitude = (value: number | null) => (value === null ? null : Math.abs(value));

/** A node's caption: grid and battery say which way the power goes when it moves. */
export function nodeCaption(node: FlowNode, reading: Reading | null, generationLabel = "Solar"): string {
  if (node === "grid") {
    const direction = gridDirection(readValue(reading, "grid_w"));
    if (direction === "import") return "Importing";
    if (direction === "export") return "Exporting";
  }
  if (node === "battery") {
    const direction = batteryDirection(readValue(reading, "battery_w"));
    if (direction === "charging") return "Charging";
    if (direction === "discharging") return "Discharging";
  }
  return node === "pv" ? generationLabel : NODE_LABELS[node];
}

export function describeFlow(flow: Flow): string {
  return `${NODE_LABELS[flow.from]} to ${NODE_LABELS[flow.to].toLowerCase()}: ${formatPower(flow.watts)}`;
}

interface Props {
  reading: Reading | null;
  title: string;
  /** Declared equipment: leaves out absent devices and names the generation. */
  equipment?: Equipment;
}

export function FlowDiagram({ reading, title, equipment = UNKNOWN_EQUIPMENT }: Props) {
  // useId() may contain characters that break `url(#…)` references.
  const id = `flow${useId().replace(/[^a-zA-Z0-9_-]/g, "")}`;
  const arrowId = `${id}-arrow`;
  const { nodes, flows } = splitFlows(reading, equipment);
  // Without generation the top row is empty: start the drawing just above the home node.
  const top = nodes.includes("pv") ? 0 : POSITIONS.home.y - RADIUS - 16;
  const nodeValue: Partial<Record<FlowNode, string>> = {
    pv: formatPower(readValue(reading, "pv_w")),
    home: formatPower(readValue(reading, "load_w")),
    battery: formatPercent(readValue(reading, "soc_pct")),
    grid: formatPower(magnitude(readValue(reading, "grid_w"))),
  };

  return (
    <figure className="flow">
      <svg
        className="flow__svg"
        viewBox={`0 ${top} ${WIDTH} ${HEIGHT - top}`}
        role="img"
        aria-labelledby={`${id}-title ${id}-desc`}
        data-testid="flow-diagram"
      >
        <title id={`${id}-title`}>{title}</title>
        <desc id={`${id}-desc`}>{flows.map(describeFlow).join("; ") || "No flows reported."}</desc>
        <defs>
          {ARROWS.map((kind) => (
            <marker
              key={kind}
              id={`${arrowId}-${kind}`}
              className={`flow__arrow flow__arrow--${kind}`}
              viewBox="0 0 10 10"
              refX="8"
              refY="5"
              markerWidth="5"
              markerHeight="5"
              orient="auto"
            >
              <path d="M0,0 L10,5 L0,10 z" />
            </marker>
          ))}
        </defs>
        {flows.map((flow) => {
          const g = edgeGeometry(flow);
          const active = flow.watts >= IDLE_WATTS;
          return (
            <g
              key={flow.name}
              className={`flow__edge flow__edge--${flow.from}${active ? " flow__edge--active" : ""}`}
              data-testid={`flow-${flow.name}`}
            >
              <line x1={g.x1} y1={g.y1} x2={g.x2} y2={g.y2} markerEnd={`url(#${arrowId}-${active ? flow.from : "idle"})`} />
              <text x={g.labelX} y={g.labelY} className="flow__label" data-testid={`flow-${flow.name}-value`}>
                {formatPower(flow.watts)}
              </text>
            </g>
          );
        })}
        {nodes.map((node) => {
          const p = POSITIONS[node];
          return (
            <g key={node} className={`flow__node flow__node--${node}`} data-testid={`flow-node-${node}`}>
              <circle cx={p.x} cy={p.y} r={RADIUS} />
              <path className="flow__icon" d={ICONS[node]} transform={`translate(${p.x} ${p.y - 17})`} aria-hidden="true" />
              <text x={p.x} y={p.y + 3} className="flow__node-label">
                {nodeCaption(node, reading, equipment.generationLabel)}
              </text>
              {nodeValue[node] ? (
                <text x={p.x} y={p.y + 18} className="flow__node-value" data-testid={`flow-node-${node}-value`}>
                  {nodeValue[node]}
                </text>
              ) : null}
            </g>
          );
        })}
      </svg>
    </figure>
  );
}
