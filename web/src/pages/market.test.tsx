import { act, fireEvent, screen, within } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { Toasts } from "../components/Notifications/Toasts";
import { i18n } from "../i18n";
import { FakeWebSocket } from "../test/FakeWebSocket";
import type { StandingOrder } from "../api/types";
import { intervalResult, json, marketOverview, request, site, stubFetch, transaction } from "../test/fixtures";
import { renderWithApp } from "../test/render";
import { MarketPage } from "./MarketPage";
import { NotificationsPage } from "./NotificationsPage";

beforeEach(() => FakeWebSocket.reset());
afterEach(() => vi.unstubAllGlobals());

const HYBRID = { ...site("alpha", { pv_w: 3000 }), name: "Alpha", kind: "hybrid", mine: true, assets: [{ kind: "solar", power_kw: 5 }] };
const CONSUMER = { ...site("cara", { load_w: 500 }), name: "Cara", kind: "consumer", mine: true, assets: [] };
const PROVIDER = {
  ...site("pv-farm", { pv_w: 9000 }),
  name: "PV farm",
  kind: "provider",
  mine: true,
  assets: [
    { kind: "solar", power_kw: 20 },
    { kind: "battery", power_kw: 5, energy_kwh: 10 },
  ],
};
const NEIGHBOUR = { ...site("am-markt-3", null), name: "Am Markt 3", kind: "provider", mine: false };
const NEIGHBOUR_2 = { ...site("bergweg-7", null), name: "Bergweg 7", kind: "hybrid", mine: false };
const COMMUNITY = { id: "demo", name: "Demo", currency: "EUR", retail_price_per_kwh: "0.3000", feed_in_price_per_kwh: "0.0800" };
const MARKET = "/api/communities/demo/market";

const openForm = async (name: RegExp | string = "New order") => {
  fireEvent.click(await screen.findByRole("button", { name }));
  return screen.findByRole("form");
};

describe("posting to the market", () => {
  it("posts a request in Wh with a decimal price and lists it", async () => {
    const posted: Array<Record<string, unknown>> = [];
    const requests: unknown[] = [];
    renderWithApp(
      <>
        <MarketPage />
        <Toasts />
      </>,
      {
        routes: {
          "/api/sites": [HYBRID, NEIGHBOUR, NEIGHBOUR_2],
          "/api/communities": [COMMUNITY],
          [MARKET]: marketOverview(),
          "/api/requests": () => json(requests),
          "POST /api/requests": (init) => {
            const body = JSON.parse(String(init?.body)) as Record<string, unknown>;
            posted.push(body);
            requests.push(request({ id: 5, ...body, energy_wh: 2500 }));
            return json(requests.at(-1), 201);
          },
        },
      },
    );
    await screen.findByText("No requests yet");
    await screen.findByTestId("market-summary");
    const form = await openForm();
    expect(form.getAttribute("aria-labelledby")).toBeTruthy();
    expect(within(form).getByRole("heading", { name: "Request energy" })).toBeTruthy();
    // A hybrid site may do both; the market's retail price is the default most one pays.
    expect(within(form).getByRole("radio", { name: "Buy energy (request)" })).toBeTruthy();
    expect(within(form).getByRole("radio", { name: "Sell energy (offer)" })).toBeTruthy();
    const price = within(form).getByLabelText(/highest price per kwh \(EUR\)/i) as HTMLInputElement;
    expect(price.value).toBe("0.3000");
    expect(within(form).getByText("Between €0.0800/kWh and €0.3000/kWh")).toBeTruthy();
    fireEvent.change(within(form).getByLabelText(/energy over the whole window/i), { target: { value: "2.5" } });
    fireEvent.change(price, { target: { value: "0.25" } });
    fireEvent.change(within(form).getByLabelText("Urgency"), { target: { value: "critical" } });
    expect(within(form).getByText(/matched at once/)).toBeTruthy();
    fireEvent.click(within(form).getByLabelText("Only solar or wind energy"));
    fireEvent.change(within(form).getByLabelText(/maximum distance/i), { target: { value: "2" } });
    const preferred = within(form).getByRole("group", { name: "Prefer these neighbours" });
    const excluded = within(form).getByRole("group", { name: "Never buy from" });
    // The site itself is nobody's partner: only the neighbours are offered.
    expect(within(preferred).getAllByRole("checkbox").map((box) => box.parentElement?.textContent?.trim())).toEqual(["Am Markt 3", "Bergweg 7"]);
    fireEvent.click(within(excluded).getByRole("checkbox", { name: "Am Markt 3" }));
    fireEvent.click(within(preferred).getByRole("checkbox", { name: "Am Markt 3" }));
    fireEvent.change(within(form).getByLabelText("From"), { target: { value: "2026-01-05T18:00" } });
    fireEvent.change(within(form).getByLabelText("Until"), { target: { value: "2026-01-05T20:00" } });
    fireEvent.click(within(form).getByRole("button", { name: "Post request" }));
    expect(within(preferred).getByRole("alert").textContent).toBe("A neighbour can't be both preferred and excluded.");
    expect(posted).toEqual([]);
    fireEvent.click(within(preferred).getByRole("checkbox", { name: "Am Markt 3" }));
    fireEvent.click(within(preferred).getByRole("checkbox", { name: "Bergweg 7" }));
    fireEvent.click(within(form).getByRole("button", { name: "Post request" }));

    const card = await screen.findByTestId("request-5");
    expect(card.textContent).toContain("You need");
    expect(card.textContent).toContain("for Alpha");
    expect(card.textContent).toContain("2.5 kWh");
    expect(card.textContent).toContain("critical");
    await vi.waitFor(() => expect(card.textContent).toContain("up to €0.2500/kWh"));
    expect(card.textContent).toContain("Green only");
    expect(card.textContent).toContain("not from Am Markt 3");
    expect(card.textContent).toContain("preferring Bergweg 7");
    expect(within(card).getByText("Waiting for a match")).toBeTruthy();
    expect(within(card).getByTestId("explanation").textContent).toBe("Waiting for the next market clearing");
    expect(posted).toEqual([
      {
        site: "alpha",
        energy_wh: 2500,
        window_start: new Date("2026-01-05T18:00").toISOString(),
        window_end: new Date("2026-01-05T20:00").toISOString(),
        urgency: "critical",
        max_price: "0.2500",
        green_only: true,
        max_distance_km: 2,
        preferred_partners: ["bergweg-7"],
        excluded_partners: ["am-markt-3"],
      },
    ]);
    expect(screen.queryByRole("form")).toBeNull();
    expect(screen.getByText("Request posted")).toBeTruthy();
  });

  it("offers a consumer site only requests and a provider site only offers, from its own sources", async () => {
    renderWithApp(<MarketPage />, {
      routes: { "/api/sites": [CONSUMER, PROVIDER], [MARKET]: marketOverview(), "/api/requests": [], "/api/offers": [] },
    });
    const form = await openForm();
    expect(within(form).getByTestId("order-kind-only").textContent).toBe("This site may only buy energy.");
    expect(within(form).queryByRole("radio")).toBeNull();
    expect(within(form).getByRole("heading", { name: "Request energy" })).toBeTruthy();
    expect(within(form).getByLabelText("Urgency")).toBeTruthy();

    fireEvent.change(within(form).getByLabelText("Site"), { target: { value: "pv-farm" } });
    expect(within(form).getByTestId("order-kind-only").textContent).toBe("This site may only sell energy.");
    expect(within(form).getByRole("heading", { name: "Offer energy" })).toBeTruthy();
    expect(within(form).queryByLabelText("Urgency")).toBeNull();
    const source = within(form).getByLabelText("Source") as HTMLSelectElement;
    expect(Array.from(source.options).map((o) => o.value)).toEqual(["solar", "battery"]);
    expect((within(form).getByLabelText(/lowest price per kwh/i) as HTMLInputElement).value).toBe("0.0800");
  });

  it("checks amount and price before posting and shows the hub's field errors at their field", async () => {
    const post = vi.fn(() => json({ detail: [{ loc: ["body", "min_price"], msg: "must lie in the corridor", type: "value_error" }] }, 422));
    renderWithApp(<MarketPage />, {
      routes: { "/api/sites": [PROVIDER], [MARKET]: marketOverview(), "/api/offers": [], "/api/requests": [], "POST /api/offers": post },
    });
    const form = await openForm();
    const energy = within(form).getByLabelText(/energy in each interval/i);
    const price = within(form).getByLabelText(/lowest price per kwh/i);
    fireEvent.change(energy, { target: { value: "1.0005" } });
    fireEvent.change(price, { target: { value: "0.12345" } });
    fireEvent.change(within(form).getByLabelText("From"), { target: { value: "2026-01-05T20:00" } });
    fireEvent.change(within(form).getByLabelText("Until"), { target: { value: "2026-01-05T18:00" } });
    fireEvent.click(within(form).getByRole("button", { name: "Post offer" }));
    expect(within(form).getByText("Enter kWh as a number with at most 3 decimals, e.g. 2.5.")).toBeTruthy();
    expect(within(form).getByText("At most 4 decimals.")).toBeTruthy();
    expect(within(form).getByText("The end must be after the start.")).toBeTruthy();
    expect(price.getAttribute("aria-invalid")).toBe("true");

    fireEvent.change(price, { target: { value: "0.5" } });
    fireEvent.click(within(form).getByRole("button", { name: "Post offer" }));
    expect(within(form).getByText("Not above the retail price.")).toBeTruthy();
    expect(post).not.toHaveBeenCalled();

    fireEvent.change(energy, { target: { value: "1.5" } });
    fireEvent.change(price, { target: { value: "0.1" } });
    fireEvent.change(within(form).getByLabelText("Until"), { target: { value: "2026-01-05T22:00" } });
    fireEvent.click(within(form).getByRole("button", { name: "Post offer" }));
    const message = await within(form).findByText("must lie in the corridor");
    // Beside the price input, described by it.
    expect(price.getAttribute("aria-describedby")).toContain(message.id);
    expect(post).toHaveBeenCalledTimes(1);
    expect(JSON.parse(String((post.mock.calls[0] as unknown as [RequestInit])[0]?.body))).toMatchObject({ energy_wh: 1500, min_price: "0.1000", source: "solar" });
  });

  it("words the hub's corridor refusal with its prices in the community's currency, in English and Korean", async () => {
    // The page's corridor is out of date (0.0500): the form lets 0.0600 through and the hub refuses it.
    const refusal = {
      loc: ["body", "min_price"],
      msg: "must lie in the community's corridor: between the feed-in price 0.0800 and the retail price 0.3000 per kWh (got 0.0600)",
      type: "price_outside_corridor",
      ctx: { low: "0.0800", high: "0.3000", price: "0.0600" },
    };
    renderWithApp(<MarketPage />, {
      routes: {
        "/api/sites": [PROVIDER],
        "/api/communities": [COMMUNITY],
        [MARKET]: marketOverview({ feed_in_price: "0.0500" }),
        "/api/offers": [],
        "/api/requests": [],
        "POST /api/offers": () => json({ detail: [refusal] }, 422),
      },
    });
    const form = await openForm();
    const price = within(form).getByLabelText(/lowest price per kwh/i);
    fireEvent.change(price, { target: { value: "0.0600" } });
    fireEvent.click(within(form).getByRole("button", { name: "Post offer" }));

    const message = await within(form).findByText("Must lie between the feed-in price €0.0800 and the retail price €0.3000 per kWh.");
    expect(price.getAttribute("aria-describedby")).toContain(message.id);
    await act(() => i18n.changeLanguage("ko"));
    expect(within(form).getByText("kWh당 역송 단가 €0.0800와(과) 소매 단가 €0.3000 사이여야 합니다.")).toBeTruthy();
  });

  it("offers no posting without a site of one's own", async () => {
    renderWithApp(<MarketPage />, { routes: { "/api/sites": [{ ...site("x", null), mine: false }], "/api/requests": [] } });
    await screen.findByText("No requests yet");
    expect(screen.queryByRole("button", { name: "New order" })).toBeNull();
  });

  it("cancels the user's own open request and shows filled and grid amounts", async () => {
    let status: "open" | "cancelled" = "open";
    const cancel = vi.fn(() => {
      status = "cancelled";
      return json(request({ id: 5, status }));
    });
    renderWithApp(<MarketPage />, {
      routes: {
        "/api/requests": () =>
          json([
            request({ id: 5, status }),
            request({ id: 6, site: null, mine: false, status: "partly_matched", filled_wh: 1500, grid_wh: 500 }),
          ]),
        "POST /api/requests/5/cancel": cancel,
      },
    });
    const own = await screen.findByTestId("request-5");
    const theirs = screen.getByTestId("request-6");
    expect(within(theirs).queryByRole("button")).toBeNull();
    expect(theirs.textContent).toContain("A neighbour needs");
    expect(theirs.textContent).toContain("Neighbours: 1.5 kWh · Grid: 0.5 kWh");
    fireEvent.click(within(own).getByRole("button", { name: "Cancel request" }));
    await vi.waitFor(() => expect(screen.getByTestId("request-5").textContent).toContain("Cancelled"));
    expect(screen.getByTestId("request-5").textContent).not.toContain("Waiting for the next market clearing");
    expect(cancel).toHaveBeenCalledTimes(1);
  });
});

describe("answering a neighbour's request", () => {
  const hours = (h: number) => new Date(Date.now() + h * 3_600_000).toISOString();
  const theirs = request({ id: 21, site: null, mine: false, energy_wh: 2000, filled_wh: 500, window_start: hours(1), window_end: hours(3) });

  it("offers what it still lacks in one tap, from the provider's site at the feed-in price", async () => {
    const post = vi.fn((init?: RequestInit) => json({ ...JSON.parse(String(init?.body)), id: 99 }, 201));
    renderWithApp(
      <>
        <MarketPage />
        <Toasts />
      </>,
      { routes: { "/api/sites": [PROVIDER], [MARKET]: marketOverview(), "/api/offers": [], "/api/requests": [theirs], "POST /api/offers": post } },
    );
    const card = await screen.findByTestId("request-21");
    expect(within(card).getByText("from PV farm, at the feed-in price")).toBeTruthy();
    fireEvent.click(await within(card).findByRole("button", { name: "Offer 1.5 kWh" }));
    expect(await within(card).findByRole("status")).toHaveProperty("textContent", "Offer posted: the market matches it at the next gate.");
    expect(post).toHaveBeenCalledTimes(1);
    expect(JSON.parse(String((post.mock.calls[0] as unknown as [RequestInit])[0]?.body))).toEqual({
      site: "pv-farm",
      energy_wh: 1500,
      window_start: new Date(Date.parse(theirs.window_start)).toISOString(),
      window_end: theirs.window_end,
      min_price: "0.0800",
      source: "solar",
    });
  });

  it("shows a consumer no offer button", async () => {
    renderWithApp(<MarketPage />, { routes: { "/api/sites": [CONSUMER], [MARKET]: marketOverview(), "/api/offers": [], "/api/requests": [theirs] } });
    const card = await screen.findByTestId("request-21");
    expect(within(card).queryByRole("button", { name: /^Offer/ })).toBeNull();
  });

  it("reads in Korean", async () => {
    renderWithApp(<MarketPage />, { routes: { "/api/sites": [PROVIDER], [MARKET]: marketOverview(), "/api/offers": [], "/api/requests": [theirs] } });
    await screen.findByTestId("request-21");
    await act(() => i18n.changeLanguage("ko"));
    expect(await screen.findByRole("button", { name: "1.5 kWh 제안하기" })).toBeTruthy();
  });
});

describe("market explanations", () => {
  it("shows why an order was matched, naming the partner site", async () => {
    renderWithApp(<MarketPage />, {
      routes: {
        "/api/sites": [HYBRID, NEIGHBOUR],
        "/api/communities": [COMMUNITY],
        "/api/requests": [
          request({
            id: 8,
            energy_wh: 2400,
            status: "matched",
            filled_wh: 2400,
            explanation: {
              code: "matched",
              params: { energy_wh: 2400, energy_price: "0.1800", fee: "0.0100", price: "0.1900", partners: ["am-markt-3"] },
              rest: null,
            },
          }),
          request({ id: 9, explanation: { code: "from_the_future", params: {} } }),
        ],
      },
    });
    const matched = await screen.findByTestId("request-8");
    await vi.waitFor(() =>
      expect(within(matched).getByTestId("explanation").textContent).toBe(
        "Matched 2.4 kWh with Am Markt 3: €0.1800 energy + €0.0100 grid fee = €0.1900 per kWh",
      ),
    );
    expect(within(screen.getByTestId("request-9")).getByTestId("explanation").textContent).toContain("from_the_future");
  });

  it("explains in Korean", async () => {
    await i18n.changeLanguage("ko");
    renderWithApp(<MarketPage />, {
      routes: {
        "/api/sites": [HYBRID],
        "/api/communities": [COMMUNITY],
        "/api/requests": [request({ id: 8, explanation: { code: "no_offer", params: { grid_wh: 2000, grid_price: "0.3000" } } })],
      },
    });
    const card = await screen.findByTestId("request-8");
    expect(within(card).getByTestId("explanation").textContent).toContain("이 시간대에 이웃의 제안이 없었습니다.");
    expect(card.textContent).toContain("내 요청");
    expect(card.textContent).toContain("보통"); // urgency normal
  });
});

describe("the market summary", () => {
  it("shows the latest clearing and updates it from a market_result event", async () => {
    renderWithApp(<MarketPage />, {
      routes: { "/api/sites": [HYBRID], "/api/communities": [COMMUNITY], [MARKET]: marketOverview(), "/api/requests": [] },
    });
    const summary = await screen.findByTestId("market-summary");
    expect(within(summary).getByTestId("next-gate").textContent).toMatch(/^\d+:\d\d$/);
    expect(within(summary).getByTestId("result-price").textContent).toBe("€0.1800/kWh");
    expect(within(summary).getByTestId("result-volume").textContent).toBe("1.5 kWh");
    expect(within(summary).getByTestId("result-share").textContent).toBe("75%");

    act(() => {
      FakeWebSocket.latest().open();
      FakeWebSocket.latest().send({
        type: "market_result",
        community: "demo",
        site: null,
        result: intervalResult({ start: "2026-01-05T12:00:00Z", end: "2026-01-05T12:15:00Z", price: "0.2100", volume_wh: 4200, trades: 5, community_share: 0.9 }),
      });
    });
    await vi.waitFor(() => expect(within(summary).getByTestId("result-price").textContent).toBe("€0.2100/kWh"));
    expect(within(summary).getByTestId("result-volume").textContent).toBe("4.2 kWh");
    expect(within(summary).getByTestId("result-trades").textContent).toBe("5");
    expect(within(summary).getByTestId("result-share").textContent).toBe("90%");
    expect(within(summary).getByText("Earlier intervals")).toBeTruthy();
  });

  it("lists the user's trades with energy price + fee = buyer price, and adds live ones", async () => {
    renderWithApp(<MarketPage />, {
      routes: {
        "/api/sites": [HYBRID, NEIGHBOUR],
        "/api/communities": [COMMUNITY],
        "/api/requests": [],
        "/api/transactions": [transaction({ id: 3, seller_site_id: "am-markt-3", buyer_site_id: "alpha" })],
      },
    });
    const trade = await screen.findByTestId("transaction-3");
    await vi.waitFor(() => expect(trade.textContent).toContain("Am Markt 3 → Alpha"));
    await vi.waitFor(() => expect(within(trade).getByTestId("transaction-price").textContent).toBe("€0.1800 energy + €0.0100 fee = €0.1900 per kWh"));

    act(() => {
      FakeWebSocket.latest().open();
      FakeWebSocket.latest().send({ type: "transaction", community: "demo", site: null, transaction: transaction({ id: 4, energy_price: "0.2000", fee: "0.0300", buyer_price: "0.2300" }) });
    });
    const live = await screen.findByTestId("transaction-4");
    expect(within(live).getByTestId("transaction-price").textContent).toBe("€0.2000 energy + €0.0300 fee = €0.2300 per kWh");
  });

  it("upserts order events by id, keeping the owner's view over the public copy", async () => {
    renderWithApp(<MarketPage />, {
      routes: { "/api/sites": [HYBRID], "/api/requests": [request({ id: 5 })] },
    });
    await screen.findByTestId("request-5");
    act(() => {
      const socket = FakeWebSocket.latest();
      socket.open();
      socket.send({ type: "request", community: "demo", site: null, request: request({ id: 5, site: null, mine: false, status: "partly_matched", filled_wh: 1000 }) });
      socket.send({ type: "request", community: "demo", site: null, request: request({ id: 6, site: null, mine: false }) });
    });
    await vi.waitFor(() => expect(screen.getByTestId("request-5").textContent).toContain("Partly matched"));
    expect(screen.getByTestId("request-5").textContent).toContain("You need");
    expect(screen.getByTestId("request-6").textContent).toContain("A neighbour needs");
  });
});

describe("the order lists", () => {
  it("shows the neighbours' book plus one's own (finished ones too), newest first, and finished neighbours' on request", async () => {
    const at = (minute: number) => `2026-01-05T12:${String(minute).padStart(2, "0")}:00Z`;
    const lists: Record<string, unknown> = {
      "/api/requests?active=true": [request({ id: 10, site: null, mine: false, created_at: at(30) }), request({ id: 6, created_at: at(20) })],
      "/api/requests?mine=true": [
        request({ id: 6, created_at: at(20) }),
        request({ id: 5, status: "matched", filled_wh: 2000, created_at: at(10), explanation: { code: "no_offer", params: { grid_wh: 2000, grid_price: "0.3000" } } }),
      ],
      "/api/requests": [request({ id: 11, site: null, mine: false, status: "matched", created_at: at(40) }), request({ id: 10, site: null, mine: false, created_at: at(30) })],
    };
    const routes = stubFetch({ "/api/sites": [HYBRID] });
    renderWithApp(<MarketPage />, {
      fetch: (input, init) => {
        const url = String(input);
        return url in lists ? Promise.resolve(json(lists[url])) : routes(input, init);
      },
    });
    await screen.findByRole("list", { name: "Energy requests" });
    const ids = () => within(screen.getByRole("list", { name: "Energy requests" })).getAllByTestId(/^request-/).map((el) => el.dataset.testid);
    await vi.waitFor(() => expect(ids()).toEqual(["request-10", "request-6", "request-5"]));
    expect(within(screen.getByTestId("request-5")).getByTestId("explanation").textContent).toContain("No neighbour offered energy");

    fireEvent.click(screen.getByRole("checkbox", { name: "Show finished neighbours' orders" }));
    await vi.waitFor(() => expect(ids()).toEqual(["request-11", "request-10", "request-6", "request-5"]));
    fireEvent.click(screen.getByRole("checkbox", { name: "Show finished neighbours' orders" }));
    await vi.waitFor(() => expect(ids()).toEqual(["request-10", "request-6", "request-5"]));

    act(() => {
      const socket = FakeWebSocket.latest();
      socket.open();
      // A neighbour's order matched leaves the view; one's own cancelled stays; a new one shows up.
      socket.send({ type: "request", community: "demo", site: null, request: request({ id: 10, site: null, mine: false, status: "matched", created_at: at(30) }) });
      socket.send({ type: "request", community: "demo", site: "alpha", request: request({ id: 6, status: "cancelled", created_at: at(20) }) });
      socket.send({ type: "request", community: "demo", site: null, request: request({ id: 12, site: null, mine: false, created_at: at(50) }) });
    });
    await vi.waitFor(() => expect(ids()).toEqual(["request-12", "request-6", "request-5"]));
    expect(screen.getByTestId("request-6").textContent).toContain("Cancelled");
  });
});

describe("standing orders", () => {
  it("lists, adds and deletes a site's standing orders, offering only the kinds it may keep", async () => {
    let orders: StandingOrder[] = [{ id: 1, site: "pv-farm", kind: "sell_surplus", price: "0.1000", min_soc_pct: null, from_hour: null, to_hour: null, active: true, created_at: "2026-01-01T00:00:00Z" }];
    const created: unknown[] = [];
    renderWithApp(<MarketPage />, {
      routes: {
        "/api/sites": [PROVIDER, CONSUMER],
        [MARKET]: marketOverview(),
        "/api/requests": [],
        "/api/sites/pv-farm/standing-orders": () => json(orders),
        "/api/sites/cara/standing-orders": [],
        "POST /api/sites/pv-farm/standing-orders": (init) => {
          const body = JSON.parse(String(init?.body)) as Record<string, unknown>;
          created.push(body);
          orders = [...orders, { ...orders[0]!, id: 2, kind: "sell_battery", price: String(body.price), min_soc_pct: 40, from_hour: 17, to_hour: 22 }];
          return json(orders.at(-1), 201);
        },
        "DELETE /api/standing-orders/1": () => {
          orders = orders.filter((o) => o.id !== 1);
          return new Response(null, { status: 204 });
        },
      },
    });
    const farm = await screen.findByTestId("standing-site-pv-farm");
    expect((await within(farm).findByTestId("standing-1")).textContent).toBe("Sell solar surplus · at least €0.1000/kWhDelete");
    const cara = screen.getByTestId("standing-site-cara");
    fireEvent.click(within(cara).getByRole("button", { name: "Add standing order" }));
    const caraKinds = within(cara).getByLabelText("Kind") as HTMLSelectElement;
    expect(Array.from(caraKinds.options).map((o) => o.value)).toEqual(["buy_deficit"]);

    fireEvent.click(within(farm).getByRole("button", { name: "Add standing order" }));
    const kinds = within(farm).getByLabelText("Kind") as HTMLSelectElement;
    expect(Array.from(kinds.options).map((o) => o.value)).toEqual(["sell_surplus", "sell_battery"]);
    fireEvent.change(kinds, { target: { value: "sell_battery" } });
    fireEvent.change(within(farm).getByLabelText("Keep at least (%)"), { target: { value: "40" } });
    fireEvent.change(within(farm).getByLabelText(/lowest price/i), { target: { value: "0.12" } });
    fireEvent.click(within(farm).getByRole("button", { name: "Save standing order" }));
    expect((await within(farm).findByTestId("standing-2")).textContent).toContain("keeps 40%");
    expect(created).toEqual([{ kind: "sell_battery", price: "0.1200", min_soc_pct: 40, from_hour: 17, to_hour: 22, active: true }]);

    fireEvent.click(within(farm).getByRole("button", { name: "Delete standing order Sell solar surplus" }));
    await vi.waitFor(() => expect(within(farm).queryByTestId("standing-1")).toBeNull());
  });
});

describe("notifications page", () => {
  it("marks one and then all notifications as read", async () => {
    const read = new Set<number>();
    renderWithApp(<NotificationsPage />, {
      routes: {
        "/api/notifications": () =>
          json(
            [1, 2].map((id) => ({ id, kind: "match", title: `Note ${id}`, body: "", created_at: "2026-01-01T10:00:00Z", read_at: read.has(id) ? "x" : null })),
          ),
        "POST /api/notifications/1/read": () => {
          read.add(1);
          return json({});
        },
        "POST /api/notifications/read-all": () => {
          read.add(2);
          return json({ updated: 1 });
        },
      },
    });
    const first = await screen.findByTestId("notification-1");
    fireEvent.click(within(first).getByRole("button", { name: "Mark as read" }));
    await vi.waitFor(() => expect(within(screen.getByTestId("notification-1")).queryByRole("button")).toBeNull());
    fireEvent.click(screen.getByRole("button", { name: "Mark all as read" }));
    await vi.waitFor(() => expect(screen.queryByRole("button", { name: "Mark all as read" })).toBeNull());
  });
});
