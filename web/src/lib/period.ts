/** Names for periods: a statistics period ("Today", "Nov 16 – Nov 22") and a community's calendar months and times, in the chosen locale. */
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

// A community's calendar ---------------------------------------------------------------------------
//
// A community bills by its own calendar (the hub's `timezone`, an IANA name): the month a moment
// falls in and the time an interval starts are read there, not in the browser's zone, so a resident
// travelling, or an admin abroad, sees the same months and times as the neighbours.

/** The zone if this browser knows it; otherwise undefined, which Intl reads as the browser's own. */
export function knownTimeZone(timeZone: string | null | undefined): string | undefined {
  if (!timeZone) return undefined;
  try {
    new Intl.DateTimeFormat("en", { timeZone });
    return timeZone;
  } catch {
    return undefined;
  }
}

/** "2026-12": the month a moment falls in, in the community's time zone. */
export function monthIn(at: number, timeZone: string | null | undefined): string {
  const parts = new Intl.DateTimeFormat("en-US", { year: "numeric", month: "2-digit", timeZone: knownTimeZone(timeZone) }).formatToParts(at);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? "";
  return `${part("year")}-${part("month")}`;
}

const zonedFormats = new Map<string, Intl.DateTimeFormat>();

/** "Mon 5 Jan, 14:00" in the chosen locale and the community's time zone. */
export function formatWhenIn(iso: string | null | undefined, timeZone: string | null | undefined, locale: string | undefined = currentFormatLocale()): string {
  const then = iso ? Date.parse(iso) : NaN;
  if (Number.isNaN(then)) return MISSING;
  const zone = knownTimeZone(timeZone);
  const key = `${locale ?? ""}|${zone ?? ""}`;
  let format = zonedFormats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(locale, { weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit", timeZone: zone });
    zonedFormats.set(key, format);
  }
  return format.format(then);
}

/** Whether the community's clock reads differently from the browser's (then the screen says whose it shows). */
export function differsFromBrowser(timeZone: string | null | undefined, at: number): boolean {
  const zone = knownTimeZone(timeZone);
  if (!zone) return false;
  const wall = (z: string | undefined) => new Intl.DateTimeFormat("en-US", { dateStyle: "short", timeStyle: "short", timeZone: z }).format(at);
  return wall(zone) !== wall(undefined);
}
