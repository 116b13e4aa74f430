/** Totals and chart scaling for a site's energy history. */
import type { HistoryPoint } from "../api/types";

export interface EnergyTotals {
  producedKwh: number;
  consumedKwh: number;
  importedKwh: number;
  exportedKwh: number;
  /** Share of consumption not bought from the grid, 0–100; null without consumption. */
  selfSufficiencyPct: number | null;
}

export function totalsOf(points: HistoryPoint[]): EnergyTotals {
  const sum = (pick: (p: HistoryPoint) => number) => points.reduce((total, p) => total + pick(p), 0);
  const consumedKwh = sum((p) => p.consumption_kwh);
  const importedKwh = sum((p) => p.import_kwh);
  return {
    producedKwh: sum((p) => p.production_kwh),
    consumedKwh,
    importedKwh,
    exportedKwh: sum((p) => p.export_kwh),
    selfSufficiencyPct: consumedKwh > 0 ? Math.max(0, Math.min(100, (1 - importedKwh / consumedKwh) * 100)) : null,
  };
}

/** The start of the hour, `hours` ago: a stable window start that changes once an hour. */
export function hoursAgo(now: Date, hours: number): Date {
  const start = new Date(now.getTime() - hours * 3_600_000);
  start.setMinutes(0, 0, 0);
  return start;
}

/** A round axis maximum (1, 2 or 5 × 10ⁿ) at or above `value`, never 0. */
export function niceMax(value: number): number {
  if (!(value > 0)) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  return ([1, 2, 5, 10].map((m) => m * magnitude).find((candidate) => candidate >= value) ?? 10 * magnitude);
}
