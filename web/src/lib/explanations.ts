/**
 * The market's word on an order, turned into sentences. After each clearing the hub stores
 * `{code, params, rest}` on every request and offer (hub/db/models/market.py): `code` says what
 * happened, `params` carries the figures, `rest` explains the part left unmatched. Here each
 * explanation becomes a list of lines, each an i18n key plus ready-formatted values; the
 * component only translates them. Pure: the locale, currency and site names come in.
 * The shape is the hub's own (ExplanationOut in the generated client).
 */
import type { Explanation } from "../api/types";
import { MISSING, formatMoney } from "./format";

export type { Explanation };

export type OrderSide = "request" | "offer";

export interface ExplanationContext {
  /** BCP 47 tag of the active language, for Intl. */
  locale: string;
  /** The community's currency code (EUR, KRW …); prices show as plain numbers without one. */
  currency?: string;
  /** Site id → name, from the sites list; unknown ids show as they are. */
  siteNames?: ReadonlyMap<string, string>;
}

/** One sentence: `values` are interpolated as they are, `lists` are keys translated and joined. */
export interface ExplanationLine {
  key: string;
  values: Record<string, string>;
  lists?: Record<string, string[]>;
  /** Lines about the unmatched part of the order. */
  rest?: boolean;
}

export const WAITING_KEY = "explanation.waiting";
export const UNKNOWN_KEY = "explanation.unknown";

/** Every code the hub sends, per side, with the params each one formats. */
const CODES: Record<OrderSide, readonly string[]> = {
  request: ["matched", "partly_matched", "no_offer", "price_too_low", "no_green_offer", "too_far", "only_own_sites", "only_excluded", "outbid"],
  offer: ["matched", "partly_matched", "no_request", "price_too_high", "undercut", "not_wanted", "only_own_sites"],
};

export const knownCodes = (side: OrderSide): readonly string[] => CODES[side];

const PREFERENCES = new Set(["green_only", "distance", "excluded"]);

/** Fraction digits a currency normally shows: 2 for EUR, 0 for KRW; 2 when unknown. */
function currencyDigits(currency: string | undefined, locale: string): number {
  if (!currency) return 2;
  try {
    return new Intl.NumberFormat(locale, { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}

/**
 * "0.1500", "EUR" → "€0.1500": the hub's decimals are kept (at least two), since prices per kWh
 * live below the cent. A currency without minor units drops trailing zeros: "150.0000" KRW → "₩150".
 */
export function formatDecimalPrice(value: unknown, ctx: ExplanationContext): string {
  const text = typeof value === "number" ? String(value) : typeof value === "string" ? value.trim() : "";
  if (!/^-?\d+(\.\d+)?$/.test(text)) return MISSING;
  const fraction = text.split(".")[1] ?? "";
  const decimals = currencyDigits(ctx.currency, ctx.locale) === 0 ? fraction.replace(/0+$/, "").length : Math.max(2, fraction.length);
  return formatMoney(Number(text), ctx.currency, decimals, ctx.locale);
}

/** 2400 Wh → "2.4 kWh" (at most two decimals, in the locale's digits; the unit reads the same in every language). */
export function formatKwh(wh: unknown, locale: string): string {
  if (typeof wh !== "number" || !Number.isFinite(wh)) return MISSING;
  return `${new Intl.NumberFormat(locale, { maximumFractionDigits: 2 }).format(wh / 1000)} kWh`;
}

/** 1.234 → "1.2 km". */
export function formatKm(km: unknown, locale: string): string {
  if (typeof km !== "number" || !Number.isFinite(km)) return MISSING;
  return `${new Intl.NumberFormat(locale, { maximumFractionDigits: 1 }).format(km)} km`;
}

/** Partner site ids → "Am Markt 3 and beta", by name where the sites list knows one. */
export function formatPartners(partners: unknown, ctx: ExplanationContext): string {
  const ids = Array.isArray(partners) ? partners.filter((p): p is string => typeof p === "string") : [];
  if (ids.length === 0) return MISSING;
  const names = ids.map((id) => ctx.siteNames?.get(id) ?? id);
  return new Intl.ListFormat(ctx.locale, { style: "long", type: "conjunction" }).format(names);
}

/** Formatting of each param the codes use; the key is the name in the catalogue. */
function values(side: OrderSide, code: string, p: Record<string, unknown>, ctx: ExplanationContext): Record<string, string> {
  const price = (name: string) => formatDecimalPrice(p[name], ctx);
  const kwh = (name: string) => formatKwh(p[name], ctx.locale);
  const km = (name: string) => formatKm(p[name], ctx.locale);
  switch (code) {
    case "matched":
    case "partly_matched":
      return {
        energy: kwh("energy_wh"),
        ...(side === "request" ? { requested: kwh("requested_wh"), fee: price("fee"), price: price("price") } : { offered: kwh("offered_wh") }),
        energyPrice: price("energy_price"),
        partners: formatPartners(p.partners, ctx),
      };
    case "price_too_low":
      return { cheapest: price("cheapest_price"), max: price("max_price") };
    case "too_far":
      return { nearest: km("nearest_km"), max: km("max_distance_km") };
    case "outbid":
      return { clearing: price("clearing_price"), max: price("max_price") };
    case "price_too_high":
      return { best: price("best_price"), min: price("min_price") };
    case "undercut":
      return { clearing: price("clearing_price"), min: price("min_price") };
    default:
      return {};
  }
}

/** The lines about one explanation node, then its grid part, then its rest. */
function linesOf(side: OrderSide, explanation: Explanation, ctx: ExplanationContext, rest: boolean, depth: number): ExplanationLine[] {
  const code = typeof explanation.code === "string" ? explanation.code : String(explanation.code);
  const params = explanation.params && typeof explanation.params === "object" ? explanation.params : {};
  const lines: ExplanationLine[] = [];
  const mark = rest ? { rest: true } : {};

  if (!CODES[side].includes(code)) {
    lines.push({ key: UNKNOWN_KEY, values: { code }, ...mark });
  } else if (code === "not_wanted") {
    const prefs = Array.isArray(params.preferences) ? params.preferences.filter((x): x is string => typeof x === "string") : [];
    lines.push({
      key: `explanation.${side}.not_wanted`,
      values: {},
      lists: { preferences: prefs.map((pref) => (PREFERENCES.has(pref) ? `explanation.preference.${pref}` : pref)) },
      ...mark,
    });
  } else {
    const key = code === "outbid" && (params.clearing_price === null || params.clearing_price === undefined) ? "outbid_noPrice" : code;
    lines.push({ key: `explanation.${side}.${key}`, values: values(side, code, params, ctx), ...mark });
  }

  // The unmatched part: the grid covers it (requests) or takes it (offers).
  if (typeof params.grid_wh === "number" && params.grid_wh > 0) {
    lines.push({
      key: `explanation.${side}.grid`,
      values: { energy: formatKwh(params.grid_wh, ctx.locale), price: formatDecimalPrice(params.grid_price, ctx) },
      ...mark,
    });
  }
  if (explanation.rest && typeof explanation.rest === "object" && depth < 3) {
    lines.push(...linesOf(side, explanation.rest, ctx, true, depth + 1));
  }
  return lines;
}

/**
 * An order's explanation as lines to translate; no explanation yet (the order hasn't been through
 * a clearing) gives the waiting line. Never throws on odd input: unknown codes get a neutral line.
 */
export function explain(side: OrderSide, explanation: Explanation | null | undefined, ctx: ExplanationContext): ExplanationLine[] {
  if (!explanation || typeof explanation !== "object" || explanation.code === undefined) return [{ key: WAITING_KEY, values: {} }];
  return linesOf(side, explanation, ctx, false, 0);
}

/** What a translate function needs to be (i18next's `t` fits). */
export type Translate = (key: string, values?: Record<string, string>) => string;

/** One line in words: lists translated and joined in the locale's way. */
export function renderLine(line: ExplanationLine, t: Translate, locale: string): string {
  const vals: Record<string, string> = { ...line.values };
  for (const [name, keys] of Object.entries(line.lists ?? {})) {
    const words = keys.map((key) => (key.startsWith("explanation.") ? t(key) : key));
    vals[name] = words.length > 0 ? new Intl.ListFormat(locale, { style: "long", type: "conjunction" }).format(words) : MISSING;
  }
  return t(line.key, vals);
}
