import { describe, expect, it } from "vitest";
import { addPrices, checkPrice, comparePrices, normalisePrice, priceTicks, ticksToPrice } from "./money";

describe("prices as integer ticks", () => {
  it.each([
    ["0.15", 1500],
    ["0.1500", 1500],
    ["1", 10000],
    ["0,3", 3000],
    [" 0.0001 ", 1],
    ["0.", 0],
    ["0.12345", null],
    ["-0.1", null],
    ["abc", null],
    ["", null],
    ["1e-3", null],
  ])("%s → %s ticks", (text, ticks) => {
    expect(priceTicks(text)).toBe(ticks);
  });

  it("spells ticks the hub's way", () => {
    expect(ticksToPrice(1500)).toBe("0.1500");
    expect(ticksToPrice(123456)).toBe("12.3456");
    expect(ticksToPrice(0)).toBe("0.0000");
    expect(normalisePrice("0.3")).toBe("0.3000");
    expect(normalisePrice("x")).toBeNull();
  });

  it("adds and compares exactly, where floats would not", () => {
    expect(addPrices("0.1000", "0.2000")).toBe("0.3000"); // 0.1 + 0.2 !== 0.3 in floats
    expect(addPrices("0.1800", "0.0100")).toBe("0.1900");
    expect(addPrices("0.18", "x")).toBeNull();
    expect(comparePrices("0.3", "0.3000")).toBe(0);
    expect(comparePrices("0.0799", "0.08")).toBe(-1);
    expect(comparePrices("1", "0.9999")).toBe(1);
  });
});

describe("checking a typed price", () => {
  const corridor = { min: "0.0800", max: "0.3000" };
  it.each([
    ["", "required"],
    ["abc", "format"],
    ["0.12345", "decimals"],
    ["0.0799", "belowMin"],
    ["0.3001", "aboveMax"],
    ["0.08", null],
    ["0.3", null],
    ["0.1500", null],
  ])("%s → %s", (text, problem) => {
    expect(checkPrice(text, corridor)).toBe(problem);
  });

  it("skips the corridor when the market is not known", () => {
    expect(checkPrice("5")).toBeNull();
  });
});
