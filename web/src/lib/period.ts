/** Names for a statistics period: "Today", "Yesterday", "Mon, Nov 16", "Nov 16 – Nov 22". */
import { formatWhen, MISSING } from "./format";

const DAY_MS = 86_400_000;
const UTC_DAY = new Intl.DateTimeFormat(undefined, { weekday: "short", month: "short", day: "numeric", timeZone: "UTC" });
const UTC_DATE = new Intl.DateTimeFormat(undefined, { month: "short", day: "numeric", timeZone: "UTC" });

const startOfUtcDay = (ms: number) => Math.floor(ms / DAY_MS) * DAY_MS;

/**
 * The hub counts statistics over whole UTC days ([start, end), end exclusive). One day is named
 * relative to `now`; several days become a date range; anything else falls back to the instants.
 */
export function formatPeriod(start: string | undefined, end: string | undefined, now: number = Date.now()): string {
  const from = start ? Date.parse(start) : NaN;
  const until = end ? Date.parse(end) : NaN;
  if (Number.isNaN(from) || Number.isNaN(until) || until <= from) return MISSING;
  const wholeDays = from % DAY_MS === 0 && until % DAY_MS === 0;
  if (!wholeDays) return `${formatWhen(start)} – ${formatWhen(end)}`;
  const days = Math.round((until - from) / DAY_MS);
  if (days === 1) {
    const today = startOfUtcDay(now);
    if (from === today) return "Today";
    if (from === today - DAY_MS) return "Yesterday";
    return UTC_DAY.format(from);
  }
  return `${UTC_DATE.format(from)} – ${UTC_DATE.format(until - DAY_MS)}`;
}
