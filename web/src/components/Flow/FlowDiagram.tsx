/** SVG energy-flow diagram: solar and wind on top, home in the middle, grid and battery below. */
import { useId } from "react";
import { useTranslation } from "react-i18next";
import type { TFunction } from "i18next";
import type { Reading } from "../../api/types";
import { IDLE_WATTS, batteryDirection, formatPercent, formatPower, gridDirection } from "../../lib/format";
import { UNKNOWN_EQUIPMENT, type Equipment } from "../../lib/equipment";
import { splitFlows, type Flow, type FlowNode } from "../../lib/flows";
import { readValue } from "../../lib/reading";

const WIDTH = 340;
const HEIGHT = 300;
const RADIUS = 36;
/** An edge passing the home node closer than this bends around it. */
const CLEARANCE = RADIUS + 18;

type Point = { x: number; y: number };

const HOME: Point = { x: 170, y: 164 };
const BELOW: Record<"grid" | "battery", Point> = { grid: { x: 46, y: 256 }, battery: { x: 294, y: 256 } };

/** Solar and wind share the top row when a site has both. */
function positions(nodes: FlowNode[]): Record<FlowNode, Point> {
  const both = nodes.includes("pv") && nodes.includes("wind");
  return {
    pv: { x: both ? 96 : 170, y: 42 },
    wind: { x: both ? 244 : 170, y: 42 },
    home: HOME,
    ...BELOW,
  };
}

const ARROWS = ["pv", "wind", "battery", "grid", "idle"] as const;

/** 16×16 line icons, drawn centred on (0, 0). */
const ICONS: Record<FlowNode, string> = {
  pv: "M0-3a3 3 0 1 0 0 6 3 3 0 0 0 0-6zM0-8v2M0 6v2M-8 0h2M6 0h2M-5.7-5.7l1.4 1.4M4.3 4.3l1.4 1.4M-5.7 5.7l1.4-1.4M4.3-4.3l1.4-1.4",
  wind: "M0 8V-1M0-1l-6-4M0-1l6-4M0-1v-7",
  home: "M-7 0l7-6 7 6M-5-1.5V7h10v-8.5M-1.5 7V2.5h3V7",
  grid: "M1-8l-6 9h5l-1 7 6-9H0z",
  battery: "M-7-4h12v8h-12zM5-1.5h2v3h-2M-4-1v2M-1-1v2M2-1v2",
};

/** Where along an edge the watt label sits, nudged so labels on converging edges don't collide. */
const LABEL_AT: Partial<Record<Flow["name"], number>> = { pv_to_battery_w: 0.45, pv_to_grid_w: 0.45, wind_to_battery_w: 0.45, wind_to_grid_w: 0.45 };

const along = (a: Point, b: Point, t: number): Point => ({ x: a.x + (b.x - a.x) * t, y: a.y + (b.y - a.y) * t });
const distance = (a: Point, b: Point) => Math.hypot(b.x - a.x, b.y - a.y);

/** The quadratic curve's control point: the chord's middle, or pushed out so the curve clears home. */
function controlPoint(a: Point, b: Point): Point {
  const mid = along(a, b, 0.5);
  const away = distance(mid, HOME);
  if (away >= CLEARANCE) return mid;
  const ux = away > 0 ? (mid.x - HOME.x) / away : 0;
  const uy = away > 0 ? (mid.y - HOME.y) / away : -1;
  // A quadratic curve's middle lies halfway between the chord's middle and the control point.
  const apex = { x: HOME.x + ux * CLEARANCE, y: HOME.y + uy * CLEARANCE };
  return { x: 2 * apex.x - mid.x, y: 2 * apex.y - mid.y };
}

function edgeGeometry(flow: Flow, at: Record<FlowNode, Point>) {
  const a = at[flow.from];
  const b = at[flow.to];
  const c = flow.from === "home" || flow.to === "home" ? along(a, b, 0.5) : controlPoint(a, b);
  const gap = RADIUS + 4;
  // Trim along the curve's tangents so the line starts and ends at the circles.
  const start = along(a, c, gap / distance(a, c));
  const end = along(b, c, (gap + 4) / distance(b, c));
  const t = LABEL_AT[flow.name] ?? 0.5;
  const label = along(along(a, c, t), along(c, b, t), t);
  return { d: `M${start.x} ${start.y}Q${c.x} ${c.y} ${end.x} ${end.y}`, labelX: label.x, labelY: label.y };
}

const magnitude = (value: number | null) => (value === null ? null : Math.abs(value));
const carries = (flow: Flow | undefined) => flow !== undefined && flow.watts !== null && flow.watts >= IDLE_WATTS;

/**
 * What to draw: battery → grid and grid → battery share one line and never run together, so the
 * line shows whichever carries power (grid → battery when neither does).
 */
export function drawnFlows(flows: Flow[]): Flow[] {
  const batteryToGrid = carries(flows.find((flow) => flow.name === "battery_to_grid_w"));
  return flows.filter((flow) =>
    flow.name === "battery_to_grid_w" ? batteryToGrid : flow.name === "grid_to_battery_w" ? !batteryToGrid : true,
  );
}

/** A node's caption: grid and battery say which way the power goes when it moves. */
export function nodeCaption(t: TFunction, node: FlowNode, reading: Reading | null, pvLabel?: string): string {
  if (node === "grid") {
    const direction = gridDirection(readValue(reading, "grid_w"));
    if (direction === "import") return t("flow.caption.importing");
    if (direction === "export") return t("flow.caption.exporting");
  }
  if (node === "battery") {
    const direction = batteryDirection(readValue(reading, "battery_w"));
    if (direction === "charging") return t("flow.caption.charging");
    if (direction === "discharging") return t("flow.caption.discharging");
  }
  return node === "pv" && pvLabel ? pvLabel : t(`flow.node.${node}`);
}

/** What to call each node; the solar node carries an older agent's wind too, named after the site's generation. */
export function nodeNames(t: TFunction, equipment: Equipment, windApart: boolean): Record<FlowNode, string> {
  const generation = t(`site.word.${equipment.generationLabel.toLowerCase()}`, { defaultValue: equipment.generationLabel });
  return {
    pv: windApart ? t("flow.node.pv") : generation,
    wind: t("flow.node.wind"),
    battery: t("flow.node.battery"),
    grid: t("flow.node.grid"),
    home: t("flow.node.home"),
  };
}

interface Props {
  reading: Reading | null;
  title: string;
  /** Declared equipment: leaves out absent devices and names the generation. */
  equipment?: Equipment;
}

export function FlowDiagram({ reading, title, equipment = UNKNOWN_EQUIPMENT }: Props) {
  const { t } = useTranslation();
  // useId() may contain characters that break `url(#…)` references.
  const id = `flow${useId().replace(/[^a-zA-Z0-9_-]/g, "")}`;
  const arrowId = `${id}-arrow`;
  const { nodes, flows, windApart } = splitFlows(reading, equipment);
  const names = nodeNames(t, equipment, windApart);
  const at = positions(nodes);
  // Without generation the top row is empty: start the drawing just above the home node.
  const top = nodes.includes("pv") || nodes.includes("wind") ? 0 : HOME.y - RADIUS - 16;
  const nodeValue: Partial<Record<FlowNode, string>> = {
    pv: formatPower(readValue(reading, "pv_w")),
    wind: formatPower(readValue(reading, "wind_w")),
    home: formatPower(readValue(reading, "load_w")),
    battery: formatPercent(readValue(reading, "soc_pct")),
    grid: formatPower(magnitude(readValue(reading, "grid_w"))),
  };
  const describe = (flow: Flow) => `${t("flow.edge", { from: names[flow.from], to: names[flow.to] })}: ${formatPower(flow.watts)}`;

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
        <desc id={`${id}-desc`}>{flows.map(describe).join("; ") || t("flow.none")}</desc>
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
        {drawnFlows(flows).map((flow) => {
          const g = edgeGeometry(flow, at);
          const active = carries(flow);
          return (
            <g
              key={flow.name}
              className={`flow__edge flow__edge--${flow.from}${active ? " flow__edge--active" : ""}`}
              data-testid={`flow-${flow.name}`}
            >
              <path className="flow__line" d={g.d} markerEnd={`url(#${arrowId}-${active ? flow.from : "idle"})`} />
              <text x={g.labelX} y={g.labelY} className="flow__label" data-testid={`flow-${flow.name}-value`}>
                {formatPower(flow.watts)}
              </text>
            </g>
          );
        })}
        {nodes.map((node) => {
          const p = at[node];
          return (
            <g key={node} className={`flow__node flow__node--${node}`} data-testid={`flow-node-${node}`}>
              <circle cx={p.x} cy={p.y} r={RADIUS} />
              <path className="flow__icon" d={ICONS[node]} transform={`translate(${p.x} ${p.y - 17})`} aria-hidden="true" />
              <text x={p.x} y={p.y + 3} className="flow__node-label">
                {nodeCaption(t, node, reading, names.pv)}
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
