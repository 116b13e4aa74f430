import { describe, expect, it } from "vitest";
import { hoursAgo, niceMax } from "./history";

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
