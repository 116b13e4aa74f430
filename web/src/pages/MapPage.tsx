import { lazy, Suspense, useState } from "react";
import { useTranslation } from "react-i18next";
import { EmptyState } from "../components/Common/EmptyState";
import { ErrorState } from "../components/Common/ErrorState";
import { Loading } from "../components/Common/Loading";
import { ProviderList } from "../components/Map/ProviderList";
import { useHubConfig } from "../hooks/useHubConfig";
import { useProviderOffers } from "../hooks/useProviderOffers";
import { useSites } from "../hooks/useSites";
import { byDistance, clusterDomId, clusterProviders, type Located, type ProviderCluster } from "../lib/clusters";
import { nearestDistanceKm } from "../lib/distance";
import { isGeoPoint } from "../lib/geo";
import type { MapTiles } from "../lib/mapView";
import { providers as toProviders, type Provider } from "../lib/providers";
import { sortSites } from "../lib/sites";

// The map library is large: it loads with this screen only, not with the first one.
const ProviderMap = lazy(() => import("../components/Map/ProviderMap"));

const NO_TILES: MapTiles = { tiles: null, attribution: null };

/** Bring a marker's entry in the list into view and move focus there. */
function revealInList(cluster: ProviderCluster) {
  const entry = document.getElementById(clusterDomId(cluster));
  if (!entry) return;
  entry.scrollIntoView?.({ block: "nearest", behavior: "smooth" });
  entry.focus({ preventScroll: true });
}

export function MapPage() {
  const { t } = useTranslation();
  const sites = useSites();
  const config = useHubConfig();
  const [selectedKey, setSelectedKey] = useState<string | null>(null);
  const offers = useProviderOffers([...new Set((sites.data ?? []).map((s) => s.community))].sort());
  if (sites.isPending) return <Loading what={t("map.what")} />;
  if (sites.isError) return <ErrorState what={t("map.what")} error={sites.error} onRetry={() => void sites.refetch()} />;

  const providers = toProviders(sortSites(sites.data));
  const located: Located[] = [];
  const unlocated: Provider[] = [];
  for (const provider of providers) {
    const location = provider.site.location;
    if (isGeoPoint(location)) located.push({ provider, at: location });
    else unlocated.push(provider);
  }
  // Distances from the caller's own sites (exact); neighbours' points are rounded, so "about".
  const homes = sites.data.filter((s) => s.mine === true).flatMap((s) => (isGeoPoint(s.location) ? [s.location] : []));
  const away = (at: Located["at"]) => nearestDistanceKm(at, homes);
  const clusters = byDistance(clusterProviders(located), away);
  const distances = new Map(clusters.map((c) => [c.key, c.mine ? null : away(c.at)]));
  // Without the hub's word on tiles (older hub, error) the map draws none rather than guess.
  const tiles = config.data?.map ?? NO_TILES;
  const select = (cluster: ProviderCluster) => {
    setSelectedKey(cluster.key);
    revealInList(cluster);
  };

  return (
    <div className="stack">
      <h1 className="page-title">{t("map.title")}</h1>
      {providers.length === 0 ? (
        <EmptyState title={t("map.empty")}>
          <p>{t("map.emptyHint")}</p>
        </EmptyState>
      ) : (
        <>
          {clusters.length === 0 ? (
            <EmptyState title={t("map.noLocations")}>
              <p>{t("map.noLocationsHint")}</p>
            </EmptyState>
          ) : config.isPending ? (
            <Loading what={t("map.ui.map")} />
          ) : (
            <Suspense fallback={<Loading what={t("map.ui.map")} />}>
              <ProviderMap clusters={clusters} selectedKey={selectedKey} onSelect={select} tiles={tiles} offers={offers} />
            </Suspense>
          )}
          <section aria-labelledby="providers-heading">
            <h2 id="providers-heading" className="section-title">
              {t("map.listTitle")} <span className="muted">({providers.length})</span>
            </h2>
            <ProviderList clusters={clusters} unlocated={unlocated} selectedKey={selectedKey} distances={distances} offers={offers} />
          </section>
        </>
      )}
    </div>
  );
}
