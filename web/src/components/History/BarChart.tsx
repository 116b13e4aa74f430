/**
 * Bars per time slot drawn by uPlot, with the same figures in a table for screen readers (and
 * tests: jsdom has no canvas, so vite.config.ts swaps uPlot for a recorder). uPlot is loaded
 * when a chart first shows, so screens without one don't carry it.
 */
import { useEffect, useMemo } from "react";
import type uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import { useElementWidth } from "../../hooks/useElementWidth";

/** A colour of styles.css (`--pv`, `--load` …): bars and legend keys share it. */
export type ChartColour = "pv" | "wind" | "load" | "grid" | "export" | "battery";

export interface ChartSeries {
  label: string;
  colour: ChartColour;
  /** One value per slot, kWh. */
  values: number[];
}

interface Props {
  /** At most two series: they stand side by side. */
  title: string;
  /** Each slot's start, epoch ms; labelled by `slotLabel`. */
  slots: number[];
  slotLabel: (start: number) => string;
  series: ChartSeries[];
  locale: string;
  /** Said instead of the table when every value is 0. */
  empty: string;
  testId?: string;
  height?: number;
}

const cssColour = (name: string, fallback: string) =>
  (typeof document === "undefined" ? "" : getComputedStyle(document.documentElement).getPropertyValue(`--${name}`).trim()) || fallback;

export function BarChart({ title, slots, slotLabel, series, locale, empty, testId, height = 180 }: Props) {
  const [ref, width] = useElementWidth<HTMLDivElement>(340);
  const kwh = useMemo(() => new Intl.NumberFormat(locale, { maximumFractionDigits: 2 }), [locale]);
  const data = useMemo<uPlot.AlignedData>(() => [slots.map((_, i) => i), ...series.map((s) => s.values)], [slots, series]);
  const rows = slots.map((start, i) => ({ start, values: series.map((s) => s.values[i] ?? 0) })).filter((row) => row.values.some((v) => v > 0));

  useEffect(() => {
    const target = ref.current;
    if (!target) return;
    let chart: uPlot | undefined;
    let cancelled = false;
    void import("uplot").then(({ default: UPlot }) => {
      if (cancelled) return;
      const muted = cssColour("muted", "#5b6763");
      const border = cssColour("border", "#dde3e0");
      const options: uPlot.Options = {
        width,
        height,
        legend: { show: false },
        cursor: { points: { show: false }, drag: { x: false, y: false } },
        scales: {
          x: { time: false, range: [-0.5, slots.length - 0.5] },
          y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.1 : 1] },
        },
        axes: [
          {
            stroke: muted,
            grid: { show: false },
            ticks: { show: false },
            space: 44,
            incrs: [1, 2, 3, 4, 6, 12],
            values: (_u, splits) => splits.map((i) => (Number.isInteger(i) && slots[i] !== undefined ? slotLabel(slots[i]) : "")),
          },
          {
            stroke: muted,
            grid: { stroke: border, width: 1 },
            ticks: { show: false },
            size: 56,
            values: (_u, splits) => splits.map((v) => `${kwh.format(v)} kWh`),
          },
        ],
        series: [
          {},
          ...series.map((s, index): uPlot.Series => {
            const colour = cssColour(s.colour, "#2563eb");
            return {
              label: s.label,
              fill: colour,
              stroke: colour,
              width: 0,
              points: { show: false },
              // Two bars side by side in each slot: the first left of its middle, the second right.
              paths: UPlot.paths.bars?.({ size: [0.4, 32], align: index === 0 ? -1 : 1, gap: 1 }),
            };
          }),
        ],
      };
      chart = new UPlot(options, data, target);
    });
    return () => {
      cancelled = true;
      chart?.destroy();
    };
  }, [ref, width, height, data, series, slots, slotLabel, kwh]);

  return (
    <figure className="bar-chart" data-testid={testId}>
      <div ref={ref} className="bar-chart__canvas" aria-hidden="true" />
      <figcaption className="chart__legend">
        {series.map((s) => (
          <span key={s.label} className="bar-chart__key">
            <span className={`chart__key chart__key--${s.colour}`} aria-hidden="true" /> {s.label}
          </span>
        ))}
      </figcaption>
      {rows.length === 0 ? (
        <p className="visually-hidden">{empty}</p>
      ) : (
        <table className="visually-hidden">
          <caption>{title}</caption>
          <thead>
            <tr>
              <th scope="col" />
              {series.map((s) => (
                <th key={s.label} scope="col">
                  {s.label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.start}>
                <th scope="row">{slotLabel(row.start)}</th>
                {row.values.map((v, i) => (
                  <td key={series[i]?.label ?? i}>{`${kwh.format(v)} kWh`}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </figure>
  );
}
