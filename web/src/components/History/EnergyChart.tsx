/** Hourly bars over a fixed window: production (solar, wind stacked on it) next to consumption. */
import type { HistoryPoint } from "../../api/types";
import { formatEnergy } from "../../lib/format";
import { niceMax } from "../../lib/history";

const WIDTH = 340;
const HEIGHT = 150;
const LEFT = 46;
const BOTTOM = 18;
const TOP = 8;
const HOUR_MS = 3_600_000;

const HOUR = new Intl.DateTimeFormat(undefined, { hour: "2-digit" });

/** Axis labels in kWh without trailing zeros: "0.5 kWh", "2 kWh". */
const axisLabel = (kwh: number) => `${Number(kwh.toPrecision(2))}\u00a0kWh`;

interface Props {
  points: HistoryPoint[];
  /** First hour of the window; bars sit at their hour, gaps stay empty. */
  from: Date;
  hours: number;
  title: string;
}

export function EnergyChart({ points, from, hours, title }: Props) {
  const max = niceMax(Math.max(0, ...points.map((p) => Math.max(p.production_kwh, p.consumption_kwh))));
  const plotHeight = HEIGHT - TOP - BOTTOM;
  const slot = (WIDTH - LEFT) / hours;
  const bar = Math.max(1, slot / 2 - 1);
  const y = (kwh: number) => TOP + plotHeight - (kwh / max) * plotHeight;
  const slotOf = (iso: string) => Math.floor((Date.parse(iso) - from.getTime()) / HOUR_MS);
  const visible = points.filter((p) => {
    const index = slotOf(p.start);
    return index >= 0 && index < hours;
  });
  const describe = visible
    .filter((p) => p.production_kwh > 0 || p.consumption_kwh > 0)
    .map(
      (p) =>
        `${HOUR.format(new Date(p.start))}: produced ${formatEnergy(p.production_kwh * 1000)}` +
        (p.wind_kwh > 0 ? ` (wind ${formatEnergy(p.wind_kwh * 1000)})` : "") +
        `, used ${formatEnergy(p.consumption_kwh * 1000)}`,
    )
    .join("; ");

  return (
    <svg className="chart" viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={title} data-testid="energy-chart">
      <desc>{describe || "No energy recorded in this period."}</desc>
      {[0, 0.5, 1].map((f) => (
        <g key={f} className="chart__grid">
          <line x1={LEFT} x2={WIDTH} y1={y(max * f)} y2={y(max * f)} />
          <text x={LEFT - 4} y={y(max * f) + 3}>
            {axisLabel(max * f)}
          </text>
        </g>
      ))}
      {Array.from({ length: hours }, (_, i) =>
        i % 6 === 0 ? (
          <text key={i} className="chart__tick" x={LEFT + i * slot + slot / 2} y={HEIGHT - 4}>
            {HOUR.format(new Date(from.getTime() + i * HOUR_MS))}
          </text>
        ) : null,
      )}
      {visible.map((p) => {
        const x = LEFT + slotOf(p.start) * slot;
        const solar = Math.max(0, p.production_kwh - p.wind_kwh);
        return (
          <g key={p.start}>
            <rect className="chart__pv" x={x} y={y(solar)} width={bar} height={y(0) - y(solar)} />
            {p.wind_kwh > 0 ? (
              <rect className="chart__wind" x={x} y={y(p.production_kwh)} width={bar} height={y(solar) - y(p.production_kwh)} />
            ) : null}
            <rect
              className="chart__load"
              x={x + bar + 1}
              y={y(p.consumption_kwh)}
              width={bar}
              height={y(0) - y(p.consumption_kwh)}
            />
          </g>
        );
      })}
    </svg>
  );
}
