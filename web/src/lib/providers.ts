/** Which sites can share energy, and what they have to offer right now. */
import type { SiteSnapshot } from "../api/types";
import { formatPower, IDLE_WATTS } from "./format";
import { hasValue, readValue } from "./reading";

export interface Provider {
  site: SiteSnapshot;
  hasPv: boolean;
  hasBattery: boolean;
  hasWind: boolean;
  /** Power currently flowing to the grid (available to neighbours), W; null when unknown or private. */
  surplusW: number | null;
}

export function toProvider(site: SiteSnapshot): Provider {
  const r = site.reading;
  const grid = readValue(r, "grid_w");
  const surplusW = grid === null ? null : Math.max(0, -grid);
  if (site.assets && site.assets.length > 0) {
    // Declared equipment is authoritative: readings carry every field, often as 0 or null.
    // (An empty list may just mean "not declared yet", so then the reading decides.)
    const kinds = new Set(site.assets.map((asset) => asset.kind));
    return { site, hasPv: kinds.has("solar"), hasBattery: kinds.has("battery"), hasWind: kinds.has("wind"), surplusW };
  }
  return { site, hasPv: hasValue(r, "pv_w"), hasBattery: hasValue(r, "soc_pct"), hasWind: hasValue(r, "wind_w"), surplusW };
}

/** Sites that can supply energy: declared providers, or anything with generation or storage. */
export function providers(sites: SiteSnapshot[]): Provider[] {
  return sites
    .map(toProvider)
    .filter((p) => p.site.kind !== "consumer" && (p.site.kind === "provider" || p.hasPv || p.hasBattery || p.hasWind));
}

export type ProviderKind = "solar" | "wind" | "battery";

/** What a provider has, in display order; empty when nothing is declared (say "provider"). */
export function capabilities(p: Provider): ProviderKind[] {
  const kinds: [boolean, ProviderKind][] = [
    [p.hasPv, "solar"],
    [p.hasWind, "wind"],
    [p.hasBattery, "battery"],
  ];
  return kinds.filter(([has]) => has).map(([, kind]) => kind);
}

/** What a provider spares right now, as a catalogue key with its values; null when private. */
export type Surplus = { key: "map.spare"; power: string } | { key: "map.noSurplus" } | { key: "map.offline" };

export function surplus(p: Provider): Surplus | null {
  if (p.surplusW === null) return p.site.online === false ? { key: "map.offline" } : null;
  return p.surplusW >= IDLE_WATTS ? { key: "map.spare", power: formatPower(p.surplusW) } : { key: "map.noSurplus" };
}
