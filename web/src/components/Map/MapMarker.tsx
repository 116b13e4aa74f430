/** One point on the provider map: a single site, or several sharing one (rounded) location. */
import type { KeyboardEvent } from "react";
import type { Projected } from "../../lib/geo";
import type { PlacedLabel } from "../../lib/labels";
import { clusterDescription, clusterLabel, type ProviderCluster } from "../../lib/clusters";

export const SINGLE_RADIUS = 8;
export const GROUP_RADIUS = 13;

export const markerRadius = (cluster: ProviderCluster): number =>
  cluster.providers.length > 1 ? GROUP_RADIUS : SINGLE_RADIUS;

interface Props {
  cluster: ProviderCluster;
  at: Projected;
  label: PlacedLabel | null;
  selected: boolean;
  /** Say "(yours)" beside own sites (off when every site is one's own). */
  markOwn: boolean;
  onSelect: (cluster: ProviderCluster) => void;
}

function testId(cluster: ProviderCluster): string {
  const first = cluster.providers[0]?.site.site ?? cluster.key;
  return cluster.providers.length > 1 ? `map-group-${first}` : `map-site-${first}`;
}

export function MapMarker({ cluster, at, label, selected, markOwn, onSelect }: Props) {
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
  const onKeyDown = (event: KeyboardEvent<SVGGElement>) => {
    if (event.key === "Enter" || event.key === " ") {
      event.preventDefault();
      onSelect(cluster);
    }
  };
  return (
    <g
      className={classes.join(" ")}
      data-testid={testId(cluster)}
      role="button"
      tabIndex={0}
      aria-label={`${description}. Show in the list`}
      aria-pressed={selected}
      onClick={() => onSelect(cluster)}
      onKeyDown={onKeyDown}
    >
      <title>{description}</title>
      <circle cx={at.x} cy={at.y} r={markerRadius(cluster)} />
      {count > 1 ? (
        <text x={at.x} y={at.y + 4} className="map__count" textAnchor="middle" aria-hidden="true">
          {count}
        </text>
      ) : null}
      {label ? (
        <text x={label.x} y={label.y} textAnchor={label.anchor} className="map__label" aria-hidden="true">
          {clusterLabel(cluster, markOwn)}
        </text>
      ) : null}
    </g>
  );
}
