/**
 * Energy typed in kWh, sent to the hub as integer Wh. Converted from the text, digit by digit,
 * so "2.5" is exactly 2500 Wh and never 2499.9999 (no float multiplication).
 */

const DECIMAL = /^(\d+)(?:[.,](\d*))?$/;

/** The hub's upper bound on one order (EnergyWh in hub/api/schemas/market.py). */
export const MAX_ORDER_WH = 10_000_000;

/** "2.5" → 2500, "0.001" → 1, "3" → 3000; null for empty, negative, text or finer than 1 Wh ("0.0005"). */
export function kwhToWh(text: string): number | null {
  const match = DECIMAL.exec(text.trim());
  if (!match) return null;
  const whole = match[1] ?? "";
  const fraction = match[2] ?? "";
  if (fraction.length > 3 || whole.length > 9) return null;
  return Number(whole) * 1000 + Number(fraction.padEnd(3, "0"));
}

export type EnergyProblem = "required" | "format" | "tooSmall" | "tooLarge";

/** What is wrong with a typed amount, if anything. */
export function checkEnergy(text: string): EnergyProblem | null {
  if (text.trim() === "") return "required";
  const wh = kwhToWh(text);
  if (wh === null) return "format";
  if (wh <= 0) return "tooSmall";
  if (wh > MAX_ORDER_WH) return "tooLarge";
  return null;
}

/** 2500 → "2.5" (kWh, for an input's value), exact. */
export function whToKwhText(wh: number): string {
  const whole = Math.floor(wh / 1000);
  const rest = String(wh % 1000).padStart(3, "0").replace(/0+$/, "");
  return rest ? `${whole}.${rest}` : String(whole);
}
