import { act, fireEvent, screen, within } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { AppRoutes } from "../App";
import { AppShell } from "../components/Layout/AppShell";
import { i18n } from "../i18n";
import { bill, site } from "../test/fixtures";
import { renderWithApp } from "../test/render";
import { BillsPage } from "./BillsPage";

const SITES = [
  { ...site("alpha", null), name: "Alpha", mine: true },
  { ...site("gamma", null), name: "Gamma", mine: true },
];

const billCalls = (fetchMock: { mock: { calls: unknown[][] } }) =>
  fetchMock.mock.calls.map((call) => String(call[0])).filter((u) => u.startsWith("/api/bills"));

describe("Bills", () => {
  it("shows the month's figures, the correction with its note, the total and the savings against grid only", async () => {
    const { fetchMock } = renderWithApp(<BillsPage />, { routes: { "/api/sites": SITES, "/api/bills": bill() } });
    const lines = await screen.findByTestId("bill-lines");
    const row = (line: string) => within(lines).getByTestId(`bill-${line}`).textContent;
    expect(row("bought_from_neighbours")).toBe("Bought from neighbours1.5 kWh€0.27");
    expect(row("bought_from_grid")).toBe("Bought from the grid2 kWh€0.60");
    expect(row("sold_to_grid")).toBe("Sold to the grid3.6 kWh-€0.29");
    expect(row("grid_fees")).toBe("Grid fees€0.02");
    // Ex-post lines only when the community allocated anything.
    expect(within(lines).queryByTestId("bill-allocation_received")).toBeNull();

    expect(screen.getByTestId("bill-total").textContent).toBe("€0.58");
    expect(screen.getByText("You pay")).toBeTruthy();
    expect(screen.getByTestId("bill-grid-only").textContent).toBe("€0.76");
    expect(screen.getByTestId("bill-savings").textContent).toBe("€0.19");
    expect(screen.getByText("You saved")).toBeTruthy();

    const correction = screen.getByTestId("bill-adjustment");
    expect(correction.textContent).toContain("Late readings from beta");
    expect(correction.textContent).toContain("-€0.02");
    expect(correction.textContent).toContain("(settlement 2)");

    // The hub's current month first (its clock), then the month picker shows it.
    expect(billCalls(fetchMock)[0]).toBe("/api/bills");
    expect((screen.getByLabelText("Month") as HTMLInputElement).value).toBe("2026-06");
    expect(screen.getByRole("link", { name: "Download the bill (CSV)" }).getAttribute("href")).toBe("/api/bills.csv?month=2026-06");
    // One site only: no per-site breakdown.
    expect(screen.queryByTestId("bill-sites")).toBeNull();
  });

  it("goes month by month and breaks the bill down per site", async () => {
    const two = bill({ sites: [{ ...bill(), site: "alpha" }, { ...bill({ total: "-0.1000", savings: "-0.0500" }), site: "gamma" }] });
    const { fetchMock } = renderWithApp(<BillsPage />, { routes: { "/api/sites": SITES, "/api/bills": two } });
    const sites = await screen.findByTestId("bill-sites");
    const gamma = within(sites).getByTestId("bill-site-gamma");
    fireEvent.click(await within(gamma).findByText("Gamma"));
    expect(within(gamma).getByText("You receive")).toBeTruthy();
    expect(within(gamma).getByTestId("bill-total").textContent).toBe("€0.10");
    expect(within(gamma).getByText("Cost more than grid only")).toBeTruthy();

    fireEvent.click(screen.getByRole("button", { name: "Previous month" }));
    await vi.waitFor(() => expect(billCalls(fetchMock)).toContain("/api/bills?month=2026-05"));
    fireEvent.change(screen.getByLabelText("Month"), { target: { value: "2025-12" } });
    await vi.waitFor(() => expect(billCalls(fetchMock)).toContain("/api/bills?month=2025-12"));
    expect(screen.getByRole("link", { name: "Download the bill (CSV)" }).getAttribute("href")).toBe("/api/bills.csv?month=2025-12");
  });

  it("says when nothing is settled yet, and when there is nothing to bill", async () => {
    const zero = { energy_wh: 0, amount: "0.0000" };
    const empty = bill({
      bought_from_neighbours: zero,
      bought_from_grid: zero,
      sold_to_grid: zero,
      grid_fees: zero,
      adjustments: [],
      adjustments_total: "0.0000",
      total: "0.0000",
      import_wh: 0,
      export_wh: 0,
      grid_only: "0.0000",
      savings: "0.0000",
    });
    const { unmount } = renderWithApp(<BillsPage />, { routes: { "/api/bills": empty } });
    expect(await screen.findByText("Nothing settled yet")).toBeTruthy();
    expect(screen.queryByRole("link", { name: "Download the bill (CSV)" })).toBeNull();
    unmount();
    renderWithApp(<BillsPage />, { routes: {} });
    expect(await screen.findByText("Nothing to bill")).toBeTruthy();
  });

  it("reads in Korean, with the money in the Korean locale", async () => {
    renderWithApp(<BillsPage />, { routes: { "/api/sites": SITES, "/api/bills": bill() } });
    await act(() => i18n.changeLanguage("ko"));
    expect(await screen.findByRole("heading", { name: "청구서", level: 1 })).toBeTruthy();
    const lines = await screen.findByTestId("bill-lines");
    expect(within(lines).getByTestId("bill-bought_from_neighbours").textContent).toBe("이웃에게서 구매1.5 kWh€0.27");
    expect(screen.getByText("절감액")).toBeTruthy();
    expect(screen.getByText("정정")).toBeTruthy();
    expect(screen.getByText("늦게 도착한 측정값: beta")).toBeTruthy();
    expect(screen.getByRole("button", { name: "이전 달" })).toBeTruthy();
    expect(screen.getByText("2026년 6월")).toBeTruthy();
  });

  it("is reached from History and keeps the History tab marked", async () => {
    renderWithApp(
      <AppShell>
        <AppRoutes />
      </AppShell>,
      { path: "/bills", routes: { "/api/sites": SITES, "/api/bills": bill() } },
    );
    expect(await screen.findByRole("heading", { name: "Bills", level: 1 })).toBeTruthy();
    const nav = screen.getByRole("navigation", { name: "Main" });
    expect(within(nav).getByRole("link", { name: "History" }).getAttribute("aria-current")).toBe("page");
  });
  it("lists the month's ex-post sharing per interval with the hub's amounts and why", async () => {
    const shared = (start: string, fields: object) => ({ community: "demo", start, site: "alpha", given_wh: 0, received_wh: 0, price: "0.2000", amount: "0.0000", key: "static", ...fields });
    const { fetchMock } = renderWithApp(<BillsPage />, {
      routes: {
        "/api/sites": SITES,
        "/api/bills": bill(),
        "/api/allocations": [
          shared("2026-06-21T11:00:00Z", { received_wh: 400, amount: "0.0800", explanation: { code: "static_share", weight: "2" } }),
          shared("2026-06-21T11:15:00Z", { explanation: { code: "static_share", weight: "2" } }),
          shared("2026-06-21T12:00:00Z", { given_wh: 250, amount: "-0.0500", explanation: { code: "gave_surplus" } }),
        ],
      },
    });
    const section = await screen.findByTestId("allocations");
    const rows = within(section).getAllByRole("listitem");
    expect(rows.map((row) => row.textContent)).toEqual([
      expect.stringMatching(/^Gave 0\.25 kWh-€0\.05.*your surplus went to the pool$/),
      expect.stringMatching(/^Received 0\.4 kWh€0\.08.*a fixed share \(weight 2\)$/),
    ]);
    // The bill's month, as the hub's window.
    const asked = fetchMock.mock.calls.map(([url]) => String(url)).find((url) => url.startsWith("/api/allocations"));
    expect(asked).toContain("start=");
  });

  it("leaves the section out when the community shares by orders only", async () => {
    renderWithApp(<BillsPage />, { routes: { "/api/sites": SITES, "/api/bills": bill(), "/api/allocations": [] } });
    await screen.findByTestId("bill");
    expect(screen.queryByTestId("allocations")).toBeNull();
  });
});
