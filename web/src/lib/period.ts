/** Names for a statistics period: "Today", "Yesterday", "Mon, Nov 16", "Nov 16 – Nov 22", in the chosen locale. */
import { currentFormatLocale, formatWhen, MISSING } from "./format";

const DAY_MS = 86_400_000;

const startOfUtcDay = (ms: number) => Math.floor(ms / DAY_MS) * DAY_MS;

/** "today" → "Today" (Intl words are lower case mid-sentence; here the name stands alone). */
function capitalised(text: string, locale: string | undefined): string {
  return text.charAt(0).toLocaleUpperCase(locale) + text.slice(1);
}

/**
 * The hub counts statistics over whole UTC days ([start, end), end exclusive). One day is named
 * relative to `now`; several days become a date range; anything else falls back to the instants.
 */
export function formatPeriod(
  start: string | undefined,
  end: string | undefined,
  now: number = Date.now(),
  locale: string | undefined = currentFormatLocale(),
): string {
  const from = start ? Date.parse(start) : NaN;
  const until = end ? Date.parse(end) : NaN;
  if (Number.isNaN(from) || Number.isNaN(until) || until <= from) return MISSING;
  const wholeDays = from % DAY_MS === 0 && until % DAY_MS === 0;
  if (!wholeDays) return `${formatWhen(start, locale)} – ${formatWhen(end, locale)}`;
  const days = Math.round((until - from) / DAY_MS);
  if (days === 1) {
    const ago = (startOfUtcDay(now) - from) / DAY_MS;
    if (ago === 0 || ago === 1) {
      return capitalised(new Intl.RelativeTimeFormat(locale, { numeric: "auto" }).format(-ago, "day"), locale);
    }
    return new Intl.DateTimeFormat(locale, { weekday: "short", month: "short", day: "numeric", timeZone: "UTC" }).format(from);
  }
  const date = new Intl.DateTimeFormat(locale, { month: "short", day: "numeric", timeZone: "UTC" });
  return `${date.format(from)} – ${date.format(until - DAY_MS)}`;
}
