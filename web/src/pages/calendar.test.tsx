import { act, fireEvent, screen, within } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { i18n } from "../i18n";
import { FakeWebSocket } from "../test/FakeWebSocket";
import { json, marketOverview, offer, request, site, stubFetch } from "../test/fixtures";
import { renderWithApp } from "../test/render";
import { CalendarPage } from "./CalendarPage";

beforeEach(() => FakeWebSocket.reset());
afterEach(() => vi.unstubAllGlobals());

/** Today (local) at `hour`, as the hub writes it. */
const todayAt = (hour: number) => {
  const at = new Date();
  at.setHours(hour, 0, 0, 0);
  return at.toISOString();
};
const window = (from: number, to: number) => ({ window_start: todayAt(from), window_end: todayAt(to) });

/** Answers by path and query string (the calendar's lists differ only in the query). */
function listsFetch(lists: Record<string, unknown>) {
  const rest = stubFetch({});
  return (input: RequestInfo | URL, init?: RequestInit) => {
    const url = String(input);
    return url in lists ? Promise.resolve(json(lists[url])) : rest(input, init);
  };
}

const agendaIds = () => screen.queryAllByTestId(/^agenda-/).map((el) => el.dataset.testid);

describe("the calendar's lists", () => {
  const lists = {
    // The book: a neighbour's open request, one's own open offer (public copy, no site).
    "/api/requests?active=true": [request({ id: 20, site: "gamma", mine: false, energy_wh: 500, ...window(20, 21) })],
    "/api/offers?active=true": [offer({ id: 30, site: null, mine: false, energy_wh: 3000, ...window(18, 19) })],
    // One's own, every status: the matched request stays on the plan, the cancelled one doesn't.
    "/api/requests?mine=true": [
      request({ id: 21, site: "alpha", energy_wh: 2000, status: "matched", filled_wh: 2000, ...window(17, 18) }),
      request({ id: 22, site: "alpha", energy_wh: 1000, status: "cancelled", ...window(19, 20) }),
    ],
    "/api/offers?mine=true": [offer({ id: 30, site: "alpha", energy_wh: 3000, ...window(18, 19) })],
    // The plain lists, full of neighbours' finished standing orders: never read.
    "/api/requests": [request({ id: 99, site: "beta", mine: false, status: "matched", ...window(20, 21) })],
    "/api/offers": [offer({ id: 98, site: "beta", mine: false, status: "expired", ...window(20, 21) })],
  };

  it("shows one's own orders (any status) plus the neighbours' still in the book, not the plain lists", async () => {
    const { fetchMock } = renderWithApp(<CalendarPage />, { fetch: listsFetch(lists) });
    await screen.findByTestId("agenda-request-21");
    expect(agendaIds()).toEqual(["agenda-request-21", "agenda-offer-30", "agenda-request-20"]);
    expect(screen.getByTestId("agenda-request-21").textContent).toContain("You need 2.00 kWh");
    expect(screen.getByTestId("agenda-request-21").textContent).toContain("for alpha");
    expect(screen.getByTestId("agenda-request-21").textContent).toContain("Matched");
    // The own list's full copy wins over the book's public one.
    expect(screen.getByTestId("agenda-offer-30").textContent).toContain("You offer 3.00 kWh");
    expect(screen.getByTestId("agenda-offer-30").textContent).toContain("from alpha");
    expect(screen.getByTestId("agenda-request-20").textContent).toContain("gamma needs 500 Wh");

    const urls = fetchMock.mock.calls.map(([input]) => String(input));
    expect(urls).toEqual(expect.arrayContaining(["/api/requests?active=true", "/api/requests?mine=true", "/api/offers?active=true", "/api/offers?mine=true"]));
    expect(urls).not.toContain("/api/requests");
    expect(urls).not.toContain("/api/offers");
    const today = screen.getByRole("list", { name: "Next seven days" }).querySelector("[aria-pressed=true]");
    expect(today?.textContent).toMatch(/: 3 scheduled/);
  });

  it("follows live order events like the market: a neighbour's order leaving the book leaves the plan", async () => {
    renderWithApp(<CalendarPage />, { fetch: listsFetch(lists) });
    await screen.findByTestId("agenda-request-20");
    act(() => {
      const socket = FakeWebSocket.latest();
      socket.open();
      socket.send({ type: "request", community: "demo", site: null, request: request({ id: 20, site: "gamma", mine: false, status: "matched", ...window(20, 21) }) });
      socket.send({ type: "offer", community: "demo", site: null, offer: offer({ id: 31, site: "delta", mine: false, energy_wh: 1500, ...window(21, 22) }) });
    });
    await vi.waitFor(() => expect(agendaIds()).toEqual(["agenda-request-21", "agenda-offer-30", "agenda-offer-31"]));
    expect(screen.getByTestId("agenda-offer-31").textContent).toContain("delta offers 1.50 kWh");
  });

  it("speaks Korean", async () => {
    await i18n.changeLanguage("ko");
    renderWithApp(<CalendarPage />, { fetch: listsFetch(lists) });
    const own = await screen.findByTestId("agenda-request-21");
    expect(screen.getByRole("heading", { level: 1 }).textContent).toBe("에너지 일정");
    expect(own.textContent).toContain("내 요청 2.00 kWh");
    expect(own.textContent).toContain("alpha용");
    expect(own.textContent).toContain("요청");
    expect(screen.getByTestId("agenda-request-20").textContent).toContain("gamma의 요청 500 Wh");
    const week = screen.getByRole("list", { name: "앞으로 7일" });
    expect(within(week).getAllByRole("button")[0]?.textContent).toMatch(/일정 3건/);
    // A day without plans.
    const days = within(week).getAllByRole("button");
    fireEvent.click(days[6]!);
    expect(await screen.findByText("이날은 예정된 일정이 없습니다")).toBeTruthy();
  });

  it("says so in Korean when nothing is planned", async () => {
    await i18n.changeLanguage("ko");
    renderWithApp(<CalendarPage />, { routes: { "/api/sites": [], "/api/requests": [], "/api/offers": [] } });
    expect(await screen.findByText("아직 예정된 일정이 없습니다")).toBeTruthy();
  });
});

describe("booking from the calendar", () => {
  const home = { ...site("alpha", null), name: "Alpha", kind: "hybrid", mine: true, assets: [{ kind: "solar" }] };
  const lists = { "/api/requests?active=true": [], "/api/offers?active=true": [], "/api/requests?mine=true": [], "/api/offers?mine=true": [] };

  it("opens the request form prefilled with a future slot of the chosen day and posts it", async () => {
    const post = vi.fn((init?: RequestInit) => json({ ...request(), ...JSON.parse(String(init?.body)), id: 77 }, 201));
    const rest = listsFetch(lists);
    const routes = stubFetch({ "/api/sites": [home], "/api/communities/demo/market": marketOverview(), "POST /api/requests": post });
    renderWithApp(<CalendarPage />, {
      fetch: (input, init) => (String(input) in lists ? rest(input, init) : routes(input, init)),
    });
    const tomorrow = new Date();
    tomorrow.setDate(tomorrow.getDate() + 1);
    const days = await screen.findByRole("list", { name: "Next seven days" });
    fireEvent.click(within(days).getAllByRole("button")[1]!);
    const slots = await screen.findByRole("list", { name: "Slots to book this day" });
    expect(within(slots).getAllByRole("button")).toHaveLength(8); // a whole day ahead: every block
    fireEvent.click(within(slots).getByRole("button", { name: /^Book energy for 06:00 AM/ }));
    const form = await screen.findByRole("form");
    const at = (hour: number) => `${tomorrow.getFullYear()}-${String(tomorrow.getMonth() + 1).padStart(2, "0")}-${String(tomorrow.getDate()).padStart(2, "0")}T${String(hour).padStart(2, "0")}:00`;
    expect((within(form).getByLabelText("From") as HTMLInputElement).value).toBe(at(6));
    expect((within(form).getByLabelText("Until") as HTMLInputElement).value).toBe(at(9));
    fireEvent.click(within(form).getByRole("button", { name: "Post request" }));
    await vi.waitFor(() => expect(post).toHaveBeenCalledTimes(1));
    const body = JSON.parse(String((post.mock.calls[0] as unknown as [RequestInit])[0]?.body));
    const six = new Date(tomorrow);
    six.setHours(6, 0, 0, 0);
    expect(body).toMatchObject({ site: "alpha", window_start: six.toISOString() });
  });

  it("tells a provider that only sells why there is nothing to book", async () => {
    const farm = { ...home, kind: "provider" };
    const rest = listsFetch(lists);
    const routes = stubFetch({ "/api/sites": [farm] });
    renderWithApp(<CalendarPage />, { fetch: (input, init) => (String(input) in lists ? rest(input, init) : routes(input, init)) });
    expect(await screen.findByText("Your sites only sell energy: there is nothing to book.")).toBeTruthy();
    expect(screen.queryByRole("list", { name: "Slots to book this day" })).toBeNull();
  });
});
