/** Providers drawn at their coordinates: a schematic map with a scale bar, no tiles needed. */
import type { GeoPoint } from "../../api/types";
import { formatPower } from "../../lib/format";
import { fitPoints, scaleBar } from "../../lib/geo";
import type { Provider } from "../../lib/providers";
import { siteTitle } from "../../lib/sites";

const WIDTH = 360;
const HEIGHT = 260;
const PADDING = 40;
/** Strip along the bottom kept free for the scale bar. */
const FOOTER = 22;

function formatKm(km: number): string {
  return km >= 1 ? `${km} km` : `${Math.round(km * 1000)} m`;
}

export function ProviderMap({ located }: { located: Array<{ provider: Provider; at: GeoPoint }> }) {
  const { points, unitsPerKm } = fitPoints(
    located.map((l) => l.at),
    WIDTH,
    HEIGHT - FOOTER,
    PADDING,
  );
  const bar = scaleBar(unitsPerKm, 90);
  return (
    <svg className="map" viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={`Map of ${located.length} providers`}>
      <defs>
        <pattern id="map-grid" width="30" height="30" patternUnits="userSpaceOnUse">
          <path d="M30 0H0V30" className="map__grid" />
        </pattern>
      </defs>
      <rect width={WIDTH} height={HEIGHT} fill="url(#map-grid)" />
      <text x={WIDTH - 14} y={22} className="map__north" aria-hidden="true">
        N ↑
      </text>
      {bar ? (
        <g className="map__scale" aria-hidden="true">
          <path d={`M14 ${HEIGHT - 18}v6h${bar.units}v-6`} />
          <text x={14} y={HEIGHT - 22}>
            {formatKm(bar.km)}
          </text>
        </g>
      ) : null}
      {located.map(({ provider }, i) => {
        const p = points[i];
        if (!p) return null;
        const surplus = provider.surplusW ?? 0;
        const labelLeft = p.x > WIDTH * 0.62;
        const mine = provider.site.mine === true;
        return (
          <g
            key={`${provider.site.community}/${provider.site.site}`}
            className={`map__site${provider.hasPv ? " map__site--pv" : ""}${mine ? " map__site--mine" : ""}`}
            data-testid={`map-site-${provider.site.site}`}
          >
            <circle cx={p.x} cy={p.y} r={7 + Math.min(9, surplus / 500)} />
            <text x={labelLeft ? p.x - 14 : p.x + 14} y={p.y + 4} textAnchor={labelLeft ? "end" : "start"}>
              {siteTitle(provider.site)}
              {mine ? " (yours)" : ""}
              {surplus > 0 ? ` · ${formatPower(surplus)}` : ""}
            </text>
          </g>
        );
      })}
    </svg>
  );
}
