import { describe, expect, it } from "vitest";
import { transaction } from "../test/fixtures";
import { monthOf, periodOf, shiftMonth, slotIndex, tradedPerSlot } from "./tradePeriods";

const NOW = Date.parse("2026-01-05T12:30:00Z");

describe("periods", () => {
  it("a day is the last 24 hours by hour, the current one included", () => {
    const day = periodOf("day", NOW);
    expect(day.slots).toHaveLength(24);
    expect(day.end.getTime() - day.start.getTime()).toBe(24 * 3_600_000);
    expect(slotIndex(day, NOW)).toBe(23);
    expect(slotIndex(day, day.start.getTime() - 1)).toBe(-1);
    expect(slotIndex(day, day.end.getTime())).toBe(-1);
  });

  it("a week and a month are local days ending with today", () => {
    const week = periodOf("week", NOW);
    expect(week.slots).toHaveLength(7);
    expect(new Date(week.start).getHours()).toBe(0);
    expect(slotIndex(week, NOW)).toBe(6);
    expect(periodOf("month", NOW).slots).toHaveLength(30);
  });
});

describe("traded kWh per slot", () => {
  const own = new Set(["alpha"]);
  const day = periodOf("day", NOW);
  const at = (iso: string) => ({ window_start: iso, window_end: iso });

  it("adds delivered Wh by side; promised Wh over the period", () => {
    const slots = tradedPerSlot(
      [
        transaction({ id: 1, ...at("2026-01-05T12:15:00Z"), energy_wh: 500, delivered_wh: 400, status: "partially_delivered" }),
        transaction({ id: 2, ...at("2026-01-05T12:00:00Z"), energy_wh: 300, delivered_wh: 300, status: "completed" }),
        transaction({ id: 3, ...at("2026-01-05T11:00:00Z"), seller_site_id: "alpha", buyer_site_id: "beta", energy_wh: 200, delivered_wh: 0, status: "scheduled" }),
        transaction({ id: 4, ...at("2026-01-05T11:00:00Z"), energy_wh: 900, status: "cancelled" }),
        transaction({ id: 5, ...at("2025-12-01T11:00:00Z"), energy_wh: 900, delivered_wh: 900, status: "completed" }),
      ],
      own,
      day,
    );
    expect(slots.bought[23]).toBe(700);
    expect(slots.sold[22]).toBe(0);
    expect(slots.bought.reduce((a, b) => a + b)).toBe(700);
    expect(slots.tradedBought).toBe(800);
    expect(slots.tradedSold).toBe(200);
  });
});

describe("months", () => {
  it.each([
    ["2026-01", -1, "2025-12"],
    ["2025-12", 1, "2026-01"],
    ["2026-06", 0, "2026-06"],
    ["2026-03", -14, "2025-01"],
  ] as const)("%s %i → %s", (month, by, expected) => expect(shiftMonth(month, by)).toBe(expected));
  it("the month of a moment", () => expect(monthOf(Date.parse("2026-06-15T12:00:00Z"))).toBe("2026-06"));
});
