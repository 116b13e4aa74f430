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

/** "12 s ago", "3 min ago", "2 h ago", or a date for anything older than a day. */
export function formatAge(iso: string | null | undefined, now: number = Date.now()): string {
  if (!iso) return MISSING;
  const then = Date.parse(iso);
  if (Number.isNaN(then)) return MISSING;
  const seconds = Math.max(0, Math.round((now - then) / 1000));
  if (seconds < 60) return `${seconds} s ago`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 24) return `${hours} h ago`;
  return new Date(then).toLocaleDateString();
}

const WHEN = new Intl.DateTimeFormat(undefined, { weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" });
const TIME = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit" });

/** "Mon 5 Jan, 14:00" in the user's locale and time zone. */
export function formatWhen(iso: string | null | undefined): string {
  if (!iso) return MISSING;
  const then = Date.parse(iso);
  return Number.isNaN(then) ? MISSING : WHEN.format(then);
}

/** A time window, e.g. "Mon 5 Jan, 14:00 – 16:00". */
export function formatWindow(start: string | null | undefined, end: string | null | undefined): string {
  if (!start) return MISSING;
  const from = formatWhen(start);
  if (!end || Number.isNaN(Date.parse(end))) return from;
  const sameDay = new Date(start).toDateString() === new Date(end).toDateString();
  return `${from} – ${sameDay ? TIME.format(Date.parse(end)) : formatWhen(end)}`;
}

/** 0.284, "EUR" → "€0.28"; without a currency just the number. */
export function formatMoney(amount: Maybe, currency?: string): string {
  if (!isNumber(amount)) return MISSING;
  if (currency) {
    try {
      return new Intl.NumberFormat(undefined, { style: "currency", currency, maximumFractionDigits: 2 }).format(amount);
    } catch {
      // Unknown currency code: fall through to the plain number.
    }
  }
  return amount.toFixed(2);
}

/** Price per kWh, e.g. "€0.28/kWh". */
export function formatPrice(perKwh: Maybe, currency?: string): string {
  return isNumber(perKwh) ? `${formatMoney(perKwh, currency)}/kWh` : MISSING;
}
