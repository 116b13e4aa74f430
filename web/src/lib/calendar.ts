/** Turn requests and offers with a time window into calendar entries, grouped by local day. */
import type { EnergyOffer, EnergyRequest } from "../api/types";

export interface CalendarEntry {
  key: string;
  kind: "request" | "offer";
  site?: string;
  mine: boolean;
  status?: string;
  amountWh?: number;
  start: Date;
  end: Date | null;
}

const parse = (iso: string | null | undefined): Date | null => {
  if (!iso) return null;
  const time = Date.parse(iso);
  return Number.isNaN(time) ? null : new Date(time);
};

export function toEntries(requests: EnergyRequest[], offers: EnergyOffer[]): CalendarEntry[] {
  const entries: CalendarEntry[] = [];
  const add = (kind: CalendarEntry["kind"], item: EnergyRequest | EnergyOffer) => {
    const start = parse(item.window_start);
    // Cancelled and expired orders won't happen: keep them off the plan.
    if (!start || item.status === "cancelled" || item.status === "expired") return;
    entries.push({
      key: `${kind}-${item.id}`,
      kind,
      site: item.site ?? undefined,
      mine: item.mine === true,
      status: item.status,
      amountWh: item.energy_wh,
      start,
      end: parse(item.window_end),
    });
  };
  requests.forEach((item) => add("request", item));
  offers.forEach((item) => add("offer", item));
  return entries.sort((a, b) => a.start.getTime() - b.start.getTime());
}

export function startOfDay(date: Date): Date {
  return new Date(date.getFullYear(), date.getMonth(), date.getDate());
}

/** `count` consecutive local days starting with the day of `from`. */
export function daysFrom(from: Date, count = 7): Date[] {
  const first = startOfDay(from);
  return Array.from({ length: count }, (_, i) => new Date(first.getFullYear(), first.getMonth(), first.getDate() + i));
}

export const sameDay = (a: Date, b: Date): boolean => startOfDay(a).getTime() === startOfDay(b).getTime();

/** Entries that touch the given local day (a window spanning midnight counts on both days). */
export function entriesOn(entries: CalendarEntry[], day: Date): CalendarEntry[] {
  const from = startOfDay(day).getTime();
  const to = new Date(day.getFullYear(), day.getMonth(), day.getDate() + 1).getTime();
  return entries.filter((entry) => {
    const start = entry.start.getTime();
    const end = (entry.end ?? entry.start).getTime();
    return start < to && end >= from;
  });
}
