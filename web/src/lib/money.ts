/**
 * Prices as the hub sends them: exact decimals per kWh in JSON strings with at most four decimals
 * ("0.1500"). Money never goes through floats here: to compare or add, a price becomes an integer
 * count of ticks of 0.0001 (a price ≤ 100 is ≤ 1 000 000 ticks, far inside the safe integers).
 */
import { formatDecimalPrice } from "./explanations";

export const PRICE_DECIMALS = 4;
const TICKS = 10 ** PRICE_DECIMALS;
const DECIMAL = /^(\d+)(?:[.,](\d*))?$/;

/** "0.15" → 1500, "1" → 10000, " 0,1500 " → 1500; null for anything else (negative, > 4 decimals, text). */
export function priceTicks(text: string | null | undefined): number | null {
  const match = DECIMAL.exec((text ?? "").trim());
  if (!match) return null;
  const whole = match[1] ?? "";
  const fraction = match[2] ?? "";
  if (fraction.length > PRICE_DECIMALS || whole.length > 6) return null;
  return Number(whole) * TICKS + Number(fraction.padEnd(PRICE_DECIMALS, "0"));
}

/** 1500 → "0.1500": the hub's own spelling of a price. */
export function ticksToPrice(ticks: number): string {
  const sign = ticks < 0 ? "-" : "";
  const abs = Math.abs(Math.trunc(ticks));
  return `${sign}${Math.floor(abs / TICKS)}.${String(abs % TICKS).padStart(PRICE_DECIMALS, "0")}`;
}

/** The price as the hub wants it in a body ("0.15" → "0.1500"), or null when it isn't one. */
export function normalisePrice(text: string): string | null {
  const ticks = priceTicks(text);
  return ticks === null ? null : ticksToPrice(ticks);
}

/** a + b exactly ("0.1800" + "0.0100" → "0.1900"); null when either isn't a price. */
export function addPrices(a: string, b: string): string | null {
  const x = priceTicks(a);
  const y = priceTicks(b);
  return x === null || y === null ? null : ticksToPrice(x + y);
}

/** -1, 0 or 1 as a < b, a = b, a > b; null when either isn't a price. */
export function comparePrices(a: string, b: string): -1 | 0 | 1 | null {
  const x = priceTicks(a);
  const y = priceTicks(b);
  if (x === null || y === null) return null;
  return x < y ? -1 : x > y ? 1 : 0;
}

export type PriceProblem = "required" | "format" | "decimals" | "belowMin" | "aboveMax";

/**
 * What is wrong with a typed price, if anything: empty, not a number, more than four decimals,
 * or outside the community's corridor [min, max] (feed-in … retail), when known.
 */
export function checkPrice(text: string, corridor: { min?: string | null; max?: string | null } = {}): PriceProblem | null {
  const value = text.trim();
  if (value === "") return "required";
  const ticks = priceTicks(value);
  if (ticks === null) {
    return /^\d+[.,]\d{5,}$/.test(value) ? "decimals" : "format";
  }
  const min = priceTicks(corridor.min);
  const max = priceTicks(corridor.max);
  if (min !== null && ticks < min) return "belowMin";
  if (max !== null && ticks > max) return "aboveMax";
  return null;
}


/** "0.1500", "EUR" → "€0.1500/kWh", keeping the hub's decimals (display only; no arithmetic). */
export function formatPricePerKwh(text: string | null | undefined, currency: string | undefined, locale: string): string {
  return `${formatDecimalPrice(text, { locale, currency })}/kWh`;
}
