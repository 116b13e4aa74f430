/**
 * Meter readings entered by hand: which counters a site's form asks for, and what is wrong with a
 * typed reading against its neighbours, before asking the hub. Pure; the hub checks the same
 * (hub/api/routes/meter_readings.py) and has the last word.
 */
import type { components } from "../client/hub.gen";
import type { Equipment } from "./equipment";
import { formatWhen } from "./format";

export type MeterReading = components["schemas"]["MeterReadingOut"];
export type MeterReadingIn = components["schemas"]["MeterReadingIn"];

/** The counters of the site vocabulary (powershare_wire/site.py) an owner reads off a meter. */
export type Counter = "import_wh" | "export_wh" | "production_wh" | "wind_wh";

/** Not every generating site has a generation meter: these may stay empty (then they are not sent). */
export const OPTIONAL_COUNTERS: readonly Counter[] = ["production_wh", "wind_wh"];

/** A form's message: an i18n key with its values, so it follows the chosen language. */
export type Problem = { key: string; values?: Record<string, string> };

export interface CounterForm {
  /** In the order the form asks for them. */
  counters: Counter[];
  /** The i18n key naming the production counter: solar, wind or both. */
  productionLabel: string;
  /** Wind alone produces: its counter is the whole production, sent as both. */
  windOnly: boolean;
}

/**
 * Import and export always; production when the site generates (a provider or hybrid whose assets
 * are not known yet counts), or when a past reading has it; wind apart only beside solar.
 */
export function counterForm(equipment: Equipment, kind: string | undefined, readings: readonly MeterReading[]): CounterForm {
  const counted = (name: "production_wh" | "wind_wh") => readings.some((r) => r[name] !== null && r[name] !== undefined);
  const generates = equipment.generation ?? (kind !== undefined && kind !== "consumer");
  const production = generates || counted("production_wh");
  const windOnly = equipment.wind === true && equipment.solar === false;
  const windApart = production && !windOnly && (equipment.wind === true || counted("wind_wh"));
  const counters: Counter[] = ["import_wh", "export_wh"];
  if (production) counters.push("production_wh");
  if (windApart) counters.push("wind_wh");
  const productionLabel = windOnly
    ? "meterReadings.production_wh_wind"
    : equipment.solar === true && equipment.wind === false
      ? "meterReadings.production_wh_solar"
      : "meterReadings.production_wh";
  return { counters, productionLabel, windOnly };
}

export function meterKwh(wh: number, locale: string): string {
  return `${(wh / 1000).toLocaleString(locale, { maximumFractionDigits: 3 })} kWh`;
}

/** The readings either side of the one entered: for a new one, the newest before it only. */
export interface Neighbours {
  previous?: MeterReading;
  next?: MeterReading;
}

/** The neighbours of a reading in the hub's list (newest first), or of a new one (none given). */
export function neighboursIn(readings: readonly MeterReading[], id?: number): Neighbours {
  if (id === undefined) return { previous: readings[0] };
  const at = readings.findIndex((r) => r.id === id);
  if (at < 0) return { previous: readings[0] };
  return { previous: readings[at + 1], next: at > 0 ? readings[at - 1] : undefined };
}

const value = (reading: MeterReading | undefined, name: Counter): number | undefined => {
  const v = reading?.[name];
  return v === null || v === undefined ? undefined : v;
};

/** What is wrong with the typed values against their neighbours, by field (undefined: left empty). */
export function checkReading(
  readAt: string | null,
  counters: Partial<Record<Counter, number | null>>,
  asked: readonly Counter[],
  { previous, next }: Neighbours,
  locale: string,
): Record<string, Problem> {
  const problems: Record<string, Problem> = {};
  if (readAt === null) problems.read_at = { key: "meterReadings.errors.when" };
  else if (previous && Date.parse(readAt) <= Date.parse(previous.read_at))
    problems.read_at = { key: "meterReadings.errors.notAfter", values: { when: formatWhen(previous.read_at, locale) } };
  else if (next && Date.parse(readAt) >= Date.parse(next.read_at))
    problems.read_at = { key: "meterReadings.errors.notBefore", values: { when: formatWhen(next.read_at, locale) } };
  for (const name of asked) {
    const typed = counters[name];
    const before = value(previous, name);
    const after = value(next, name);
    if (typed === undefined && OPTIONAL_COUNTERS.includes(name)) continue;
    if (typed === null || typed === undefined) problems[name] = { key: "meterReadings.errors.kwh" };
    else if (before !== undefined && typed < before) problems[name] = { key: "meterReadings.errors.backwards", values: { previous: meterKwh(before, locale) } };
    else if (after !== undefined && typed > after) problems[name] = { key: "meterReadings.errors.aboveNext", values: { next: meterKwh(after, locale) } };
  }
  const production = counters.production_wh;
  const wind = counters.wind_wh;
  if (typeof wind === "number" && production === undefined) problems.production_wh = { key: "meterReadings.errors.productionWithWind" };
  else if (!problems.wind_wh && typeof wind === "number" && typeof production === "number" && wind > production)
    problems.wind_wh = { key: "meterReadings.errors.windAboveProduction", values: { production: meterKwh(production, locale) } };
  return problems;
}

/** The body the hub takes: the counters given, whole Wh; wind alone sends its counter as both. */
export function readingBody(
  readAt: string,
  counters: { import_wh: number; export_wh: number; production_wh?: number; wind_wh?: number },
  form: CounterForm,
): MeterReadingIn {
  const body: MeterReadingIn = { read_at: readAt, import_wh: counters.import_wh, export_wh: counters.export_wh };
  const { production_wh: production, wind_wh: wind } = counters;
  if (form.counters.includes("production_wh") && production !== undefined) {
    body.production_wh = production;
    if (form.windOnly) body.wind_wh = production;
  }
  if (form.counters.includes("wind_wh") && wind !== undefined) body.wind_wh = wind;
  return body;
}
