import { describe, expect, it } from "vitest";
import { bookableSlots } from "./slots";

const local = (day: number, hour: number, minute = 0) => new Date(2026, 5, day, hour, minute);

describe("bookableSlots", () => {
  it("splits a future day into eight blocks of three hours, local midnight to midnight", () => {
    const slots = bookableSlots(local(22, 0), local(21, 12).getTime());
    expect(slots).toHaveLength(8);
    expect(slots[0]).toEqual({ start: local(22, 0), end: local(22, 3) });
    expect(slots[7]).toEqual({ start: local(22, 21), end: local(23, 0) });
  });

  it("leaves out today's blocks that have begun", () => {
    const slots = bookableSlots(local(21, 0), local(21, 13, 30).getTime());
    expect(slots.map((s) => s.start.getHours())).toEqual([15, 18, 21]);
  });

  it("has nothing left late in the evening", () => {
    expect(bookableSlots(local(21, 0), local(21, 21, 1).getTime())).toEqual([]);
  });
});
