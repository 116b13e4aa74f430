import { describe, expect, it } from "vitest";
import { formatAmount, negate, sign } from "./amounts";

describe("formatAmount", () => {
  it.each([
    ["12.3456", "EUR", "en", "€12.35"],
    ["-0.2603", "EUR", "en", "-€0.26"],
    ["0.0050", "EUR", "en", "€0.01"],
    ["-0.0008", "EUR", "en", "€0.00"],
    ["1234.5", "EUR", "de", "1.234,50 €"],
    ["1500.0000", "KRW", "ko", "₩1,500"],
    ["0.1", undefined, "en", "0.10"],
    ["abc", "EUR", "en", "—"],
    [null, "EUR", "en", "—"],
  ])("%s %s in %s → %s", (text, currency, locale, expected) => {
    expect(formatAmount(text, currency, locale).replace(/\u00a0/g, " ")).toBe(expected);
  });

  it("keeps digits a float would lose", () => {
    expect(formatAmount("90071992547409.93", "EUR", "en")).toBe("€90,071,992,547,409.93");
  });
});

describe("sign and negate work on the text", () => {
  it.each([
    ["-0.2603", -1, "0.2603"],
    ["0.5", 1, "-0.5"],
    ["0.0000", 0, "0.0000"],
    ["-0.00", 0, "0.00"],
  ] as const)("%s", (text, s, flipped) => {
    expect(sign(text)).toBe(s);
    expect(negate(text)).toBe(flipped);
  });
  it("leaves what isn't a decimal", () => {
    expect(sign("x")).toBeNull();
    expect(negate("x")).toBe("x");
  });
});
