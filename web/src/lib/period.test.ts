import { describe, expect, it } from "vitest";
import { formatPeriod } from "./period";

const now = Date.parse("2026-11-23T03:05:00Z");

describe("formatPeriod", () => {
  it.each([
    ["today's UTC day", "2026-11-23T00:00:00Z", "2026-11-24T00:00:00Z", "Today"],
    ["the day before", "2026-11-22T00:00:00Z", "2026-11-23T00:00:00Z", "Yesterday"],
    ["without milliseconds or with an offset", "2026-11-23T00:00:00+00:00", "2026-11-24T00:00:00.000Z", "Today"],
  ])("%s", (_name, start, end, expected) => {
    expect(formatPeriod(start, end, now)).toBe(expected);
  });

  it("names an older single day by its date", () => {
    const text = formatPeriod("2026-11-16T00:00:00Z", "2026-11-17T00:00:00Z", now);
    expect(text).toMatch(/16/);
    expect(text).not.toMatch(/–/);
  });

  it("shows several whole days as an inclusive date range", () => {
    const text = formatPeriod("2026-11-16T00:00:00Z", "2026-11-23T00:00:00Z", now);
    expect(text).toMatch(/16.*–.*22/);
  });

  it("falls back to instants for partial days and to a dash for nonsense", () => {
    expect(formatPeriod("2026-11-23T06:00:00Z", "2026-11-23T18:00:00Z", now)).toContain("–");
    expect(formatPeriod(undefined, "2026-11-23T00:00:00Z", now)).toBe("—");
    expect(formatPeriod("2026-11-24T00:00:00Z", "2026-11-23T00:00:00Z", now)).toBe("—");
  });
  it("speaks the chosen language", () => {
    const now = Date.parse("2026-11-23T15:00:00Z");
    expect(formatPeriod("2026-11-23T00:00:00Z", "2026-11-24T00:00:00Z", now, "ko")).toBe("오늘");
    expect(formatPeriod("2026-11-22T00:00:00Z", "2026-11-23T00:00:00Z", now, "ko")).toBe("어제");
    expect(formatPeriod("2026-11-16T00:00:00Z", "2026-11-23T00:00:00Z", now, "ko")).toBe("11월 16일 – 11월 22일");
  });
});
