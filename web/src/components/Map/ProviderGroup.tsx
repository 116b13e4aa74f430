import { clusterDomId, type ProviderCluster } from "../../lib/clusters";
import { ProviderCard } from "./ProviderCard";

/** Several providers that share one map marker, under a heading that says why. */
export function ProviderGroup({ cluster, selected }: { cluster: ProviderCluster; selected: boolean }) {
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
        {cluster.mine ? `${count} of your sites at one place` : `${count} providers in one area`}
      </h3>
      {cluster.mine ? null : (
        <p className="muted note">Shown as one marker: neighbours' locations are rounded to about a kilometre.</p>
      )}
      <ul className="list">
        {cluster.providers.map((provider) => (
          <li key={`${provider.site.community}/${provider.site.site}`}>
            <ProviderCard provider={provider} />
          </li>
        ))}
      </ul>
    </section>
  );
}
