import { fireEvent, screen, within } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { FakeWebSocket } from "../test/FakeWebSocket";
import { communityStats, offer, request, site, transaction } from "../test/fixtures";
import { renderWithApp } from "../test/render";
import { CalendarPage } from "./CalendarPage";
import { CommunityPage } from "./CommunityPage";
import { HistoryPage } from "./HistoryPage";
import { MarketPage } from "./MarketPage";
import { NotificationsPage } from "./NotificationsPage";

beforeEach(() => FakeWebSocket.reset());
afterEach(() => vi.unstubAllGlobals());

/** Every list the pages read, empty. */
const EMPTY = { "/api/sites": [], "/api/requests": [], "/api/offers": [], "/api/transactions": [], "/api/notifications": [] };

describe("pages with nothing to show yet", () => {
  it.each([
    ["Market", <MarketPage />, "No requests yet"],
    ["Calendar", <CalendarPage />, "Nothing scheduled yet"],
    ["History", <HistoryPage />, "No transactions yet"],
    ["Notifications", <NotificationsPage />, "No notifications yet"],
  ])("%s shows an empty state", async (_name, page, text) => {
    renderWithApp(page, { routes: EMPTY });
    expect(await screen.findByText(text)).toBeTruthy();
    expect(screen.queryByRole("alert")).toBeNull();
  });

  it("Market's offers tab is empty too", async () => {
    renderWithApp(<MarketPage />, { routes: EMPTY });
    await screen.findByText("No requests yet");
    fireEvent.click(screen.getByRole("tab", { name: "Offers" }));
    expect(await screen.findByText("No offers yet")).toBeTruthy();
    expect(screen.getByRole("tab", { name: "Offers" }).getAttribute("aria-selected")).toBe("true");
  });

  it("a server error is reported with a retry, not hidden as empty", async () => {
    const failing = vi.fn(async () => new Response("boom", { status: 500 }));
    renderWithApp(<HistoryPage />, { fetch: failing });
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain("Couldn't load transactions");
    expect(screen.queryByText("No transactions yet")).toBeNull();
    fireEvent.click(within(alert).getByRole("button", { name: "Try again" }));
    const transactionCalls = () => failing.mock.calls.filter((call: unknown[]) => String(call[0]).startsWith("/api/transactions")).length;
    await vi.waitFor(() => expect(transactionCalls()).toBe(2));
  });

  it("an HTML page instead of the hub's JSON is reported, not hidden as empty", async () => {
    const html = vi.fn(async () => new Response("<!doctype html>", { status: 200, headers: { "content-type": "text/html" } }));
    renderWithApp(<HistoryPage />, { fetch: html });
    expect((await screen.findByRole("alert")).textContent).toContain("Couldn't load transactions");
    expect(screen.queryByText("No transactions yet")).toBeNull();
  });
});

describe("pages with data", () => {
  it("Market lists requests and offers", async () => {
    renderWithApp(<MarketPage />, {
      routes: {
        "/api/requests": [request({ id: 1, site: "gamma", mine: false, energy_wh: 2000, urgency: "high", max_price: "0.3000" })],
        "/api/offers": [offer({ id: 7, site: "alpha", mine: false, energy_wh: 3500, min_price: "0.2500" })],
      },
    });
    const requestCard = await screen.findByTestId("request-1");
    expect(requestCard.textContent).toContain("gamma needs");
    expect(requestCard.textContent).toContain("2 kWh");
    expect(requestCard.textContent).toContain("high");
    fireEvent.click(screen.getByRole("tab", { name: "Offers" }));
    const offerCard = await screen.findByTestId("offer-7");
    expect(offerCard.textContent).toContain("alpha offers");
    expect(offerCard.textContent).toContain("3.5 kWh per interval");
    expect(offerCard.textContent).toContain("0.2500/kWh");
  });

  it("History lists transactions newest first", async () => {
    renderWithApp(<HistoryPage />, {
      routes: {
        "/api/transactions": [
          transaction({ id: 1, seller_site_id: "alpha", buyer_site_id: "gamma", energy_wh: 500, created_at: "2026-01-01T10:00:00Z", status: "completed" }),
          transaction({ id: 2, seller_site_id: "beta", buyer_site_id: "gamma", energy_wh: 1500, created_at: "2026-01-02T10:00:00Z", status: "scheduled" }),
        ],
      },
    });
    const list = await screen.findByRole("list", { name: "Transactions" });
    const items = within(list).getAllByRole("article");
    expect(items.map((item) => item.getAttribute("data-testid"))).toEqual(["transaction-2", "transaction-1"]);
    expect(items[0]?.textContent).toContain("beta → gamma");
  });

  it("Calendar shows today's scheduled offer", async () => {
    const start = new Date();
    start.setHours(23, 0, 0, 0);
    renderWithApp(<CalendarPage />, {
      routes: { "/api/offers": [offer({ id: 3, site: "alpha", mine: false, energy_wh: 1000, window_start: start.toISOString(), window_end: "" })], "/api/requests": [] },
    });
    expect((await screen.findByTestId("agenda-offer-3")).textContent).toContain("alpha offers 1.00 kWh");
  });

  it("Community shows live totals and hub health, and an empty state for missing stats", async () => {
    renderWithApp(<CommunityPage />, {
      routes: {
        "/api/sites": [site("alpha", { pv_w: 3000, load_w: 1000, grid_w: -1500 }), site("gamma", { load_w: 400, grid_w: 400 })],
        "/api/health": { status: "ok", ingest: { accepted: 12, duplicates: 1, rejected: { schema: 2 } } },
        "/api/communities": [],
      },
    });
    expect((await screen.findByTestId("community-demo-pv")).textContent).toBe("3.00 kW");
    expect(screen.getByTestId("community-demo-shareable").textContent).toBe("400 W");
    expect(await screen.findByText("No sharing statistics yet")).toBeTruthy();
    expect((await screen.findByTestId("hub-health")).textContent).toContain("12 readings received, 1 duplicate, 2 rejected");
  });

  it("Community shows each community's sharing statistics", async () => {
    renderWithApp(<CommunityPage />, {
      routes: {
        "/api/sites": [],
        "/api/communities": [{ id: "demo", name: "Demo", currency: "EUR" }],
        "/api/communities/demo/stats": communityStats({
          start: `${new Date().toISOString().slice(0, 10)}T00:00:00Z`,
          end: new Date(Date.parse(`${new Date().toISOString().slice(0, 10)}T00:00:00Z`) + 86_400_000).toISOString(),
        }),
      },
    });
    expect((await screen.findByTestId("stats-demo-shared")).textContent).toBe("12.50 kWh");
    expect(screen.getByTestId("stats-demo-coverage").textContent).toBe("20.00 kWh");
    expect(screen.getByText("Community coverage").nextElementSibling?.textContent).toBe("20.00 kWh");
    expect(screen.getByTestId("stats-demo-self").textContent).toBe("42%");
    expect(screen.getByTestId("stats-demo-savings").textContent).toContain("2.75");
    expect(screen.getByTestId("stats-demo-co2").textContent).toBe("4.8 kg");
    expect(screen.getByRole("heading", { name: /demo/ }).textContent).toBe("demo · Today");
  });
});
