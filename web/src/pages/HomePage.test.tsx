import { act, fireEvent, screen, within } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { AppShell } from "../components/Layout/AppShell";
import { FakeWebSocket } from "../test/FakeWebSocket";
import { reading, site } from "../test/fixtures";
import { renderWithApp } from "../test/render";
import { HomePage } from "./HomePage";

const SITES = [
  site("alpha", { pv_w: 3000, load_w: 1000, battery_w: -800, grid_w: -1200, soc_pct: 64, pv_to_home_w: 1000, pv_to_battery_w: 800, pv_to_grid_w: 1200 }),
  site("gamma", { grid_w: 420, load_w: 420, grid_to_home_w: 420 }),
  site("quiet", null),
];

beforeEach(() => FakeWebSocket.reset());
afterEach(() => vi.unstubAllGlobals());

describe("HomePage", () => {
  it("lists every site with its live values from /api/sites", async () => {
    const { fetchMock } = renderWithApp(<HomePage />, { routes: { "/api/sites": SITES } });
    const alpha = await screen.findByTestId("site-card-alpha");
    expect(fetchMock).toHaveBeenCalledWith("/api/sites", expect.anything());
    expect(within(alpha).getByTestId("site-alpha-pv_w").textContent).toBe("3.00 kW");
    expect(within(alpha).getByTestId("site-alpha-load_w").textContent).toBe("1.00 kW");
    expect(within(alpha).getByTestId("site-alpha-battery_w").textContent).toBe("800 W");
    expect(within(alpha).getByText("Charging")).toBeTruthy();
    expect(within(alpha).getByTestId("site-alpha-soc_pct").textContent).toBe("64%");
    expect(within(alpha).getByTestId("site-alpha-grid_w").textContent).toBe("1.20 kW");
    expect(within(alpha).getByText("Export")).toBeTruthy();

    // A meter-only consumer shows what it has, nothing invented.
    const gamma = screen.getByTestId("site-card-gamma");
    expect(within(gamma).getByTestId("site-gamma-grid_w").textContent).toBe("420 W");
    expect(within(gamma).queryByTestId("site-gamma-pv_w")).toBeNull();
    expect(within(screen.getByTestId("site-card-quiet")).getByText(/waiting for the first reading/i)).toBeTruthy();
  });

  it("updates a card when a reading arrives over the WebSocket", async () => {
    renderWithApp(<HomePage />, { routes: { "/api/sites": SITES } });
    await screen.findByTestId("site-card-alpha");
    act(() => {
      FakeWebSocket.latest().open();
      FakeWebSocket.latest().send({
        type: "reading",
        community: "demo",
        site: "alpha",
        reading: reading({ pv_w: 1234, load_w: 1000, battery_w: 0, grid_w: 250, soc_pct: 65 }, 2, "2026-01-01T12:00:05Z"),
      });
    });
    expect(screen.getByTestId("site-alpha-pv_w").textContent).toBe("1.23 kW");
    expect(screen.getByTestId("site-alpha-grid_w").textContent).toBe("250 W");
    expect(within(screen.getByTestId("site-card-alpha")).getByText("Import")).toBeTruthy();
  });

  it("shows the energy flow of the site the user picks", async () => {
    renderWithApp(<HomePage />, { routes: { "/api/sites": SITES } });
    await screen.findByTestId("flow-panel-alpha");
    expect(screen.getByTestId("flow-pv_to_grid_w-value").textContent).toBe("1.20 kW");

    fireEvent.click(screen.getByRole("button", { name: "gamma" }));
    expect(screen.getByTestId("flow-panel-gamma")).toBeTruthy();
    expect(screen.getByTestId("flow-grid_to_home_w-value").textContent).toBe("420 W");
    expect(screen.getByRole("button", { name: "gamma" }).getAttribute("aria-pressed")).toBe("true");
  });

  it("lists neighbours apart, without private values and without a flow", async () => {
    const neighbour = { ...site("delta", null), mine: false, name: "Delta house", assets: [{ kind: "solar", power_kw: 0 }] };
    renderWithApp(<HomePage />, { routes: { "/api/sites": [{ ...SITES[0]!, mine: true }, neighbour] } });
    const list = await screen.findByRole("list", { name: "Neighbours' sites" });
    const card = within(list).getByTestId("site-card-delta");
    expect(within(card).getByRole("heading").textContent).toBe("Delta house");
    expect(card.textContent).toContain("solar");
    expect(card.textContent).not.toMatch(/W\b/); // no power values of a neighbour
    expect(screen.getByText(/live values stay private to each owner/)).toBeTruthy();
    expect(within(card).queryByRole("button")).toBeNull();
    expect(screen.getByTestId("flow-panel-alpha")).toBeTruthy();
  });

  it("shows only the devices a site declares, naming wind as wind", async () => {
    const zeros = { pv_w: 900, load_w: 300, battery_w: 0, soc_pct: null, grid_w: -600 };
    const farm = { ...site("farm", zeros), mine: true, assets: [{ kind: "wind" }] };
    renderWithApp(<HomePage />, { routes: { "/api/sites": [farm] } });
    const card = await screen.findByTestId("site-card-farm");
    expect(within(card).queryByTestId("site-farm-battery_w")).toBeNull();
    expect(within(card).queryByTestId("site-farm-soc_pct")).toBeNull();
    expect(within(card).getByText("Wind")).toBeTruthy();
    expect(screen.queryByTestId("flow-node-battery")).toBeNull();
    expect(within(screen.getByTestId("flow-node-pv")).getByText("Wind")).toBeTruthy();
  });

  it("shows wind apart from solar when the agent reports it apart", async () => {
    const values = { pv_w: 0, wind_w: 900, load_w: 300, battery_w: 0, grid_w: -600, wind_to_home_w: 300, wind_to_grid_w: 600 };
    const farm = { ...site("farm", values), mine: true, assets: [{ kind: "wind" }] };
    renderWithApp(<HomePage />, { routes: { "/api/sites": [farm] } });
    const card = await screen.findByTestId("site-card-farm");
    expect(within(card).getByTestId("site-farm-wind_w").textContent).toBe("900 W");
    expect(within(card).queryByTestId("site-farm-pv_w")).toBeNull(); // no solar declared
    expect(screen.queryByTestId("flow-node-pv")).toBeNull();
    expect(screen.getByTestId("flow-node-wind-value").textContent).toBe("900 W");
    expect(screen.getByTestId("flow-wind_to_grid_w-value").textContent).toBe("600 W");
  });

  it("charts the selected site's last 24 hours", async () => {
    const lastHour = new Date();
    lastHour.setMinutes(0, 0, 0);
    const points = [2, 1, 0].map((h) => ({
      start: new Date(lastHour.getTime() - h * 3_600_000).toISOString(),
      production_kwh: 2 - h,
      wind_kwh: 0,
      consumption_kwh: 0.5,
      import_kwh: h === 2 ? 0.5 : 0,
      export_kwh: h === 0 ? 1.5 : 0,
      charge_kwh: 0,
      discharge_kwh: 0,
      readings: 60,
    }));
    const totals = {
      produced_kwh: 3,
      wind_kwh: 0,
      consumed_kwh: 1.5,
      imported_kwh: 0.5,
      exported_kwh: 1.5,
      self_consumption: 0.5,
      self_sufficiency: 2 / 3,
    };
    const { fetchMock } = renderWithApp(<HomePage />, {
      routes: {
        "/api/sites": [{ ...SITES[0]!, mine: true }],
        "/api/sites/alpha/history": { site: "alpha", period: "hour", start: "", end: "", points, totals },
      },
    });
    const card = await screen.findByTestId("energy-card-alpha");
    expect(within(card).getByTestId("energy-produced").textContent).toBe("3.00 kWh");
    // The hub's figures, not the browser's (#10).
    expect(within(card).getByTestId("energy-self-consumption").textContent).toBe("50%");
    expect(within(card).getByTestId("energy-self-sufficiency").textContent).toBe("67%");
    expect(within(card).queryByTestId("energy-wind")).toBeNull();
    // uPlot draws the bars (a recorder in jsdom); the same hours are in the chart's table.
    expect(within(within(card).getByTestId("energy-chart").querySelector("table")!).getAllByRole("row")).toHaveLength(4);
    const url = String(fetchMock.mock.calls.find(([u]) => String(u).startsWith("/api/sites/alpha/history"))?.[0]);
    expect(url).toMatch(/\?period=hour&start=\d{4}-/);
  });

  it("says so when the hub has no sites", async () => {
    renderWithApp(<HomePage />, { routes: { "/api/sites": [] } });
    expect(await screen.findByText("No sites yet")).toBeTruthy();
  });

  it("shows an error with a retry when /api/sites fails", async () => {
    renderWithApp(<HomePage />, { routes: {} });
    expect((await screen.findByRole("alert")).textContent).toContain("Couldn't load sites");
  });
});

describe("live indicator", () => {
  it("reads 'live' while the socket is open and 'reconnecting' after it drops", async () => {
    renderWithApp(
      <AppShell>
        <p>page</p>
      </AppShell>,
    );
    expect(screen.getByTestId("ws-status").textContent).toBe("connecting");
    act(() => FakeWebSocket.latest().open());
    expect(screen.getByTestId("ws-status").textContent).toBe("live");
    act(() => FakeWebSocket.latest().drop());
    expect(screen.getByTestId("ws-status").textContent).toBe("reconnecting");
  });
});
