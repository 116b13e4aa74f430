/** Pure updates of the cached site list from live events. */
import type { ReadingEvent, StatusEvent } from "../api/events";
import type { SiteSnapshot } from "../api/types";

export const siteKey = (site: { community: string; site: string }): string => `${site.community}/${site.site}`;

function isNewer(incoming: ReadingEvent["reading"], current: SiteSnapshot["reading"]): boolean {
  if (current === null) return true;
  if (incoming.seq !== current.seq) return incoming.seq > current.seq;
  return Date.parse(incoming.ts) > Date.parse(current.ts);
}

/** Put a live reading into the list; stale or duplicate readings leave it unchanged (same array). */
export function applyReading(sites: SiteSnapshot[], event: ReadingEvent): SiteSnapshot[] {
  const index = sites.findIndex((entry) => entry.community === event.community && entry.site === event.site);
  // The hub decides who sees which site; only its list is authoritative.
  if (index === -1) return sites;
  const current = sites[index] as SiteSnapshot;
  // The hub keeps neighbours' live values private; don't fill them in from a broadcast.
  if (current.mine === false) return sites;
  if (!isNewer(event.reading, current.reading)) return sites;
  const next = sites.slice();
  next[index] = { ...current, online: true, last_seen: event.reading.ts, reading: event.reading };
  return next;
}

export function applyStatus(sites: SiteSnapshot[], event: StatusEvent): SiteSnapshot[] {
  const index = sites.findIndex((entry) => entry.community === event.community && entry.site === event.site);
  if (index === -1) return sites;
  const current = sites[index] as SiteSnapshot;
  const next = sites.slice();
  next[index] = { ...current, online: event.online, last_seen: event.ts ?? current.last_seen };
  return next;
}

export const siteTitle = (site: SiteSnapshot): string => site.name || site.site;

/** Site id → its name, for the sites that have one (to name market partners). */
export function siteNames(sites: readonly SiteSnapshot[] | null | undefined): Map<string, string> {
  return new Map((sites ?? []).filter((site) => site.name).map((site) => [site.site, site.name as string]));
}

/** Stable display order: by community, then site id. */
export function sortSites(sites: SiteSnapshot[]): SiteSnapshot[] {
  return sites.slice().sort((a, b) => siteKey(a).localeCompare(siteKey(b)));
}
