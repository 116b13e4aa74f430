/**
 * Live community totals from the latest snapshot of every site the caller may see. Ratios such
 * as self-sufficiency are the hub's (hooks/useLiveFigures), not worked out here.
 */
import type { SiteSnapshot } from "../api/types";
import { readValue } from "./reading";

export interface Totals {
  community: string;
  sites: number;
  online: number;
  /** Sites whose live values the caller may see; the totals cover only these. */
  visible: number;
  pvW: number;
  windW: number;
  loadW: number;
  importW: number;
  exportW: number;
  /** Power one neighbour exports while another imports: could stay inside the community. */
  shareableW: number;
  averageSocPct: number | null;
}

export function communityTotals(sites: SiteSnapshot[]): Totals[] {
  const groups = new Map<string, SiteSnapshot[]>();
  for (const site of sites) {
    groups.set(site.community, [...(groups.get(site.community) ?? []), site]);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([community, members]) => {
      let pvW = 0;
      let windW = 0;
      let loadW = 0;
      let importW = 0;
      let exportW = 0;
      const socs: number[] = [];
      for (const { reading } of members) {
        pvW += Math.max(0, readValue(reading, "pv_w") ?? 0);
        windW += Math.max(0, readValue(reading, "wind_w") ?? 0);
        loadW += Math.max(0, readValue(reading, "load_w") ?? 0);
        const grid = readValue(reading, "grid_w") ?? 0;
        if (grid > 0) importW += grid;
        else exportW -= grid;
        const soc = readValue(reading, "soc_pct");
        if (soc !== null) socs.push(soc);
      }
      return {
        community,
        sites: members.length,
        online: members.filter((site) => site.online === true).length,
        visible: members.filter((site) => site.reading !== null).length,
        pvW,
        windW,
        loadW,
        importW,
        exportW,
        shareableW: Math.min(importW, exportW),
        averageSocPct: socs.length > 0 ? socs.reduce((a, b) => a + b, 0) / socs.length : null,
      };
    });
}
