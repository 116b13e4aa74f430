/**
 * What the provider map draws, as plain data: the style (tiles from the hub's configuration or
 * none) and the camera that shows every marker. The map library only renders it
 * (components/Map/ProviderMap.tsx), so this is what the tests check.
 */
import type { StyleSpecification } from "maplibre-gl";
import type { GeoPoint } from "../api/types";

export interface MapTiles {
  /** Raster tile URL with {z}/{x}/{y}; null draws no tiles (markers and scale still show). */
  tiles: string | null;
  attribution: string | null;
}

/** Land colour under the tiles, and all there is without them. */
export const BACKGROUND = "#e8eeea";
/** Raster tile servers (OpenStreetMap's among them) serve up to this zoom. */
export const MAX_ZOOM = 19;
/** Zoom for a single place: a few streets around it. */
export const SINGLE_PLACE_ZOOM = 14;
/** Points closer than this (degrees, ≈ 100 m) are framed as one place instead of zooming into them. */
const TINY_SPAN = 0.001;

export function mapStyle({ tiles, attribution }: MapTiles): StyleSpecification {
  const style: StyleSpecification = {
    version: 8,
    sources: {},
    layers: [{ id: "background", type: "background", paint: { "background-color": BACKGROUND } }],
  };
  if (tiles) {
    style.sources.tiles = {
      type: "raster",
      tiles: [tiles],
      tileSize: 256,
      maxzoom: MAX_ZOOM,
      ...(attribution ? { attribution } : {}),
    };
    style.layers.push({ id: "tiles", type: "raster", source: "tiles" });
  }
  return style;
}

export type Camera =
  | { kind: "bounds"; bounds: [[number, number], [number, number]] }
  | { kind: "center"; center: [number, number]; zoom: number };

/** Frame every point (longitude first, as the map takes it); one place gets a street-level zoom. */
export function cameraFor(points: GeoPoint[]): Camera | null {
  if (points.length === 0) return null;
  const lons = points.map((p) => p.lon);
  const lats = points.map((p) => p.lat);
  const [west, east] = [Math.min(...lons), Math.max(...lons)];
  const [south, north] = [Math.min(...lats), Math.max(...lats)];
  if (east - west < TINY_SPAN && north - south < TINY_SPAN) {
    return { kind: "center", center: [(west + east) / 2, (south + north) / 2], zoom: SINGLE_PLACE_ZOOM };
  }
  return { kind: "bounds", bounds: [[west, south], [east, north]] };
}
