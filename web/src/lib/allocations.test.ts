import { describe, expect, it } from "vitest";
import { sharedIntervals, type Allocation } from "./allocations";

const allocation = (fields: Partial<Allocation>): Allocation => ({
  community: "demo",
  start: "2026-06-21T11:00:00Z",
  site: "alpha",
  given_wh: 0,
  received_wh: 0,
  price: "0.2000",
  amount: "0.0000",
  key: "dynamic",
  explanation: { code: "dynamic_share" },
  ...fields,
});

describe("sharedIntervals", () => {
  it("keeps intervals with energy given or received, newest first", () => {
    const rows = sharedIntervals([
      allocation({ start: "2026-06-21T11:00:00Z", received_wh: 300 }),
      allocation({ start: "2026-06-21T11:15:00Z" }),
      allocation({ start: "2026-06-21T11:30:00Z", site: "beta", given_wh: 120 }),
      allocation({ start: "2026-06-21T11:30:00Z", site: "alpha", received_wh: 50 }),
    ]);
    expect(rows.map((r) => `${r.start.slice(11, 16)} ${r.site}`)).toEqual(["11:30 alpha", "11:30 beta", "11:00 alpha"]);
  });
});
