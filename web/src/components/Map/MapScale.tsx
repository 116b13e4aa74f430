/** North arrow and scale bar, in screen pixels. */
import { scaleBar } from "../../lib/geo";

function formatKm(km: number): string {
  return km >= 1 ? `${km} km` : `${Math.round(km * 1000)} m`;
}

export function MapScale({ unitsPerKm, width, height }: { unitsPerKm: number; width: number; height: number }) {
  const bar = scaleBar(unitsPerKm, 100);
  return (
    <g aria-hidden="true">
      <text x={width - 14} y={22} className="map__north">
        N ↑
      </text>
      {bar ? (
        <g className="map__scale">
          <path d={`M14 ${height - 18}v6h${bar.units}v-6`} />
          <text x={14} y={height - 22}>
            {formatKm(bar.km)}
          </text>
        </g>
      ) : null}
    </g>
  );
}
