/**
 * Ex-post allocations (GET /api/allocations): what each own site gave to or got from the
 * community's pool per interval, in the hub's shapes. Only the order is worked out here; every
 * figure shown is the hub's own (no sums in the browser).
 */
import type { components } from "../client/hub.gen";

export type Allocation = components["schemas"]["AllocationOut"];

/** Intervals in which a site shared anything, newest first (idle intervals say nothing). */
export function sharedIntervals(allocations: Allocation[]): Allocation[] {
  return allocations
    .filter((a) => a.given_wh > 0 || a.received_wh > 0)
    .sort((a, b) => Date.parse(b.start) - Date.parse(a.start) || a.site.localeCompare(b.site));
}
