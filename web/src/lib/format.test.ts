import { describe, expect, it } from "vitest";
import { MISSING, formatAge, formatBattery, formatEnergy, formatGrid, formatPercent, formatPower } from "./format";

describe("formatPower", () => {
  it.each([
    [0, "0 W"],
    [950, "950 W"],
    [999.4, "999 W"],
    [999.6, "1.00 kW"],
    [1234, "1.23 kW"],
    [12_345, "12.35 kW"],
    [2_500_000, "2.50 MW"],
    [-1234, "-1.23 kW"],
    [-0.3, "0 W"],
    [null, MISSING],
    [undefined, MISSING],
    [Number.NaN, MISSING],
  ])("%s W → %s", (watts, expected) => {
    expect(formatPower(watts)).toBe(expected);
  });
});

describe("formatEnergy", () => {
  it.each([
    [0, "0 Wh"],
    [950, "950 Wh"],
    [1234, "1.23 kWh"],
    [3_456_789, "3.46 MWh"],
    [null, MISSING],
  ])("%s Wh → %s", (wh, expected) => {
    expect(formatEnergy(wh)).toBe(expected);
  });
});

describe("formatGrid", () => {
  it.each([
    [1500, "1.50 kW", "Import"],
    [-1500, "1.50 kW", "Export"],
    [-640, "640 W", "Export"],
    [2, "2 W", "Idle"],
    [null, MISSING, ""],
  ])("%s W → %s (%s)", (watts, value, label) => {
    expect(formatGrid(watts)).toEqual({ value, label });
  });
});

describe("formatBattery", () => {
  it.each([
    [-800, "800 W", "Charging"],
    [1200, "1.20 kW", "Discharging"],
    [0, "0 W", "Idle"],
    [null, MISSING, ""],
  ])("%s W → %s (%s)", (watts, value, label) => {
    expect(formatBattery(watts)).toEqual({ value, label });
  });
});

describe("formatPercent", () => {
  it.each([
    [56.6, "57%"],
    [100, "100%"],
    [null, MISSING],
  ])("%s → %s", (pct, expected) => {
    expect(formatPercent(pct)).toBe(expected);
  });
});

describe("formatAge", () => {
  const now = Date.parse("2026-01-01T12:00:00Z");
  it.each([
    ["2026-01-01T11:59:48Z", "12 s ago"],
    ["2026-01-01T11:57:00Z", "3 min ago"],
    ["2026-01-01T10:00:00Z", "2 h ago"],
    [null, MISSING],
    ["not a date", MISSING],
  ])("%s → %s", (iso, expected) => {
    expect(formatAge(iso, now)).toBe(expected);
  });
});
