/** Human formatting of power, energy and percentages. Missing values render as an em dash. */

export const MISSING = "—";

type Maybe = number | null | undefined;

function isNumber(value: Maybe): value is number {
  return typeof value === "number" && Number.isFinite(value);
}

function scaled(value: number, unit: string): string {
  // Round first, so 999.6 W becomes "1.00 kW" rather than "1000 W".
  const abs = Math.abs(value);
  const rounded = Math.round(abs);
  const sign = value < 0 && rounded !== 0 ? "-" : "";
  if (rounded < 1000) return `${sign}${rounded} ${unit}`;
  if (rounded < 999_995) return `${sign}${(abs / 1000).toFixed(2)} k${unit}`;
  return `${sign}${(abs / 1_000_000).toFixed(2)} M${unit}`;
}

/** 0 → "0 W", 950 → "950 W", 1234 → "1.23 kW". Keeps the sign. */
export function formatPower(watts: Maybe): string {
  return isNumber(watts) ? scaled(watts, "W") : MISSING;
}

/** 950 → "950 Wh", 1234 → "1.23 kWh". */
export function formatEnergy(wattHours: Maybe): string {
  return isNumber(wattHours) ? scaled(wattHours, "Wh") : MISSING;
}

/** 56.6 → "57%". */
export function formatPercent(percent: Maybe): string {
  return isNumber(percent) ? `${Math.round(percent)}%` : MISSING;
}

/** Below this a flow is treated as idle (sensor noise). */
export const IDLE_WATTS = 5;

export type GridDirection = "import" | "export" | "idle";
export type BatteryDirection = "charging" | "discharging" | "idle";

/** grid_w > 0 imports from the grid, < 0 exports to it. */
export function gridDirection(gridW: Maybe): GridDirection | null {
  if (!isNumber(gridW)) return null;
  if (gridW >= IDLE_WATTS) return "import";
  if (gridW <= -IDLE_WATTS) return "export";
  return "idle";
}

/** battery_w > 0 discharges, < 0 charges. */
export function batteryDirection(batteryW: Maybe): BatteryDirection | null {
  if (!isNumber(batteryW)) return null;
  if (batteryW >= IDLE_WATTS) return "discharging";
  if (batteryW <= -IDLE_WATTS) return "charging";
  return "idle";
}

const GRID_LABELS: Record<GridDirection, string> = { import: "Import", export: "Export", idle: "Idle" };
const BATTERY_LABELS: Record<BatteryDirection, string> = {
  charging: "Charging",
  discharging: "Discharging",
  idle: "Idle",
};

/** Magnitude plus a direction label: -1500 → { value: "1.50 kW", label: "Export" }. */
export function formatGrid(gridW: Maybe): { value: string; label: string } {
  const direction = gridDirection(gridW);
  if (direction === null || !isNumber(gridW)) return { value: MISSING, label: "" };
  return { value: formatPower(Math.abs(gridW)), label: GRID_LABELS[direction] };
}

/** Magnitude plus a direction label: -800 → { value: "800 W", label: "Charging" }. */
export function formatBattery(batteryW: Maybe): { value: string; label: string } {
  const direction = batteryDirection(batteryW);
  if (direction === null || !isNumber(batteryW)) return { value: MISSING, label: "" };
  return { value: formatPower(Math.abs(batteryW)), label: BATTERY_LABELS[direction] };
}

/**
 * The language Intl formats dates and money in. i18n/index.ts sets it whenever the language
 * changes; undefined (tests, before start-up) means the browser's default.
 */
let formatLocale: string | undefined;

/** The locale numbers and dates are formatted in (the chosen language). */
export const currentFormatLocale = (): string | undefined => formatLocale;

export function setFormatLocale(locale: string | undefined): void {
  formatLocale = locale;
}

export const getFormatLocale = (): string | undefined => formatLocale;

const isEnglish = (locale: string | undefined) => locale === undefined || locale.startsWith("en");

/** "12 s ago", "3 min ago", "2 h ago", or a date for anything older than a day; "12초 전" in Korean. */
export function formatAge(iso: string | null | undefined, now: number = Date.now(), locale: string | undefined = formatLocale): string {
  if (!iso) return MISSING;
  const then = Date.parse(iso);
  if (Number.isNaN(then)) return MISSING;
  const seconds = Math.max(0, Math.round((now - then) / 1000));
  const minutes = Math.round(seconds / 60);
  const hours = Math.round(minutes / 60);
  if (hours >= 24) return new Date(then).toLocaleDateString(locale);
  if (isEnglish(locale)) {
    if (seconds < 60) return `${seconds} s ago`;
    if (minutes < 60) return `${minutes} min ago`;
    return `${hours} h ago`;
  }
  const relative = new Intl.RelativeTimeFormat(locale, { numeric: "always", style: "short" });
  if (seconds < 60) return relative.format(-seconds, "second");
  if (minutes < 60) return relative.format(-minutes, "minute");
  return relative.format(-hours, "hour");
}

const whenFormats = new Map<string, Intl.DateTimeFormat>();
const timeFormats = new Map<string, Intl.DateTimeFormat>();

function cached(cache: Map<string, Intl.DateTimeFormat>, locale: string | undefined, options: Intl.DateTimeFormatOptions) {
  const key = locale ?? "";
  let format = cache.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(locale, options);
    cache.set(key, format);
  }
  return format;
}

const whenFormat = (locale: string | undefined) =>
  cached(whenFormats, locale, { weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" });
const timeFormat = (locale: string | undefined) => cached(timeFormats, locale, { hour: "2-digit", minute: "2-digit" });

/** "Mon 5 Jan, 14:00" in the active language and the user's time zone. */
export function formatWhen(iso: string | null | undefined, locale: string | undefined = formatLocale): string {
  if (!iso) return MISSING;
  const then = Date.parse(iso);
  return Number.isNaN(then) ? MISSING : whenFormat(locale).format(then);
}

/** "14:05" in the active language. */
export function formatTime(epochMs: number, locale: string | undefined = formatLocale): string {
  return Number.isFinite(epochMs) ? timeFormat(locale).format(epochMs) : MISSING;
}

/** A time window, e.g. "Mon 5 Jan, 14:00 – 16:00". */
export function formatWindow(start: string | null | undefined, end: string | null | undefined, locale: string | undefined = formatLocale): string {
  if (!start) return MISSING;
  const from = formatWhen(start, locale);
  if (!end || Number.isNaN(Date.parse(end))) return from;
  const sameDay = new Date(start).toDateString() === new Date(end).toDateString();
  return `${from} – ${sameDay ? timeFormat(locale).format(Date.parse(end)) : formatWhen(end, locale)}`;
}

/**
 * 0.284, "EUR" → "€0.28"; without a currency just the number. `fractionDigits` fixes the
 * decimals (prices per kWh keep the hub's four); by default at most two.
 */
export function formatMoney(amount: Maybe, currency?: string, fractionDigits?: number, locale: string | undefined = formatLocale): string {
  if (!isNumber(amount)) return MISSING;
  const digits = fractionDigits === undefined ? { maximumFractionDigits: 2 } : { minimumFractionDigits: fractionDigits, maximumFractionDigits: fractionDigits };
  if (currency) {
    try {
      return new Intl.NumberFormat(locale, { style: "currency", currency, ...digits }).format(amount);
    } catch {
      // Unknown currency code: fall through to the plain number.
    }
  }
  return fractionDigits === undefined ? amount.toFixed(2) : amount.toFixed(fractionDigits);
}

/** Price per kWh, e.g. "€0.28/kWh". */
export function formatPrice(perKwh: Maybe, currency?: string): string {
  return isNumber(perKwh) ? `${formatMoney(perKwh, currency)}/kWh` : MISSING;
}
