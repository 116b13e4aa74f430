import { useState } from "react";
import { EmptyState } from "../components/Common/EmptyState";
import { ErrorState } from "../components/Common/ErrorState";
import { Loading } from "../components/Common/Loading";
import { ProviderList } from "../components/Map/ProviderList";
import { ProviderMap } from "../components/Map/ProviderMap";
import { usePageTitle } from "../hooks/usePageTitle";
import { useSites } from "../hooks/useSites";
import { clusterDomId, clusterProviders, type Located, type ProviderCluster } from "../lib/clusters";
import { isGeoPoint } from "../lib/geo";
import { providers as toProviders, type Provider } from "../lib/providers";
import { sortSites } from "../lib/sites";

/** Bring a marker's entry in the list into view and move focus there. */
function revealInList(cluster: ProviderCluster) {
  const entry = document.getElementById(clusterDomId(cluster));
  if (!entry) return;
  entry.scrollIntoView?.({ block: "nearest", behavior: "smooth" });
  entry.focus({ preventScroll: true });
}

export function MapPage() {
  usePageTitle("Providers");
  const sites = useSites();
  const [selectedKey, setSelectedKey] = useState<string | null>(null);
  if (sites.isPending) return <Loading what="providers" />;
  if (sites.isError) return <ErrorState what="providers" error={sites.error} onRetry={() => void sites.refetch()} />;

  const providers = toProviders(sortSites(sites.data));
  const located: Located[] = [];
  const unlocated: Provider[] = [];
  for (const provider of providers) {
    const location = provider.site.location;
    if (isGeoPoint(location)) located.push({ provider, at: location });
    else unlocated.push(provider);
  }
  const clusters = clusterProviders(located);
  const select = (cluster: ProviderCluster) => {
    setSelectedKey(cluster.key);
    revealInList(cluster);
  };

  return (
    <div className="stack">
      <h1 className="page-title">Providers</h1>
      {providers.length === 0 ? (
        <EmptyState title="No providers yet">
          <p>Sites with solar panels or a battery appear here.</p>
        </EmptyState>
      ) : (
        <>
          {clusters.length > 0 ? (
            <ProviderMap clusters={clusters} selectedKey={selectedKey} onSelect={select} />
          ) : (
            <EmptyState title="No provider locations yet">
              <p>The map fills in once sites share where they are.</p>
            </EmptyState>
          )}
          <section aria-labelledby="providers-heading">
            <h2 id="providers-heading" className="section-title">
              Providers <span className="muted">({providers.length})</span>
            </h2>
            <ProviderList clusters={clusters} unlocated={unlocated} selectedKey={selectedKey} />
          </section>
        </>
      )}
    </div>
  );
}
