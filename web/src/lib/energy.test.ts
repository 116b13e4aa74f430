import { describe, expect, it } from "vitest";
import { checkEnergy, kwhToWh, whToKwhText } from "./energy";

describe("kWh typed → integer Wh", () => {
  it.each([
    ["2.5", 2500],
    ["2,5", 2500],
    ["3", 3000],
    ["0.001", 1],
    ["1.234", 1234],
    ["0.1", 100], // 0.1 * 1000 is fine in floats, but 1.005 * 1000 = 1004.9999…
    ["1.005", 1005],
    [" 4.2 ", 4200],
    ["0.0005", null],
    ["-1", null],
    ["", null],
    ["two", null],
  ])("%s → %s", (text, wh) => {
    expect(kwhToWh(text)).toBe(wh);
  });

  it("names what is wrong", () => {
    expect(checkEnergy("")).toBe("required");
    expect(checkEnergy("x")).toBe("format");
    expect(checkEnergy("0")).toBe("tooSmall");
    expect(checkEnergy("20000")).toBe("tooLarge");
    expect(checkEnergy("2.5")).toBeNull();
  });

  it("turns Wh back into an input's kWh", () => {
    expect(whToKwhText(2500)).toBe("2.5");
    expect(whToKwhText(3000)).toBe("3");
    expect(whToKwhText(1)).toBe("0.001");
  });
});
