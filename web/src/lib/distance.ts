/** How far a provider is from the caller's own sites (great-circle distance). */
import type { GeoPoint } from "../api/types";

const EARTH_RADIUS_KM = 6371.0088;
const rad = (degrees: number) => (degrees * Math.PI) / 180;

/** Haversine distance in km: exact enough for a community's few kilometres and for the globe alike. */
export function distanceKm(a: GeoPoint, b: GeoPoint): number {
  const dLat = rad(b.lat - a.lat);
  const dLon = rad(b.lon - a.lon);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.lat)) * Math.cos(rad(b.lat)) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** Distance from the nearest of `homes` to `at`; null when the caller has no located site. */
export function nearestDistanceKm(at: GeoPoint, homes: GeoPoint[]): number | null {
  if (homes.length === 0) return null;
  return Math.min(...homes.map((home) => distanceKm(home, at)));
}
