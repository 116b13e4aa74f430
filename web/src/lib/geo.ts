/** Geographic points as the hub sends them (latitude and longitude in degrees). */
import type { GeoPoint } from "../api/types";

export function isGeoPoint(value: unknown): value is GeoPoint {
  if (typeof value !== "object" || value === null) return false;
  const { lat, lon } = value as Record<string, unknown>;
  return typeof lat === "number" && typeof lon === "number" && Math.abs(lat) <= 90 && Math.abs(lon) <= 180;
}
