import { describe, expect, it } from "vitest";
import { distanceKm, nearestDistanceKm } from "./distance";

describe("distanceKm", () => {
  it.each([
    // One hundredth of a degree of latitude, the rounding of neighbours' locations: about 1.1 km.
    [{ lat: 51.33, lon: 9.17 }, { lat: 51.34, lon: 9.17 }, 1.112],
    // The same step in longitude shrinks with the cosine of the latitude.
    [{ lat: 51.33, lon: 9.17 }, { lat: 51.33, lon: 9.18 }, 0.695],
    // Equator to pole: a quarter of a great circle, π/2 × 6371 km.
    [{ lat: 0, lon: 0 }, { lat: 90, lon: 0 }, 10007.5],
  ])("from %o to %o is %f km", (a, b, km) => {
    expect(distanceKm(a, b)).toBeCloseTo(km, km > 100 ? 0 : 2);
    expect(distanceKm(b, a)).toBeCloseTo(distanceKm(a, b), 9);
  });

  it("is zero at the same point", () => {
    expect(distanceKm({ lat: 10, lon: 20 }, { lat: 10, lon: 20 })).toBe(0);
  });
});

describe("nearestDistanceKm", () => {
  it("measures from the closest own site", () => {
    const homes = [
      { lat: 51.4, lon: 9.17 },
      { lat: 51.331, lon: 9.17 },
    ];
    expect(nearestDistanceKm({ lat: 51.33, lon: 9.17 }, homes)).toBeCloseTo(0.111, 3);
  });

  it("is null without an own located site", () => {
    expect(nearestDistanceKm({ lat: 51.33, lon: 9.17 }, [])).toBeNull();
  });
});
