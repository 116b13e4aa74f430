import { describe, expect, it } from "vitest";
import type { HistoryPoint } from "../api/types";
import { hoursAgo, niceMax, totalsOf } from "./history";

const point = (production: number, consumption: number, imported: number, exported: number): HistoryPoint => ({
  start: "2026-01-01T10:00:00Z",
  production_kwh: production,
  consumption_kwh: consumption,
  import_kwh: imported,
  export_kwh: exported,
  charge_kwh: 0,
  discharge_kwh: 0,
  readings: 60,
});

describe("totalsOf", () => {
  it("adds the buckets up and works out self-sufficiency", () => {
    expect(totalsOf([point(2, 1, 0, 1), point(0, 1, 1, 0)])).toEqual({
      producedKwh: 2,
      consumedKwh: 2,
      importedKwh: 1,
      exportedKwh: 1,
      selfSufficiencyPct: 50,
    });
  });

  it("has no self-sufficiency without consumption", () => {
    expect(totalsOf([]).selfSufficiencyPct).toBeNull();
  });
});

describe("niceMax", () => {
  it.each([
    [0, 1],
    [0.7, 1],
    [1.3, 2],
    [3.1, 5],
    [7, 10],
    [0.012, 0.02],
  ])("%s → %s", (value, expected) => {
    expect(niceMax(value)).toBeCloseTo(expected);
  });
});

describe("hoursAgo", () => {
  it("starts on the hour", () => {
    const start = hoursAgo(new Date(2026, 0, 2, 10, 42, 5), 24);
    expect([start.getDate(), start.getHours(), start.getMinutes(), start.getSeconds()]).toEqual([1, 10, 0, 0]);
  });
});
