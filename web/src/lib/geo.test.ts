import { describe, expect, it } from "vitest";
import { isGeoPoint } from "./geo";

describe("isGeoPoint", () => {
  it.each([
    [{ lat: 50, lon: 8 }, true],
    [{ lat: -90, lon: 180 }, true],
    [{ lat: 95, lon: 8 }, false],
    [{ lat: 50, lon: -181 }, false],
    [{ lat: "50", lon: 8 }, false],
    [null, false],
  ])("%o → %s", (value, expected) => {
    expect(isGeoPoint(value)).toBe(expected);
  });
});
