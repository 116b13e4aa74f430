/** Every page, signed in and in Korean, shows no English interface word (a guard for texts left outside the catalogues). */
import { screen } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { i18n } from "../i18n";
import { PAGES } from "../routes";
import { englishLeft } from "../test/englishLeft";
import { FakeWebSocket } from "../test/FakeWebSocket";
import { communityStats, json, offer, request, site, transaction } from "../test/fixtures";
import { renderApp } from "../test/render";

beforeEach(() => FakeWebSocket.reset());
afterEach(() => vi.unstubAllGlobals());

const ADA = { id: 1, email: "ada@example.org", role: "resident", display_name: "Ada", community: "demo", sites: ["alpha"] };
// Data, not interface: the resident, the sites' and community's ids.
const DATA = ["Ada", "ada", "example", "org", "alpha", "gamma", "demo", "Demo"];

const ROUTES = {
  "/api/session": () => json({ user: ADA }),
  "/api/sites": [site("alpha", { pv_w: 3000, load_w: 1000, grid_w: -1500 }), site("gamma", null)],
  "/api/requests": [request({ id: 1, site: "gamma", mine: false, energy_wh: 2000 })],
  "/api/offers": [offer({ id: 7, site: "alpha", mine: true, energy_wh: 3500 })],
  "/api/transactions": [transaction({ id: 1, seller_site_id: "alpha", buyer_site_id: "gamma", energy_wh: 500 })],
  "/api/notifications": [],
  "/api/communities": [{ id: "demo", name: "Demo", currency: "EUR" }],
  "/api/health": { status: "ok", ingest: { accepted: 12, duplicates: 1, rejected: {} } },
  "/api/communities/demo/stats": communityStats(),
};

describe("every page in Korean", () => {
  it.each(PAGES.map((page) => [page.path, page] as const))("%s", async (path) => {
    await i18n.changeLanguage("ko");
    const { container } = renderApp({ path, routes: ROUTES });
    await screen.findByRole("heading", { level: 1 });
    await vi.waitFor(() => expect(container.querySelector(".loading")).toBeNull(), { timeout: 3000 });
    expect(englishLeft(container, DATA)).toEqual([]);
  });
});
