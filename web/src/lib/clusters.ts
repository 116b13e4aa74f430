/**
 * Providers that share a map point. Neighbours' locations arrive rounded (privacy), so several
 * of them often sit on exactly the same point; they become one marker. Own sites are exact and
 * never merge with neighbours.
 */
import type { GeoPoint } from "../api/types";
import type { Provider } from "./providers";
import { siteTitle } from "./sites";

export interface Located {
  provider: Provider;
  at: GeoPoint;
}

export interface ProviderCluster {
  /** Stable id for keys and DOM ids. */
  key: string;
  at: GeoPoint;
  providers: Provider[];
  /** Every provider in it is one of the caller's own sites (exact location). */
  mine: boolean;
}

/** Coordinates closer than this (≈ 1 cm) are the same point; absorbs float noise. */
const DIGITS = 7;

function pointKey(at: GeoPoint): string {
  return `${at.lat.toFixed(DIGITS)},${at.lon.toFixed(DIGITS)}`;
}

const byTitle = (a: Provider, b: Provider) => siteTitle(a.site).localeCompare(siteTitle(b.site));

/** Group providers at identical points; own sites first, then bigger groups, then by name. */
export function clusterProviders(located: Located[]): ProviderCluster[] {
  const groups = new Map<string, ProviderCluster>();
  for (const { provider, at } of located) {
    const mine = provider.site.mine === true;
    const key = `${mine ? "mine" : "near"}:${pointKey(at)}`;
    const group = groups.get(key);
    if (group) group.providers.push(provider);
    else groups.set(key, { key, at, providers: [provider], mine });
  }
  const clusters = [...groups.values()];
  for (const cluster of clusters) cluster.providers.sort(byTitle);
  return clusters.sort(
    (a, b) =>
      Number(b.mine) - Number(a.mine) ||
      b.providers.length - a.providers.length ||
      byTitle(a.providers[0] as Provider, b.providers[0] as Provider),
  );
}

/**
 * Short marker label: the site's name, or "4 providers". `markOwn` adds "(yours)" to own sites;
 * turn it off when every site is one's own (admins), where it says nothing.
 */
export function clusterLabel(cluster: ProviderCluster, markOwn = true): string {
  const [first] = cluster.providers;
  if (cluster.providers.length === 1 && first) return `${siteTitle(first.site)}${cluster.mine && markOwn ? " (yours)" : ""}`;
  return `${cluster.providers.length} ${cluster.mine ? "of your sites" : "providers"}`;
}

/** Full description for tooltips and screen readers, naming everyone at the point. */
export function clusterDescription(cluster: ProviderCluster): string {
  const names = cluster.providers.map((p) => siteTitle(p.site)).join(", ");
  if (cluster.providers.length === 1) return cluster.mine ? `${names}, your site` : `${names}, approximate location`;
  return cluster.mine
    ? `${cluster.providers.length} of your sites here: ${names}`
    : `${cluster.providers.length} providers in this area (locations are rounded): ${names}`;
}

/** DOM id of a cluster's entry in the provider list. */
export function clusterDomId(cluster: ProviderCluster): string {
  return `providers-${cluster.key.replace(/[^a-z0-9]+/gi, "-")}`;
}
