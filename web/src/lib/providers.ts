/** Which sites can share energy, and what they have to offer right now. */
import type { SiteSnapshot } from "../api/types";
import { readValue } from "./reading";

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
  const assets = new Set((site.assets ?? []).map((asset) => asset.kind));
  const hasPv = assets.has("solar") || (r !== null && "pv_w" in r.values);
  const hasBattery = assets.has("battery") || (r !== null && ("battery_w" in r.values || "soc_pct" in r.values));
  const grid = readValue(r, "grid_w");
  return { site, hasPv, hasBattery, hasWind: assets.has("wind"), surplusW: grid === null ? null : Math.max(0, -grid) };
}

/** Sites that can supply energy: declared providers, or anything with generation or storage. */
export function providers(sites: SiteSnapshot[]): Provider[] {
  return sites
    .map(toProvider)
    .filter((p) => p.site.kind !== "consumer" && (p.site.kind === "provider" || p.hasPv || p.hasBattery || p.hasWind));
}
