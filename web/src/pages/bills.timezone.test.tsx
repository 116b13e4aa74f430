/** The Bills screen reads the community's calendar: its month, and its clock for the times shown. */
import { fireEvent, screen } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { bill, site } from "../test/fixtures";
import { renderWithApp } from "../test/render";
import { BillsPage } from "./BillsPage";

const SEOUL = {
  id: "demo",
  name: "Demo",
  currency: "EUR",
  retail_price_per_kwh: "0.3000",
  feed_in_price_per_kwh: "0.0800",
  settlement_interval_min: 15,
  co2_g_per_kwh: 400,
  timezone: "Asia/Seoul",
  mechanism: "pay_as_clear",
  gate_lead_s: 300,
  grid_fee: { bands: [], per_km: null, cap: null },
};
// 1 December 01:00 in Seoul, still 30 November in UTC (and in the browser running the tests).
const CLOCK = { now: "2026-11-30T16:00:00Z", speed: 1 };

const billCalls = (fetchMock: { mock: { calls: unknown[][] } }) =>
  fetchMock.mock.calls.map((call) => String(call[0])).filter((u) => u.startsWith("/api/bills?"));

describe("Bills in the community's time zone", () => {
  it("asks for the month the community is in, not the browser's, before the hub has billed any", async () => {
    const { fetchMock } = renderWithApp(<BillsPage />, {
      // No bill yet (404: no sites): the month comes from the hub's clock in Seoul.
      routes: { "/api/communities": [SEOUL], "/api/clock": CLOCK, "/api/sites": [] },
    });
    await screen.findByText("Nothing to bill");
    await vi.waitFor(() => expect((screen.getByLabelText("Month") as HTMLInputElement).value).toBe("2026-12"));

    fireEvent.click(screen.getByRole("button", { name: "Previous month" }));
    await vi.waitFor(() => expect(billCalls(fetchMock)).toEqual(["/api/bills?month=2026-11"]));
  });

  it("shows a correction's interval on the community's clock and says whose clock that is", async () => {
    renderWithApp(<BillsPage />, {
      routes: { "/api/communities": [SEOUL], "/api/clock": CLOCK, "/api/sites": [{ ...site("alpha", null), mine: true }], "/api/bills": bill() },
    });
    // 08:00 UTC is 5 pm in Seoul.
    expect((await screen.findByTestId("bill-adjustment")).textContent).toContain("Wed, Jun 10, 05:00 PM");
    expect(screen.getByTestId("bill-time-zone").textContent).toBe("Dates and times in Asia/Seoul, your community's time zone.");
  });
});
