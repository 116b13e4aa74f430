/** One point on the provider map: a single site, or several sharing one (rounded) location. */
import { useTranslation } from "react-i18next";
import { clusterDescription, clusterLabel, type ProviderCluster } from "../../lib/clusters";
import { offerKey, offerLines, pooled, type OnOffer } from "../../lib/onOffer";

interface Props {
  cluster: ProviderCluster;
  selected: boolean;
  /** Say "(yours)" beside own sites (off when every site is one's own). */
  markOwn: boolean;
  onSelect: (cluster: ProviderCluster) => void;
  /** What each provider offers now, by `offerKey`. */
  offers?: ReadonlyMap<string, OnOffer>;
}

const NONE: ReadonlyMap<string, OnOffer> = new Map();

export function markerTestId(cluster: ProviderCluster): string {
  const first = cluster.providers[0]?.site.site ?? cluster.key;
  return cluster.providers.length > 1 ? `map-group-${first}` : `map-site-${first}`;
}

export function MapMarker({ cluster, selected, markOwn, onSelect, offers = NONE }: Props) {
  const { t, i18n } = useTranslation();
  const count = cluster.providers.length;
  const hasPv = cluster.providers.some((p) => p.hasPv);
  const classes = [
    "map__site",
    hasPv ? "map__site--pv" : "",
    cluster.mine ? "map__site--mine" : "",
    count > 1 ? "map__site--group" : "",
    selected ? "map__site--selected" : "",
  ].filter(Boolean);
  const description = clusterDescription(cluster);
  const label = clusterLabel(cluster, markOwn);
  const offer = pooled(cluster.providers.map((p) => offers.get(offerKey(p.site.community, p.site.site))));
  const offered = offer
    ? offerLines(offer, i18n.language)
        .map((line) => t(line.key, line.values))
        .join(" · ")
    : null;
  const described = [t(description.key, description.values), offered].filter(Boolean).join(" · ");
  // Names beside own sites, groups and the selected marker; other neighbours by tooltip, so a
  // street of providers does not bury the map in overlapping names.
  const showLabel = cluster.mine || count > 1 || selected;
  return (
    <button
      type="button"
      className={classes.join(" ")}
      data-testid={markerTestId(cluster)}
      aria-label={t("map.showInList", { description: described })}
      aria-pressed={selected}
      title={described}
      onClick={() => onSelect(cluster)}
    >
      <span className="map__dot" aria-hidden="true">
        {count > 1 ? count : null}
      </span>
      {showLabel ? (
        <span className="map__label" aria-hidden="true">
          {t(label.key, label.values)}
        </span>
      ) : null}
      {selected && offered ? (
        <span className="map__label map__offer" aria-hidden="true" data-testid={`${markerTestId(cluster)}-offer`}>
          {offered}
        </span>
      ) : null}
    </button>
  );
}
