import { act, fireEvent, screen, within } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { i18n } from "../i18n";
import { bill, site, transaction } from "../test/fixtures";
import { renderWithApp } from "../test/render";
import FakeUPlot from "../test/uplotFake";
import { HistoryPage } from "./HistoryPage";

afterEach(() => {
  FakeUPlot.instances = [];
});

const total = (values: ArrayLike<unknown> | undefined) => Array.from(values ?? []).reduce<number>((sum, v) => sum + Number(v ?? 0), 0);
const COMMUNITY = { id: "demo", name: "Demo", currency: "EUR", retail_price_per_kwh: "0.3000", feed_in_price_per_kwh: "0.0800" };
const thisHour = () => {
  const start = new Date();
  start.setMinutes(0, 0, 0);
  return start;
};
const at = (start: Date, minutes = 15) => ({ window_start: start.toISOString(), window_end: new Date(start.getTime() + minutes * 60_000).toISOString() });

function trades() {
  const hour = thisHour();
  const earlier = new Date(hour.getTime() - 3 * 3_600_000);
  return [
    transaction({ id: 1, ...at(earlier), status: "completed", energy_wh: 500, delivered_wh: 500, amount: "0.0950" }),
    transaction({ id: 2, ...at(hour), status: "partially_delivered", energy_wh: 500, delivered_wh: 400, amount: "0.0760", shortfall: "seller_exported_less" }),
    transaction({
      id: 3,
      ...at(hour),
      seller_site_id: "alpha",
      buyer_site_id: "beta",
      status: "delivering",
      energy_wh: 1200,
      at_risk: true,
      dispatch: { id: "d1", outcome: "rejected", power_w: 4800, reason: "reserve", at: hour.toISOString() },
    }),
    transaction({ id: 4, ...at(new Date(hour.getTime() + 3_600_000)), status: "scheduled", energy_wh: 300 }),
  ];
}

const routes = () => ({
  "/api/sites": [
    { ...site("alpha", null), name: "Alpha", mine: true },
    { ...site("beta", null), name: "Beta", mine: false },
  ],
  "/api/communities": [COMMUNITY],
  "/api/transactions": trades(),
  "/api/bills": bill(),
});

describe("History", () => {
  it("lists each trade with its status, traded and delivered kWh, amount and shortfall, at-risk battery trades flagged", async () => {
    renderWithApp(<HistoryPage />, { routes: routes() });
    const list = await screen.findByRole("list", { name: "Transactions" });
    const items = within(list).getAllByRole("listitem");
    // Newest interval first.
    expect(items.map((item) => item.firstElementChild?.getAttribute("data-testid"))).toEqual(["transaction-4", "transaction-3", "transaction-2", "transaction-1"]);

    const partly = screen.getByTestId("transaction-2");
    expect(within(partly).getByTestId("transaction-status").textContent).toBe("Partly delivered");
    expect(within(partly).getByTestId("transaction-traded").textContent).toBe("0.5 kWh");
    expect(within(partly).getByTestId("transaction-delivered").textContent).toBe("0.4 kWh");
    await vi.waitFor(() => expect(within(partly).getByTestId("transaction-amount").textContent).toBe("€0.08"));
    expect(within(partly).getByTestId("transaction-shortfall").textContent).toBe("Less arrived: the seller's meter exported less than was traded.");
    expect(within(partly).getByText("Beta → Alpha")).toBeTruthy();
    expect(within(partly).getByText("bought")).toBeTruthy();

    const risky = screen.getByTestId("transaction-3");
    expect(within(risky).getByTestId("transaction-status").textContent).toBe("Delivering");
    expect(within(risky).getByTestId("transaction-at-risk").textContent).toBe("Battery delivery at risk. The battery refused the command.");
    expect(within(risky).getByTestId("transaction-delivered").textContent).toBe("not yet settled");
    expect(within(risky).getByText("sold")).toBeTruthy();

    expect(within(screen.getByTestId("transaction-1")).getByTestId("transaction-status").textContent).toBe("Completed");
    expect(within(screen.getByTestId("transaction-4")).getByTestId("transaction-status").textContent).toBe("Scheduled");
  });

  it("charts kWh bought and sold per hour with uPlot, totals the period and offers both CSVs", async () => {
    const { fetchMock } = renderWithApp(<HistoryPage />, { routes: routes() });
    await screen.findByTestId("transaction-2");
    await vi.waitFor(() => expect(FakeUPlot.last()?.data[1]?.at(-1)).toBe(0.4));
    const chart = FakeUPlot.last()!;
    expect(chart.data[0]).toHaveLength(24);
    expect(chart.data[1]?.at(-4)).toBe(0.5); // bought three hours ago, delivered in full
    expect(total(chart.data[2])).toBe(0); // the battery trade isn't delivered yet
    expect(chart.options.series.map((s) => s.label)).toEqual([undefined, "Bought (delivered)", "Sold (delivered)"]);
    // The same figures for screen readers.
    const table = within(screen.getByTestId("traded-chart")).getByRole("table");
    expect(within(table).getAllByRole("row")).toHaveLength(3);
    expect(screen.getByTestId("traded-totals").textContent).toBe("Traded in this period: bought 1 kWh, sold 1.2 kWh");

    const transactionsCsv = screen.getByRole("link", { name: "Trades (CSV)" }).getAttribute("href") ?? "";
    expect(transactionsCsv).toMatch(/^\/api\/transactions\.csv\?start=\d{4}-.*&end=\d{4}-/);
    const periodCsv = screen.getByRole("link", { name: "Period figures (CSV)" }).getAttribute("href") ?? "";
    expect(periodCsv).toMatch(/^\/api\/bills\.csv\?start=/);
    // The period's settled figures are the hub's bill for the same span.
    const figures = await screen.findByTestId("period-figures");
    expect(within(figures).getByTestId("bill-bought_from_neighbours").textContent).toContain("1.5 kWh");
    const billCall = fetchMock.mock.calls.map(([u]) => String(u)).find((u) => u.startsWith("/api/bills?"));
    expect(billCall).toBe(`/api/bills${periodCsv.slice("/api/bills.csv".length)}`);

    fireEvent.click(screen.getByRole("tab", { name: "7 days" }));
    await vi.waitFor(() => expect(FakeUPlot.last()?.data[0]).toHaveLength(7));
    // Today holds this hour's 0.4 kWh, and the 0.5 kWh of three hours ago unless that was yesterday.
    expect(total(FakeUPlot.last()?.data[1]?.slice(-2))).toBe(0.9);
    expect(screen.getByRole("link", { name: "Trades (CSV)" }).getAttribute("href")).not.toBe(transactionsCsv);
  });

  it("links to the monthly bills", async () => {
    const { location } = renderWithApp(<HistoryPage />, { routes: routes() });
    fireEvent.click(await screen.findByRole("link", { name: "Monthly bills" }));
    expect(location.history?.at(-1)).toBe("/bills");
  });

  it("reads in Korean", async () => {
    renderWithApp(<HistoryPage />, { routes: routes() });
    await act(() => i18n.changeLanguage("ko"));
    expect(await screen.findByRole("heading", { name: "거래 내역" })).toBeTruthy();
    const partly = await screen.findByTestId("transaction-2");
    expect(within(partly).getByTestId("transaction-status").textContent).toBe("일부 전달");
    expect(within(partly).getByTestId("transaction-shortfall").textContent).toBe("부족: 판매자 계량기의 송전량이 거래량보다 적었습니다.");
    expect(within(screen.getByTestId("transaction-3")).getByTestId("transaction-at-risk").textContent).toContain("배터리가 명령을 거부했습니다.");
    expect(screen.getByRole("tab", { name: "7일" })).toBeTruthy();
    expect(screen.getByRole("link", { name: "거래 (CSV)" })).toBeTruthy();
  });
});
