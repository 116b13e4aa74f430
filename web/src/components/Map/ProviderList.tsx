import { clusterDomId, type ProviderCluster } from "../../lib/clusters";
import type { Provider } from "../../lib/providers";
import { ProviderCard } from "./ProviderCard";
import { ProviderGroup } from "./ProviderGroup";

interface Props {
  /** Providers with a location, in the map's grouping and order. */
  clusters: ProviderCluster[];
  /** Providers without a location, listed after the rest. */
  unlocated: Provider[];
  selectedKey?: string | null;
}

export function ProviderList({ clusters, unlocated, selectedKey = null }: Props) {
  return (
    <ul className="list" aria-label="Providers">
      {clusters.map((cluster) => {
        const selected = cluster.key === selectedKey;
        const [only] = cluster.providers;
        return (
          <li key={cluster.key}>
            {cluster.providers.length === 1 && only ? (
              <div
                id={clusterDomId(cluster)}
                tabIndex={-1}
                className={`provider-single${selected ? " provider-group--selected" : ""}`}
              >
                <ProviderCard provider={only} />
              </div>
            ) : (
              <ProviderGroup cluster={cluster} selected={selected} />
            )}
          </li>
        );
      })}
      {unlocated.map((provider) => (
        <li key={`${provider.site.community}/${provider.site.site}`}>
          <ProviderCard provider={provider} />
        </li>
      ))}
    </ul>
  );
}
