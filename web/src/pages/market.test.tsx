import { fireEvent, screen, within } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { Toasts } from "../components/Notifications/Toasts";
import { FakeWebSocket } from "../test/FakeWebSocket";
import { json, site } from "../test/fixtures";
import { renderWithApp } from "../test/render";
import { MarketPage } from "./MarketPage";
import { NotificationsPage } from "./NotificationsPage";

beforeEach(() => FakeWebSocket.reset());
afterEach(() => vi.unstubAllGlobals());

const OWN = { ...site("alpha", { pv_w: 3000 }), mine: true };
const COMMUNITY = { id: "demo", name: "Demo", currency: "EUR", retail_price_per_kwh: 0.3, feed_in_price_per_kwh: 0.08 };

describe("posting to the market", () => {
  it("posts a request from the user's site and lists it", async () => {
    const posted: Array<Record<string, unknown>> = [];
    const requests: unknown[] = [];
    renderWithApp(
      <>
        <MarketPage />
        <Toasts />
      </>,
      {
        routes: {
          "/api/sites": [OWN],
          "/api/communities": [COMMUNITY],
          "/api/requests": () => json(requests),
          "POST /api/requests": (init) => {
            const body = JSON.parse(String(init?.body)) as Record<string, unknown>;
            posted.push(body);
            requests.push({ id: 5, community: "demo", site: "alpha", mine: true, status: "open", ...body });
            return json(requests.at(-1), 201);
          },
        },
      },
    );
    await screen.findByText("No requests yet");
    fireEvent.click(await screen.findByRole("button", { name: "New request" }));
    const form = screen.getByRole("form", { name: "Request energy" });
    // Defaults: the community's retail price as the most the user pays.
    expect((within(form).getByLabelText(/highest price per kwh \(EUR\)/i) as HTMLInputElement).value).toBe("0.3");
    fireEvent.change(within(form).getByLabelText(/amount/i), { target: { value: "3.5" } });
    fireEvent.change(within(form).getByLabelText("Urgency"), { target: { value: "high" } });
    fireEvent.change(within(form).getByLabelText("From"), { target: { value: "2026-01-05T18:00" } });
    fireEvent.change(within(form).getByLabelText("Until"), { target: { value: "2026-01-05T20:00" } });
    fireEvent.click(within(form).getByRole("button", { name: "Post request" }));

    const card = await screen.findByTestId("request-5");
    expect(card.textContent).toContain("You need");
    expect(card.textContent).toContain("for alpha");
    expect(card.textContent).toContain("3.50 kWh");
    // Not through a market clearing yet: say so instead of a bare "open".
    expect(within(card).getByText("Waiting for a match")).toBeTruthy();
    expect(within(card).getByTestId("explanation").textContent).toBe("Waiting for the next market clearing");
    expect(posted).toEqual([
      {
        site: "alpha",
        amount_kwh: 3.5,
        window_start: new Date("2026-01-05T18:00").toISOString(),
        window_end: new Date("2026-01-05T20:00").toISOString(),
        urgency: "high",
        max_price_per_kwh: 0.3,
      },
    ]);
    expect(screen.queryByRole("form", { name: "Request energy" })).toBeNull();
    expect(screen.getByText("Request posted")).toBeTruthy();
  });

  it("checks the form before posting and shows the hub's field errors", async () => {
    const post = vi.fn(() => json({ detail: [{ loc: ["body", "min_price_per_kwh"], msg: "too cheap", type: "value_error" }] }, 422));
    renderWithApp(<MarketPage />, {
      routes: { "/api/sites": [OWN], "/api/offers": [], "POST /api/offers": post },
    });
    fireEvent.click(await screen.findByRole("tab", { name: "Offers" }));
    fireEvent.click(await screen.findByRole("button", { name: "New offer" }));
    const form = screen.getByRole("form", { name: "Offer energy" });
    fireEvent.change(within(form).getByLabelText("From"), { target: { value: "2026-01-05T20:00" } });
    fireEvent.change(within(form).getByLabelText("Until"), { target: { value: "2026-01-05T18:00" } });
    fireEvent.click(within(form).getByRole("button", { name: "Post offer" }));
    expect(within(form).getByText("The end must be after the start.")).toBeTruthy();
    expect(within(form).getByText("Enter a price of 0 or more.")).toBeTruthy(); // no tariff known, no default
    expect(post).not.toHaveBeenCalled();

    fireEvent.change(within(form).getByLabelText("Until"), { target: { value: "2026-01-05T22:00" } });
    fireEvent.change(within(form).getByLabelText(/lowest price/i), { target: { value: "0.01" } });
    fireEvent.click(within(form).getByRole("button", { name: "Post offer" }));
    expect(await within(form).findByText("too cheap")).toBeTruthy();
  });

  it("offers no posting without a site of one's own", async () => {
    renderWithApp(<MarketPage />, { routes: { "/api/sites": [{ ...site("x", null), mine: false }], "/api/requests": [] } });
    await screen.findByText("No requests yet");
    expect(screen.queryByRole("button", { name: "New request" })).toBeNull();
  });

  it("cancels the user's own open request", async () => {
    let status = "open";
    const cancel = vi.fn(() => {
      status = "cancelled";
      return json({ id: 5, status });
    });
    renderWithApp(<MarketPage />, {
      routes: {
        "/api/requests": () =>
          json([
            { id: 5, site: "alpha", mine: true, amount_kwh: 2, status },
            { id: 6, site: null, mine: false, amount_kwh: 1, status: "open" },
          ]),
        "POST /api/requests/5/cancel": cancel,
      },
    });
    const own = await screen.findByTestId("request-5");
    expect(within(screen.getByTestId("request-6")).queryByRole("button")).toBeNull();
    expect(screen.getByTestId("request-6").textContent).toContain("A neighbour needs");
    fireEvent.click(within(own).getByRole("button", { name: "Cancel request" }));
    await vi.waitFor(() => expect(screen.getByTestId("request-5").textContent).toContain("Cancelled"));
    expect(screen.getByTestId("request-5").textContent).not.toContain("Waiting for the next market clearing");
    expect(cancel).toHaveBeenCalledTimes(1);
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

describe("market explanations", () => {
  it("shows why an order was matched, naming the partner site", async () => {
    renderWithApp(<MarketPage />, {
      routes: {
        "/api/sites": [OWN, { ...site("am-markt-3", null), name: "Am Markt 3", mine: false }],
        "/api/communities": [COMMUNITY],
        "/api/requests": [
          {
            id: 8,
            community: "demo",
            site: "alpha",
            mine: true,
            amount_kwh: 2.4,
            status: "matched",
            explanation: {
              code: "matched",
              params: { energy_wh: 2400, energy_price: "0.1800", fee: "0.0100", price: "0.1900", partners: ["am-markt-3"] },
              rest: null,
            },
          },
          { id: 9, community: "demo", site: "alpha", mine: true, amount_kwh: 1, status: "open", explanation: { code: "from_the_future" } },
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
});
