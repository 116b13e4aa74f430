import { describe, expect, it } from "vitest";
import { differsFromBrowser, formatPeriod, formatWhenIn, knownTimeZone, monthIn } from "./period";

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

describe("a community's calendar", () => {
  const lateOnNov30 = Date.parse("2026-11-30T16:00:00Z");

  it("names the month a moment falls in by the community's clock, not the browser's", () => {
    expect(monthIn(lateOnNov30, "Asia/Seoul")).toBe("2026-12");
    expect(monthIn(lateOnNov30, "Europe/Vienna")).toBe("2026-11");
    // Vienna falls back on 25 October: 23:30 UTC on the 31st is already November there.
    expect(monthIn(Date.parse("2026-10-31T23:30:00Z"), "Europe/Vienna")).toBe("2026-11");
    expect(monthIn(Date.parse("2027-01-01T03:00:00Z"), "America/New_York")).toBe("2026-12");
  });

  it("falls back to the browser's zone for a zone it does not know", () => {
    expect(knownTimeZone("Mars/Olympus_Mons")).toBeUndefined();
    expect(monthIn(lateOnNov30, "Mars/Olympus_Mons")).toBe(monthIn(lateOnNov30, undefined));
  });

  it("shows an interval's start on the community's clock, across its clock change, in the chosen locale", () => {
    // Vienna springs forward at 01:00 UTC on 29 March: from +1 to +2.
    expect(formatWhenIn("2026-03-29T00:30:00Z", "Europe/Vienna", "en-GB")).toBe("Sun 29 Mar, 01:30");
    expect(formatWhenIn("2026-03-29T01:30:00Z", "Europe/Vienna", "en-GB")).toBe("Sun 29 Mar, 03:30");
    expect(formatWhenIn("2026-06-10T08:00:00Z", "Asia/Seoul", "ko")).toBe("6월 10일 (수) PM 05:00");
    expect(formatWhenIn(null, "Asia/Seoul", "en")).toBe("—");
  });

  it("says whether the community's clock differs from the browser's", () => {
    const browser = Intl.DateTimeFormat().resolvedOptions().timeZone;
    expect(differsFromBrowser(browser, lateOnNov30)).toBe(false);
    expect(differsFromBrowser(undefined, lateOnNov30)).toBe(false);
  });
});
