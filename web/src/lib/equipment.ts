/**
 * What a site has, from its declared assets. Snapshots carry every field (0 W for a battery that
 * isn't there), so declared assets decide what to show. The hub sends an empty list both for
 * "nothing declared yet" and for a plain consumer, so an empty list only counts for consumers;
 * otherwise we know nothing and the reading decides.
 */
import type { SiteSnapshot } from "../api/types";

export interface Equipment {
  /** Solar or wind generation; null when the hub doesn't say. */
  generation: boolean | null;
  solar: boolean | null;
  wind: boolean | null;
  battery: boolean | null;
  /**
   * What to call pv_w of an agent that folds wind into it (one before wind_w): "Solar", "Wind"
   * or "Generation" for both.
   */
  generationLabel: string;
}

export const UNKNOWN_EQUIPMENT: Equipment = { generation: null, solar: null, wind: null, battery: null, generationLabel: "Solar" };

export function equipmentOf(site: Pick<SiteSnapshot, "assets" | "kind">): Equipment {
  if (!site.assets || (site.assets.length === 0 && site.kind !== "consumer")) return UNKNOWN_EQUIPMENT;
  const kinds = new Set(site.assets.map((asset) => asset.kind));
  const solar = kinds.has("solar");
  const wind = kinds.has("wind");
  return {
    generation: solar || wind,
    solar,
    wind,
    battery: kinds.has("battery"),
    generationLabel: solar && wind ? "Generation" : wind ? "Wind" : "Solar",
  };
}
