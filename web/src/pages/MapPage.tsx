import type { GeoPoint } from "../api/types";
import { EmptyState } from "../components/Common/EmptyState";
import { ErrorState } from "../components/Common/ErrorState";
import { Loading } from "../components/Common/Loading";
import { ProviderList } from "../components/Map/ProviderList";
import { ProviderMap } from "../components/Map/ProviderMap";
import { useSites } from "../hooks/useSites";
import { isGeoPoint } from "../lib/geo";
import { providers as toProviders, type Provider } from "../lib/providers";
import { sortSites } from "../lib/sites";
import { usePageTitle } from "../hooks/usePageTitle";

export function MapPage() {
  usePageTitle("Providers");
  const sites = useSites();
  if (sites.isPending) return <Loading what="providers" />;
  if (sites.isError) return <ErrorState what="providers" error={sites.error} onRetry={() => void sites.refetch()} />;

  const providers = toProviders(sortSites(sites.data));
  const located = providers.flatMap((provider): Array<{ provider: Provider; at: GeoPoint }> => {
    const location = provider.site.location;
    return isGeoPoint(location) ? [{ provider, at: location }] : [];
  });

  return (
    <div className="stack">
      <h1 className="page-title">Providers</h1>
      {providers.length === 0 ? (
        <EmptyState title="No providers yet">
          <p>Sites with solar panels or a battery appear here.</p>
        </EmptyState>
      ) : (
        <>
          {located.length > 0 ? (
            <ProviderMap located={located} />
          ) : (
            <EmptyState title="No provider locations yet">
              <p>The map fills in once sites share where they are.</p>
            </EmptyState>
          )}
          <section aria-labelledby="providers-heading">
            <h2 id="providers-heading" className="section-title">
              Providers <span className="muted">({providers.length})</span>
            </h2>
            <ProviderList providers={providers} />
          </section>
        </>
      )}
    </div>
  );
}
