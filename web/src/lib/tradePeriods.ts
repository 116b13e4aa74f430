/**
 * The History screen's periods and the kWh a household traded in each of their slots. Pure: the
 * hub's "now" (demo time in a demo), the trades and the household's sites come in. Energy is in
 * integer Wh, so adding it up is exact; money is never added here (the hub's bill has the sums).
 */
import type { Transaction } from "../api/types";

export type PeriodKind = "day" | "week" | "month";
export const PERIOD_KINDS: readonly PeriodKind[] = ["day", "week", "month"];

export interface Period {
  kind: PeriodKind;
  start: Date;
  end: Date;
  /** Each slot's start (epoch ms): hours for a day, local calendar days for a week or month. */
  slots: number[];
}

const HOUR_MS = 3_600_000;
const DAYS: Record<Exclude<PeriodKind, "day">, number> = { week: 7, month: 30 };

/** The last 24 hours by hour, or the last 7 / 30 local days (today included) by day. */
export function periodOf(kind: PeriodKind, now: number): Period {
  if (kind === "day") {
    const first = new Date(now - 23 * HOUR_MS);
    first.setMinutes(0, 0, 0);
    const slots = Array.from({ length: 24 }, (_, i) => first.getTime() + i * HOUR_MS);
    return { kind, start: first, end: new Date(first.getTime() + 24 * HOUR_MS), slots };
  }
  const days = DAYS[kind];
  const today = new Date(now);
  today.setHours(0, 0, 0, 0);
  // Local midnights by the calendar, not by 24 h steps: a day with a clock change stays one day.
  const slots = Array.from({ length: days + 1 }, (_, i) => {
    const day = new Date(today);
    day.setDate(today.getDate() - (days - 1) + i);
    return day.getTime();
  });
  const end = slots.pop() as number;
  return { kind, start: new Date(slots[0] as number), end: new Date(end), slots };
}

/** The slot a moment falls in, or -1 outside the period. */
export function slotIndex(period: Period, at: number): number {
  if (!(at >= period.start.getTime() && at < period.end.getTime())) return -1;
  let index = period.slots.length - 1;
  while (index > 0 && (period.slots[index] as number) > at) index -= 1;
  return index;
}

export interface TradedSlots {
  /** Delivered to the household's sites, Wh per slot. */
  bought: number[];
  /** Delivered from the household's sites, Wh per slot. */
  sold: number[];
  /** Traded (promised), Wh over the period, bought and sold. */
  tradedBought: number;
  tradedSold: number;
}

/** Each trade by its interval's start; a trade between two of one's own sites counts both ways. */
export function tradedPerSlot(transactions: readonly Transaction[], own: ReadonlySet<string>, period: Period): TradedSlots {
  const bought = period.slots.map(() => 0);
  const sold = period.slots.map(() => 0);
  let tradedBought = 0;
  let tradedSold = 0;
  for (const tx of transactions) {
    if (tx.status === "cancelled") continue;
    const index = slotIndex(period, Date.parse(tx.window_start));
    if (index < 0) continue;
    if (own.has(tx.buyer_site_id)) {
      bought[index] = (bought[index] ?? 0) + tx.delivered_wh;
      tradedBought += tx.energy_wh;
    }
    if (own.has(tx.seller_site_id)) {
      sold[index] = (sold[index] ?? 0) + tx.delivered_wh;
      tradedSold += tx.energy_wh;
    }
  }
  return { bought, sold, tradedBought, tradedSold };
}

/** "2026-06" for the month a moment falls in, in the browser's calendar. */
export function monthOf(at: number): string {
  const date = new Date(at);
  return `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, "0")}`;
}

/** "2026-01", -1 → "2025-12". */
export function shiftMonth(month: string, by: number): string {
  const [year, m] = month.split("-").map(Number) as [number, number];
  const index = year * 12 + (m - 1) + by;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, "0")}`;
}
