/**
 * Providers drawn at their coordinates: a schematic map with a scale bar, no tiles needed.
 * The drawing's units are the rendered CSS pixels (the viewBox follows the element's width), so
 * markers and labels keep their size on any screen.
 */
import { useElementWidth } from "../../hooks/useElementWidth";
import { fitPoints } from "../../lib/geo";
import { clusterLabel, type ProviderCluster } from "../../lib/clusters";
import { placeLabels } from "../../lib/labels";
import { MapMarker, markerRadius } from "./MapMarker";
import { MapScale } from "./MapScale";

const PADDING = 36;
/** Strip along the bottom kept free for the scale bar. */
const FOOTER = 26;

/** Map height for a given width: a landscape box, neither a sliver on phones nor a wall on desktops. */
export function mapHeight(width: number): number {
  return Math.round(Math.min(400, Math.max(240, width * 0.55)));
}

interface Props {
  clusters: ProviderCluster[];
  selectedKey: string | null;
  onSelect: (cluster: ProviderCluster) => void;
}

export function ProviderMap({ clusters, selectedKey, onSelect }: Props) {
  const [frame, width] = useElementWidth<HTMLDivElement>(360);
  const height = mapHeight(width);
  const { points, unitsPerKm } = fitPoints(
    clusters.map((c) => c.at),
    width,
    height - FOOTER,
    PADDING,
  );
  const markOwn = clusters.some((c) => !c.mine);
  const labels = placeLabels(
    clusters.map((cluster, i) => ({
      x: points[i]?.x ?? 0,
      y: points[i]?.y ?? 0,
      r: markerRadius(cluster),
      text: clusterLabel(cluster, markOwn),
    })),
    { width, height: height - FOOTER },
  );
  const providerCount = clusters.reduce((sum, c) => sum + c.providers.length, 0);
  return (
    <div ref={frame} className="map-frame">
      <svg
        className="map"
        width={width}
        height={height}
        viewBox={`0 0 ${width} ${height}`}
        role="group"
        aria-label={`Map of ${providerCount} providers at ${clusters.length} places`}
      >
        <defs>
          <pattern id="map-grid" width="30" height="30" patternUnits="userSpaceOnUse">
            <path d="M30 0H0V30" className="map__grid" />
          </pattern>
        </defs>
        <rect width={width} height={height} fill="url(#map-grid)" />
        <MapScale unitsPerKm={unitsPerKm} width={width} height={height} />
        {clusters.map((cluster, i) => {
          const at = points[i];
          return at ? (
            <MapMarker
              key={cluster.key}
              cluster={cluster}
              at={at}
              label={labels[i] ?? null}
              markOwn={markOwn}
              selected={cluster.key === selectedKey}
              onSelect={onSelect}
            />
          ) : null;
        })}
      </svg>
    </div>
  );
}
