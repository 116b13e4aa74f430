/**
 * The hub's errors in the chosen language: a problem's code looked up as `errors.<code>` (the
 * hub's codes and pydantic's, web/src/i18n/errors.*.ts) with its values, times and prices among
 * them written for the reader; a code with no text there shows the hub's own English. Pure: the
 * translate function, locale and currency come in.
 */
import { ApiError, type ErrorProblem } from "../api/client";
import { formatDecimalPrice } from "./explanations";
import { MISSING, formatWhen } from "./format";

export interface ErrorTextContext {
  t: (key: string, values?: Record<string, unknown>) => string;
  /** Whether the catalogue has this key (in the language or its fallback). */
  exists: (key: string) => boolean;
  locale: string;
  /** The community's currency code (EUR, KRW …); prices show as plain numbers without one. */
  currency?: string;
}

const CODE = /^[a-z0-9_]+$/;
// An ISO 8601 time with its offset, as the hub writes them in `ctx` (docs/api.md).
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

function shown(value: unknown, locale: string): unknown {
  if (typeof value === "string" && ISO_TIME.test(value)) return formatWhen(value, locale);
  if (Array.isArray(value)) return value.map((item) => shown(item, locale)).join(", ");
  return value;
}

// The `ctx` values that are prices, by name: the hub sends money as decimal text ("0.3000",
// docs/api.md), which alone does not tell a price from any other number. All are prices per kWh:
// price_outside_corridor's low, high and price, feed_in_above_retail's retail.
const PRICES: ReadonlySet<string> = new Set(["low", "high", "price", "retail"]);

function price(value: unknown, ctx: ErrorTextContext): string | null {
  const text = formatDecimalPrice(value, { locale: ctx.locale, currency: ctx.currency });
  return text === MISSING ? null : text;
}

// Values that are words of the hub's vocabulary, worded by the catalogue's own terms for them.
const TERMS: Record<string, string> = { status: "market.status" };

function worded(name: string, value: unknown, ctx: ErrorTextContext): unknown {
  const terms = TERMS[name];
  if (terms !== undefined && typeof value === "string" && ctx.exists(`${terms}.${value}`)) return ctx.t(`${terms}.${value}`);
  if (PRICES.has(name)) return price(value, ctx) ?? shown(value, ctx.locale);
  return shown(value, ctx.locale);
}

/** One problem in words: the catalogue's text for its code, else the hub's English. */
export function problemText(problem: ErrorProblem, ctx: ErrorTextContext): string {
  const key = `errors.${problem.code}`;
  if (!CODE.test(problem.code) || !ctx.exists(key)) return problem.text;
  const values = Object.fromEntries(Object.entries(problem.params).map(([name, value]) => [name, worded(name, value, ctx)]));
  return ctx.t(key, values);
}

/** Any error in words: the hub's first problem, or that the hub could not be reached. */
export function errorText(error: unknown, ctx: ErrorTextContext): string {
  if (error instanceof ApiError) return problemText(error.problem, ctx);
  return ctx.t("errors.unreachable");
}

/** The words for each field the hub named, for showing beside the field. */
export function fieldErrorTexts(error: unknown, ctx: ErrorTextContext): Record<string, string> {
  if (!(error instanceof ApiError)) return {};
  return Object.fromEntries(Object.entries(error.fieldProblems).map(([field, problem]) => [field, problemText(problem, ctx)]));
}
