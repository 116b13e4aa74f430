import { useTranslation } from "react-i18next";
import { clusterDomId, type ProviderCluster } from "../../lib/clusters";
import { offerKey, type OnOffer } from "../../lib/onOffer";
import type { Provider } from "../../lib/providers";
import { ProviderCard } from "./ProviderCard";
import { ProviderGroup } from "./ProviderGroup";

interface Props {
  /** Providers with a location, in the map's grouping and order. */
  clusters: ProviderCluster[];
  /** Providers without a location, listed after the rest. */
  unlocated: Provider[];
  selectedKey?: string | null;
  /** A neighbour's distance from the caller's nearest own site, by cluster key. */
  distances?: ReadonlyMap<string, number | null>;
  /** What each provider offers now, by `offerKey`. */
  offers?: ReadonlyMap<string, OnOffer>;
}

const NONE: ReadonlyMap<string, OnOffer> = new Map();
const offerOf = (offers: ReadonlyMap<string, OnOffer>, p: Provider) => offers.get(offerKey(p.site.community, p.site.site));

export function ProviderList({ clusters, unlocated, selectedKey = null, distances = new Map(), offers = NONE }: Props) {
  const { t } = useTranslation();
  return (
    <ul className="list" aria-label={t("map.listLabel")}>
      {clusters.map((cluster) => {
        const selected = cluster.key === selectedKey;
        const distanceKm = distances.get(cluster.key) ?? null;
        const [only] = cluster.providers;
        return (
          <li key={cluster.key}>
            {cluster.providers.length === 1 && only ? (
              <div
                id={clusterDomId(cluster)}
                tabIndex={-1}
                className={`provider-single${selected ? " provider-group--selected" : ""}`}
              >
                <ProviderCard provider={only} distanceKm={distanceKm} offer={offerOf(offers, only)} />
              </div>
            ) : (
              <ProviderGroup cluster={cluster} selected={selected} distanceKm={distanceKm} offers={offers} />
            )}
          </li>
        );
      })}
      {unlocated.map((provider) => (
        <li key={`${provider.site.community}/${provider.site.site}`}>
          <ProviderCard provider={provider} offer={offerOf(offers, provider)} />
        </li>
      ))}
    </ul>
  );
}
