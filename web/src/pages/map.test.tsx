import { act, fireEvent, screen, within } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { i18n } from "../i18n";
import { FakeWebSocket } from "../test/FakeWebSocket";
import { site } from "../test/fixtures";
import { Map as FakeMap } from "../test/maplibreFake";
import { renderWithApp } from "../test/render";
import { MapPage } from "./MapPage";

beforeEach(() => FakeWebSocket.reset());
afterEach(() => vi.unstubAllGlobals());

const OSM = { map: { tiles: "https://tile.openstreetmap.org/{z}/{x}/{y}.png", attribution: "© OpenStreetMap contributors" } };

const near = (name: string, lat = 51.33, lon = 9.17) => ({
  ...site(name, null),
  online: true,
  mine: false,
  location: { lat, lon },
  assets: [{ kind: "solar" }],
});
const home = { ...site("home", { pv_w: 500, grid_w: -200 }), mine: true, location: { lat: 51.3282, lon: 9.1655 }, assets: [{ kind: "solar" }] };
const street = [near("b-street"), near("a-street"), { ...near("far-farm", 51.34, 9.15), assets: [{ kind: "wind" }] }, home];

describe("Map", () => {
  it("lists providers but not meter-only consumers, and plots located ones", async () => {
    renderWithApp(<MapPage />, {
      routes: {
        "/api/config": OSM,
        "/api/sites": [
          { ...site("alpha", { pv_w: 3000, grid_w: -1200, soc_pct: 50 }), location: { lat: 50.1, lon: 8.6 } },
          site("beta", { battery_w: 0, soc_pct: 80, grid_w: 100 }),
          site("gamma", { grid_w: 400, load_w: 400 }),
        ],
      },
    });
    expect((await screen.findByTestId("provider-alpha")).textContent).toContain("1.20 kW spare");
    expect(screen.getByTestId("provider-beta").textContent).toContain("battery 80%");
    expect(screen.queryByTestId("provider-gamma")).toBeNull();
    expect(await screen.findByTestId("map-site-alpha")).toBeTruthy();
    expect(screen.queryByTestId("map-site-beta")).toBeNull();
  });

  it("groups neighbours at one rounded point into a marker with a count, nearest first, each with its distance", async () => {
    renderWithApp(<MapPage />, { routes: { "/api/config": OSM, "/api/sites": street } });
    const group = await screen.findByTestId("map-group-a-street");
    expect(group.textContent).toContain("2 providers");
    expect(group.getAttribute("aria-label")).toContain("a-street, b-street");
    expect(screen.getByTestId("map-site-far-farm")).toBeTruthy();
    expect(screen.getByTestId("map-site-home").textContent).toContain("home (yours)");
    // Own site first, then the neighbours by distance from it.
    const cards = screen.getAllByRole("article").map((a) => a.getAttribute("data-testid"));
    expect(cards).toEqual(["provider-home", "provider-a-street", "provider-b-street", "provider-far-farm"]);
    expect(screen.getByTestId("provider-a-street").textContent).toContain("about 0.4 km away");
    expect(screen.getByTestId("provider-far-farm").textContent).toContain("wind · about 1.7 km away");
    expect(screen.getByTestId("provider-home").textContent).not.toContain("away");

    const listed = screen.getByRole("region", { name: "2 providers in one area" });
    expect(within(listed).getAllByRole("article")).toHaveLength(2);
    fireEvent.click(group);
    expect(group.getAttribute("aria-pressed")).toBe("true");
    expect(document.activeElement).toBe(listed);
  });

  it("draws the hub's tiles with their credit, frames every marker and shows a scale", async () => {
    renderWithApp(<MapPage />, { routes: { "/api/config": OSM, "/api/sites": street } });
    await screen.findByTestId("map-group-a-street");
    const map = FakeMap.last()!;
    expect(map.style.sources.tiles).toMatchObject({ type: "raster", tiles: [OSM.map.tiles] });
    expect(map.camera).toEqual({ bounds: [[9.15, 51.3282], [9.17, 51.34]] });
    const frame = screen.getByTestId("provider-map");
    expect(frame.getAttribute("aria-label")).toBe("Map of 4 providers at 3 places");
    expect(frame.textContent).toContain("© OpenStreetMap contributors");
    expect(frame.querySelector(".maplibregl-ctrl-scale")).not.toBeNull();
  });

  it("without tiles from the hub still shows the markers and a scale, and fetches no tiles", async () => {
    renderWithApp(<MapPage />, { routes: { "/api/config": { map: { tiles: null, attribution: null } }, "/api/sites": street } });
    await screen.findByTestId("map-group-a-street");
    const map = FakeMap.last()!;
    expect(map.style.sources).toEqual({});
    expect(screen.getByTestId("provider-map").querySelector(".maplibregl-ctrl-scale")).not.toBeNull();
    expect(screen.getAllByRole("button", { name: /Show in the list/ })).toHaveLength(3);
  });

  it("reads in Korean, markers and the map's own controls included", async () => {
    renderWithApp(<MapPage />, { routes: { "/api/config": OSM, "/api/sites": street } });
    await screen.findByTestId("map-group-a-street");
    await act(() => i18n.changeLanguage("ko"));
    expect(await screen.findByRole("heading", { name: "공급자", level: 1 })).toBeTruthy();
    expect(screen.getByTestId("map-group-a-street").textContent).toContain("공급자 2곳");
    expect(screen.getByTestId("provider-a-street").textContent).toContain("약 0.4 km 거리");
    expect(screen.getByTestId("provider-far-farm").textContent).toContain("풍력");
    expect(FakeMap.last()!.options.locale).toMatchObject({ "NavigationControl.ZoomIn": "확대", "Map.Title": "지도" });
  });

  it("says per provider what it offers now and from what price, in the chosen language", async () => {
    const interval = (start: string, energy_wh: number, min_price_per_kwh: string | null) => ({ start, energy_wh, min_price_per_kwh });
    const answer = {
      community: "demo",
      currency: "EUR",
      now: "2026-06-21T10:07:00Z",
      providers: [
        {
          site: "far-farm",
          name: "",
          kind: "provider",
          mine: false,
          sources: ["wind"],
          location: { lat: 51.34, lon: 9.15 },
          on_offer: [interval("2026-06-21T10:00:00Z", 1500, "0.1250"), interval("2026-06-21T10:15:00Z", 400, "0.1100")],
          min_price_per_kwh: "0.1100",
        },
        {
          site: "a-street",
          name: "",
          kind: "provider",
          mine: false,
          sources: ["solar"],
          location: { lat: 51.33, lon: 9.17 },
          on_offer: [interval("2026-06-21T10:00:00Z", 0, null), interval("2026-06-21T10:15:00Z", 0, null)],
          min_price_per_kwh: null,
        },
      ],
    };
    renderWithApp(<MapPage />, { routes: { "/api/config": OSM, "/api/sites": street, "/api/communities/demo/providers": answer } });
    const farm = await screen.findByTestId("provider-far-farm-offer");
    expect(farm.textContent).toBe("1.5 kWh on offer now · 0.4 kWh in the next interval · from €0.1100/kWh");
    expect(screen.getByTestId("provider-a-street-offer").textContent).toBe("Nothing on offer now");
    expect(screen.queryByTestId("provider-b-street-offer")).toBeNull(); // not in the hub's answer: nothing claimed
    // The marker says it too: in its tooltip, and beside it once selected.
    const marker = screen.getByTestId("map-site-far-farm");
    expect(marker.getAttribute("title")).toContain("1.5 kWh on offer now");
    expect(screen.queryByTestId("map-site-far-farm-offer")).toBeNull();
    fireEvent.click(marker);
    expect(screen.getByTestId("map-site-far-farm-offer").textContent).toBe(farm.textContent);
    await act(() => i18n.changeLanguage("ko"));
    expect((await screen.findByTestId("provider-far-farm-offer")).textContent).toBe("지금 1.5 kWh 판매 중 · 다음 구간 0.4 kWh · €0.1100/kWh부터");
  });
});
