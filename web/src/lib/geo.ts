/** Fit geographic points into a drawing box (equirectangular, corrected for latitude). */
import type { GeoPoint } from "../api/types";

export interface Projected {
  x: number;
  y: number;
}

export interface Fitted {
  points: Projected[];
  /** Drawing units per kilometre; 0 when all points coincide. */
  unitsPerKm: number;
}

const KM_PER_DEGREE = 111.32;

export function isGeoPoint(value: unknown): value is GeoPoint {
  if (typeof value !== "object" || value === null) return false;
  const { lat, lon } = value as Record<string, unknown>;
  return typeof lat === "number" && typeof lon === "number" && Math.abs(lat) <= 90 && Math.abs(lon) <= 180;
}

export function fitPoints(points: GeoPoint[], width: number, height: number, padding: number): Fitted {
  if (points.length === 0) return { points: [], unitsPerKm: 0 };
  const meanLat = points.reduce((sum, p) => sum + p.lat, 0) / points.length;
  const kx = Math.cos((meanLat * Math.PI) / 180);
  const xs = points.map((p) => p.lon * kx);
  const ys = points.map((p) => -p.lat);
  const minX = Math.min(...xs);
  const minY = Math.min(...ys);
  const spanX = Math.max(...xs) - minX;
  const spanY = Math.max(...ys) - minY;
  const scale = Math.min(
    spanX > 0 ? (width - 2 * padding) / spanX : Infinity,
    spanY > 0 ? (height - 2 * padding) / spanY : Infinity,
  );
  const s = Number.isFinite(scale) ? scale : 0;
  // Centre the drawing in the box.
  const offsetX = (width - spanX * s) / 2;
  const offsetY = (height - spanY * s) / 2;
  return {
    points: points.map((_, i) => ({
      x: offsetX + ((xs[i] ?? 0) - minX) * s,
      y: offsetY + ((ys[i] ?? 0) - minY) * s,
    })),
    unitsPerKm: s / KM_PER_DEGREE,
  };
}

/** A round scale-bar length (1, 2 or 5 × 10ⁿ km) that is at most `maxUnits` long. */
export function scaleBar(unitsPerKm: number, maxUnits: number): { km: number; units: number } | null {
  if (unitsPerKm <= 0) return null;
  const maxKm = maxUnits / unitsPerKm;
  const magnitude = 10 ** Math.floor(Math.log10(maxKm));
  const km = [5, 2, 1].map((m) => m * magnitude).find((candidate) => candidate <= maxKm) ?? magnitude;
  return { km, units: km * unitsPerKm };
}
