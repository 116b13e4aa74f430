import { describe, expect, it } from "vitest";
import { offer, request } from "../test/fixtures";
import { daysFrom, entriesOn, toEntries } from "./calendar";
import { mergeOrderLists } from "./orders";

const local = (d: number, h: number) => new Date(2026, 0, d, h).toISOString();

describe("calendar entries", () => {
  const entries = toEntries(
    [
      request({ id: 1, site: "gamma", energy_wh: 2000, window_start: local(5, 18), window_end: local(5, 20) }),
      request({ id: 2, site: "gamma", energy_wh: 500, window_start: "" }), // no window: not on the calendar
      request({ id: 3, energy_wh: 500, window_start: local(5, 9), status: "cancelled" }), // won't happen
    ],
    [offer({ id: 9, site: "alpha", energy_wh: 3000, window_start: local(5, 23), window_end: local(6, 2) })],
  );

  it("keeps only items with a time window, sorted by start", () => {
    expect(entries.map((e) => e.key)).toEqual(["request-1", "offer-9"]);
  });

  it("puts a window spanning midnight on both days", () => {
    const [day5, day6, day7] = daysFrom(new Date(2026, 0, 5, 15), 3);
    expect(entriesOn(entries, day5!).map((e) => e.key)).toEqual(["request-1", "offer-9"]);
    expect(entriesOn(entries, day6!).map((e) => e.key)).toEqual(["offer-9"]);
    expect(entriesOn(entries, day7!)).toEqual([]);
  });

  it("counts days from local midnight", () => {
    const days = daysFrom(new Date(2026, 0, 31, 22), 2);
    expect(days.map((d) => [d.getMonth(), d.getDate(), d.getHours()])).toEqual([
      [0, 31, 0],
      [1, 1, 0],
    ]);
  });

  it("plans the merged lists: one entry per order, the owner's copy (site, mine) over the book's public one", () => {
    const book = [request({ id: 4, site: null, mine: false, window_start: local(6, 8) }), request({ id: 5, site: "beta", mine: false, window_start: local(6, 7) })];
    const mine = [
      request({ id: 4, site: "alpha", window_start: local(6, 8) }),
      request({ id: 6, site: "alpha", status: "matched", window_start: local(6, 9) }), // finished but happening
      request({ id: 7, site: "alpha", status: "expired", window_start: local(6, 10) }), // won't happen
    ];
    const planned = toEntries(mergeOrderLists(book, mine), []);
    expect(planned.map((e) => [e.key, e.site, e.mine, e.status])).toEqual([
      ["request-5", "beta", false, "open"],
      ["request-4", "alpha", true, "open"],
      ["request-6", "alpha", true, "matched"],
    ]);
  });
});
