import { useTranslation } from "react-i18next";
import { clusterDomId, type ProviderCluster } from "../../lib/clusters";
import { offerKey, type OnOffer } from "../../lib/onOffer";
import { ProviderCard } from "./ProviderCard";

interface Props {
  cluster: ProviderCluster;
  selected: boolean;
  distanceKm: number | null;
  offers: ReadonlyMap<string, OnOffer>;
}

/** Several providers that share one map marker, under a heading that says why. */
export function ProviderGroup({ cluster, selected, distanceKm, offers }: Props) {
  const { t } = useTranslation();
  const id = clusterDomId(cluster);
  const count = cluster.providers.length;
  return (
    <section
      id={id}
      tabIndex={-1}
      className={`provider-group${selected ? " provider-group--selected" : ""}`}
      aria-labelledby={`${id}-title`}
    >
      <h3 id={`${id}-title`} className="subsection-title">
        {t(cluster.mine ? "map.groupTitleMine" : "map.groupTitleNear", { count })}
      </h3>
      {cluster.mine ? null : <p className="muted note">{t("map.rounded")}</p>}
      <ul className="list">
        {cluster.providers.map((provider) => (
          <li key={`${provider.site.community}/${provider.site.site}`}>
            <ProviderCard
              provider={provider}
              distanceKm={distanceKm}
              offer={offers.get(offerKey(provider.site.community, provider.site.site))}
            />
          </li>
        ))}
      </ul>
    </section>
  );
}
