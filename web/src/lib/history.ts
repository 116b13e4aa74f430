/** Chart scaling for a site's energy history; its totals come from the hub (SiteHistory.totals). */

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
