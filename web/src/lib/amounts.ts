/**
 * Money as the hub sends it on trades and bills: exact decimal strings ("-0.2603"), signed from the
 * household's side (> 0 paid, < 0 earned). Shown through Intl in the chosen locale; never added up
 * here, since every sum a resident sees (totals, savings) is the hub's own figure.
 */
import { MISSING } from "./format";

const DECIMAL = /^-?\d+(\.\d+)?$/;

/** No minus on what rounds to zero ("-0.0008" is "€0.00"): ES2023's signDisplay, newer than our TS lib. */
const MINUS_ONLY_BELOW_ZERO = { signDisplay: "negative" } as unknown as Intl.NumberFormatOptions;

/** The text when it is a decimal the hub would send, else null. */
function decimal(text: string | null | undefined): string | null {
  const value = (text ?? "").trim();
  return DECIMAL.test(value) ? value : null;
}

/** "-0.2603" → "0.2603", "0.5" → "-0.5": the sign flipped on the text itself (no float round trip). */
export function negate(text: string): string {
  const value = decimal(text);
  if (value === null) return text;
  if (/^-?0+(\.0+)?$/.test(value)) return value.replace("-", "");
  return value.startsWith("-") ? value.slice(1) : `-${value}`;
}

/** -1, 0 or 1 for a decimal's sign; null when it isn't one. */
export function sign(text: string | null | undefined): -1 | 0 | 1 | null {
  const value = decimal(text);
  if (value === null) return null;
  if (/^-?0+(\.0+)?$/.test(value)) return 0;
  return value.startsWith("-") ? -1 : 1;
}

/**
 * "12.3456", "EUR", "en" → "€12.35": the currency's usual digits, rounded by Intl from the exact
 * decimal (a numeric string, so no binary fraction on the way), in the locale's spelling.
 */
export function formatAmount(text: string | null | undefined, currency: string | undefined, locale: string | undefined): string {
  const value = decimal(text);
  if (value === null) return MISSING;
  // Intl formats a numeric string as the exact decimal it spells (ECMA-402 StringNumericLiteral).
  const exact = value as unknown as number;
  if (currency) {
    try {
      return new Intl.NumberFormat(locale, { style: "currency", currency, ...MINUS_ONLY_BELOW_ZERO }).format(exact);
    } catch {
      // An unknown currency code: the plain number below.
    }
  }
  return new Intl.NumberFormat(locale, { minimumFractionDigits: 2, maximumFractionDigits: 2, ...MINUS_ONLY_BELOW_ZERO }).format(exact);
}
