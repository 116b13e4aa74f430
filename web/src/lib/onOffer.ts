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
