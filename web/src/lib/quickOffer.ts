/**
 * The one-tap answer to a neighbour's request: an offer from one of the caller's sites for what
 * the request still lacks, over what is left of its window, at the corridor's floor (the feed-in
 * price, which any request pays at least, as the order form's default). Pure: sites, time and
 * prices come in. The market still matches it like any offer; it is no private deal.
 */
import type { OrderDraft } from "../api/market";
import type { EnergyRequest, SiteSnapshot } from "../api/types";
import { isInBook, orderKindsFor, sourcesFor } from "./orders";

export type QuickOffer =
  | { ok: true; draft: OrderDraft & { kind: "offer" }; site: SiteSnapshot; energyWh: number }
  /** Why there is no button: a catalogue key under market.quick. */
  | { ok: false; reason: "mine" | "closed" | "covered" | "over" | "noProvider" };

/** Own sites that may sell, in the request's community. */
export function sellingSites(request: Pick<EnergyRequest, "community">, ownSites: SiteSnapshot[]): SiteSnapshot[] {
  return ownSites.filter((s) => s.community === request.community && orderKindsFor(s.kind).includes("offer"));
}

export function quickOffer(
  request: EnergyRequest,
  ownSites: SiteSnapshot[],
  nowMs: number,
  floorPrice: string | null | undefined,
): QuickOffer {
  if (request.mine) return { ok: false, reason: "mine" };
  if (!isInBook(request.status)) return { ok: false, reason: "closed" };
  const energyWh = request.energy_wh - request.filled_wh;
  if (energyWh <= 0) return { ok: false, reason: "covered" };
  const end = Date.parse(request.window_end);
  if (!(end > nowMs)) return { ok: false, reason: "over" };
  const [site] = sellingSites(request, ownSites);
  if (!site) return { ok: false, reason: "noProvider" };
  const start = Math.max(Date.parse(request.window_start), nowMs);
  const green = request.green_only ? sourcesFor(site).filter((s) => s !== "battery") : sourcesFor(site);
  return {
    ok: true,
    site,
    energyWh,
    draft: {
      kind: "offer",
      body: {
        site: site.site,
        energy_wh: energyWh,
        window_start: new Date(start).toISOString(),
        window_end: request.window_end,
        min_price: floorPrice ?? request.max_price,
        source: green[0] ?? sourcesFor(site)[0] ?? "solar",
      },
    },
  };
}
