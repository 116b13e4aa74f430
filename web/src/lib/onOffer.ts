/** What each provider offers now, from the hub's per-provider sums (its single offers stay anonymous). */
import type { components } from "../client/hub.gen";
import { formatDecimalPrice, formatKwh } from "./explanations";

export type ProvidersAnswer = components["schemas"]["ProvidersOut"];

export interface OnOffer {
  /** Left to buy in the interval under way, Wh. */
  nowWh: number;
  /** In the interval after it, Wh. */
  nextWh: number;
  /** The lowest asking price per kWh over both, an exact decimal string; null without offers. */
  fromPrice: string | null;
  currency: string;
}

export function offerKey(community: string, site: string): string {
  return `${community}/${site}`;
}

/** Each community's answer flattened into one lookup by community and site. */
export function offersBySite(answers: readonly (ProvidersAnswer | null | undefined)[]): Map<string, OnOffer> {
  const found = new Map<string, OnOffer>();
  for (const answer of answers) {
    if (!answer) continue;
    for (const p of answer.providers) {
      const [now, next] = p.on_offer;
      found.set(offerKey(answer.community, p.site), {
        nowWh: now?.energy_wh ?? 0,
        nextWh: next?.energy_wh ?? 0,
        fromPrice: p.min_price_per_kwh ?? null,
        currency: answer.currency,
      });
    }
  }
  return found;
}

export interface OfferLine {
  key: "map.offerNow" | "map.offerNext" | "map.fromPrice" | "map.nothingOnOffer";
  values: Record<string, string>;
}

/** The facts to say about an offer, as catalogue keys with their values formatted in `locale`. */
export function offerLines(offer: OnOffer, locale: string): OfferLine[] {
  if (offer.nowWh <= 0 && offer.nextWh <= 0) return [{ key: "map.nothingOnOffer", values: {} }];
  const lines: OfferLine[] = [];
  if (offer.nowWh > 0) lines.push({ key: "map.offerNow", values: { energy: formatKwh(offer.nowWh, locale) } });
  if (offer.nextWh > 0) lines.push({ key: "map.offerNext", values: { energy: formatKwh(offer.nextWh, locale) } });
  if (offer.fromPrice !== null) {
    lines.push({ key: "map.fromPrice", values: { price: formatDecimalPrice(offer.fromPrice, { locale, currency: offer.currency }) } });
  }
  return lines;
}

/** Several providers at one marker: their energy summed, the lowest price; null when none is known. */
export function pooled(offers: readonly (OnOffer | undefined)[]): OnOffer | null {
  const known = offers.filter((o): o is OnOffer => o !== undefined);
  const [first] = known;
  if (!first) return null;
  const prices = known.flatMap((o) => (o.fromPrice === null ? [] : [o.fromPrice]));
  return {
    nowWh: known.reduce((sum, o) => sum + o.nowWh, 0),
    nextWh: known.reduce((sum, o) => sum + o.nextWh, 0),
    // Exact decimal strings compared as numbers: fine for picking one, the shown text stays the hub's.
    fromPrice: prices.reduce<string | null>((low, p) => (low === null || Number(p) < Number(low) ? p : low), null),
    currency: first.currency,
  };
}
