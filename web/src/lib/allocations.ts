/**
 * Ex-post allocations (GET /api/allocations): what each own site gave to or got from the
 * community's pool per interval, in the hub's shapes. Only the month's window and the order are
 * worked out here; every figure shown is the hub's own (no sums in the browser).
 */
import type { components } from "../client/hub.gen";

export type Allocation = components["schemas"]["AllocationOut"];

/** "2026-06" → that month's first instant and the next month's, in the browser's time zone. */
export function monthSpan(month: string): { start: string; end: string } | null {
  const match = /^(\d{4})-(\d{2})$/.exec(month);
  if (!match) return null;
  const year = Number(match[1]);
  const index = Number(match[2]) - 1;
  if (index < 0 || index > 11) return null;
  return { start: new Date(year, index, 1).toISOString(), end: new Date(year, index + 1, 1).toISOString() };
}

/** Intervals in which a site shared anything, newest first (idle intervals say nothing). */
export function sharedIntervals(allocations: Allocation[]): Allocation[] {
  return allocations
    .filter((a) => a.given_wh > 0 || a.received_wh > 0)
    .sort((a, b) => Date.parse(b.start) - Date.parse(a.start) || a.site.localeCompare(b.site));
}
