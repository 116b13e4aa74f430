import { describe, expect, it } from "vitest";
import { anchorClock, clockSpeed, formatClockShort, hubNow, isDemoClock } from "./clock";

const WALL = Date.parse("2026-03-01T09:00:00Z");

describe("anchorClock", () => {
  it("pins the hub's time to the wall-clock moment it arrived", () => {
    expect(anchorClock({ now: "2026-06-21T12:00:00Z", speed: 60 }, WALL)).toEqual({
      hubMs: Date.parse("2026-06-21T12:00:00Z"),
      wallMs: WALL,
      speed: 60,
    });
  });

  it.each([
    [{ now: "not a time", speed: 1 }],
    [{ now: "2026-06-21T12:00:00Z", speed: 0 }],
    [{ now: "2026-06-21T12:00:00Z", speed: -60 }],
  ])("refuses %j", (body) => {
    expect(anchorClock(body, WALL)).toBeNull();
  });
});

describe("hubNow", () => {
  it("is the wall clock without an anchor (hub without /api/clock)", () => {
    expect(hubNow(null, WALL)).toBe(WALL);
    expect(clockSpeed(null)).toBe(1);
    expect(isDemoClock(undefined)).toBe(false);
  });

  it("counts on from the anchor at the hub's speed", () => {
    const anchor = anchorClock({ now: "2026-06-21T12:00:00Z", speed: 60 }, WALL);
    expect(hubNow(anchor, WALL)).toBe(Date.parse("2026-06-21T12:00:00Z"));
    // 10 wall seconds at 60× are 10 hub minutes.
    expect(new Date(hubNow(anchor, WALL + 10_000)).toISOString()).toBe("2026-06-21T12:10:00.000Z");
    expect(isDemoClock(anchor)).toBe(true);
  });

  it("at speed 1 only shifts the wall clock", () => {
    const anchor = anchorClock({ now: "2026-03-01T09:00:30Z", speed: 1 }, WALL);
    expect(hubNow(anchor, WALL + 5_000) - (WALL + 5_000)).toBe(30_000);
    expect(isDemoClock(anchor)).toBe(false);
  });
});

describe("formatClockShort", () => {
  it("is hours and minutes, 24-hour and zero-padded, in local time", () => {
    expect(formatClockShort(new Date(2026, 5, 21, 5, 12, 59).getTime())).toBe("05:12");
    expect(formatClockShort(new Date(2026, 5, 21, 17, 3).getTime())).toBe("17:03");
    expect(formatClockShort(new Date(2026, 5, 21, 0, 0).getTime())).toBe("00:00");
  });

  it("shows a placeholder for a time that isn't one", () => {
    expect(formatClockShort(Number.NaN)).toBe("--:--");
  });
});
