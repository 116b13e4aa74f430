import { describe, expect, it } from "vitest";
import { fitPoints, isGeoPoint, scaleBar } from "./geo";

describe("fitPoints", () => {
  it("puts north up and east right, inside the padding", () => {
    const { points } = fitPoints(
      [
        { lat: 50, lon: 8 },
        { lat: 50, lon: 8.01 },
        { lat: 50.01, lon: 8.005 },
      ],
      300,
      200,
      20,
    );
    const [west, east, north] = points;
    expect(east!.x).toBeGreaterThan(west!.x);
    expect(north!.y).toBeLessThan(west!.y);
    for (const p of points) {
      expect(p.x).toBeGreaterThanOrEqual(20 - 1e-9);
      expect(p.x).toBeLessThanOrEqual(280 + 1e-9);
      expect(p.y).toBeGreaterThanOrEqual(20 - 1e-9);
      expect(p.y).toBeLessThanOrEqual(180 + 1e-9);
    }
  });

  it("centres a single point", () => {
    expect(fitPoints([{ lat: 1, lon: 2 }], 300, 200, 20)).toEqual({ points: [{ x: 150, y: 100 }], unitsPerKm: 0 });
  });

  it("keeps distances true in both directions", () => {
    const { points, unitsPerKm } = fitPoints(
      [
        { lat: 0, lon: 0 },
        { lat: 0.01, lon: 0.01 },
      ],
      300,
      300,
      20,
    );
    const dx = points[1]!.x - points[0]!.x;
    const dy = points[0]!.y - points[1]!.y;
    expect(dx).toBeCloseTo(dy);
    expect(dx / unitsPerKm).toBeCloseTo(1.1132, 3); // 0.01° at the equator
  });

  it("validates coordinates", () => {
    expect(isGeoPoint({ lat: 50, lon: 8 })).toBe(true);
    expect(isGeoPoint({ lat: 95, lon: 8 })).toBe(false);
    expect(isGeoPoint(null)).toBe(false);
  });
});

describe("scaleBar", () => {
  it.each([
    [100, 80, { km: 0.5, units: 50 }],
    [10, 80, { km: 5, units: 50 }],
    [30, 80, { km: 2, units: 60 }],
  ])("%s units/km, max %s → %o", (unitsPerKm, max, expected) => {
    const bar = scaleBar(unitsPerKm, max);
    expect(bar?.km).toBeCloseTo(expected.km);
    expect(bar?.units).toBeCloseTo(expected.units);
  });

  it("has nothing to show for a single point", () => {
    expect(scaleBar(0, 80)).toBeNull();
  });
});
