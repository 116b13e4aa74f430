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

/** A sentence from the catalogue: its key and the values it interpolates. */
export interface Phrase {
  key: string;
  values: Record<string, string | number>;
}

const names = (cluster: ProviderCluster) => cluster.providers.map((p) => siteTitle(p.site)).join(", ");

/**
 * Short marker label: the site's name, or "4 providers". `markOwn` adds "(yours)" to own sites;
 * turn it off when every site is one's own (admins), where it says nothing.
 */
export function clusterLabel(cluster: ProviderCluster, markOwn = true): Phrase {
  const [first] = cluster.providers;
  if (cluster.providers.length === 1 && first) {
    const name = siteTitle(first.site);
    return cluster.mine && markOwn ? { key: "map.labelYours", values: { name } } : { key: "map.label", values: { name } };
  }
  return { key: cluster.mine ? "map.groupMine" : "map.groupNear", values: { count: cluster.providers.length } };
}

/** Full description for tooltips and screen readers, naming everyone at the point. */
export function clusterDescription(cluster: ProviderCluster): Phrase {
  const values = { names: names(cluster), name: names(cluster), count: cluster.providers.length };
  if (cluster.providers.length === 1) return { key: cluster.mine ? "map.describeMine" : "map.describeNear", values };
  return { key: cluster.mine ? "map.describeGroupMine" : "map.describeGroupNear", values };
}

/** Neighbours nearest first (own sites stay in front), each with its distance from the nearest own site. */
export function byDistance(clusters: ProviderCluster[], distance: (at: GeoPoint) => number | null): ProviderCluster[] {
  const km = new Map(clusters.map((c) => [c.key, c.mine ? null : distance(c.at)]));
  const far = (c: ProviderCluster) => km.get(c.key) ?? Number.MAX_VALUE; // unknown distances last
  return [...clusters].sort((a, b) => Number(b.mine) - Number(a.mine) || far(a) - far(b));
}

/** DOM id of a cluster's entry in the provider list. */
export function clusterDomId(cluster: ProviderCluster): string {
  return `providers-${cluster.key.replace(/[^a-z0-9]+/gi, "-")}`;
}
