import { act, fireEvent, screen, within } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { AppRoutes } from "../../App";
import { FakeWebSocket } from "../../test/FakeWebSocket";
import { json } from "../../test/fixtures";
import { renderWithApp } from "../../test/render";
import { AppShell } from "./AppShell";

beforeEach(() => FakeWebSocket.reset());
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

const shell = (
  <AppShell>
    <AppRoutes />
  </AppShell>
);

describe("bottom tabs", () => {
  it("offers every section and marks the current one", async () => {
    const { location } = renderWithApp(shell, { routes: { "/api/sites": [] } });
    const nav = screen.getByRole("navigation", { name: "Main" });
    const links = within(nav).getAllByRole("link");
    expect(links.map((link) => link.textContent)).toEqual(["Home", "Market", "Calendar", "Map", "History", "Community"]);
    expect(within(nav).getByRole("link", { name: "Home" }).getAttribute("aria-current")).toBe("page");

    fireEvent.click(within(nav).getByRole("link", { name: "Market" }));
    expect(location.history?.at(-1)).toBe("/market");
    expect(await screen.findByRole("heading", { name: "Market" })).toBeTruthy();
    expect(within(nav).getByRole("link", { name: "Market" }).getAttribute("aria-current")).toBe("page");
    expect(within(nav).getByRole("link", { name: "Home" }).getAttribute("aria-current")).toBeNull();
  });

  it("skips to the content without leaving the page", () => {
    const { location } = renderWithApp(shell, { path: "/market" });
    fireEvent.click(screen.getByText("Skip to content"));
    expect(document.activeElement?.id).toBe("main");
    expect(location.history?.at(-1)).toBe("/market");
  });

  it("shows a not-found page for unknown paths", () => {
    renderWithApp(shell, { path: "/nowhere" });
    expect(screen.getByText("Page not found")).toBeTruthy();
  });
});

describe("notification bell", () => {
  it("counts unread notifications and refreshes when one arrives live", async () => {
    let unread = 1;
    renderWithApp(shell, {
      routes: {
        "/api/sites": [],
        "/api/notifications": () =>
          json(Array.from({ length: 3 }, (_, i) => ({ id: i, title: `n${i}`, read_at: i < unread ? null : "2026-01-01T00:00:00Z" }))),
      },
    });
    expect((await screen.findByTestId("unread-count")).textContent).toBe("1");
    expect(screen.getByRole("link", { name: "Notifications, 1 unread" })).toBeTruthy();
    unread = 2;
    act(() => {
      FakeWebSocket.latest().open();
      FakeWebSocket.latest().send({ type: "notification", community: null, site: null, notification: { id: 9, kind: "market", title: "New match", body: "", data: {}, created_at: "2026-01-01T00:00:00Z" } });
    });
    await vi.waitFor(() => expect(screen.getByTestId("unread-count").textContent).toBe("2"));
  });
});

describe("notification toasts", () => {
  it("pops up for a notification event, can be dismissed, and ignores other events", () => {
    renderWithApp(shell, { routes: { "/api/sites": [] } });
    const socket = FakeWebSocket.latest();
    act(() => {
      socket.open();
      socket.send({ type: "notification", community: null, site: null, notification: { id: 1, kind: "market", title: "Request matched", body: "alpha sends you 2 kWh", data: {}, created_at: "2026-01-01T00:00:00Z" } });
      socket.send({ type: "something-new", title: "not for us" });
    });
    const toasts = screen.getByTestId("toasts");
    expect(within(toasts).getByTestId("toast").textContent).toContain("Request matched");
    expect(toasts.getAttribute("aria-live")).toBe("polite");
    expect(within(toasts).queryByText("not for us")).toBeNull();

    fireEvent.click(within(toasts).getByRole("button", { name: "Dismiss notification" }));
    expect(within(toasts).queryByTestId("toast")).toBeNull();
  });

  it("disappears on its own after a few seconds and is not shown twice", () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    renderWithApp(shell, { routes: { "/api/sites": [] } });
    const socket = FakeWebSocket.latest();
    act(() => {
      socket.open();
      socket.send({ type: "notification", community: null, site: null, notification: { id: 5, kind: "market", title: "Transfer complete", body: "", data: {}, created_at: "2026-01-01T00:00:00Z" } });
      socket.send({ type: "notification", community: null, site: null, notification: { id: 5, kind: "market", title: "Transfer complete", body: "", data: {}, created_at: "2026-01-01T00:00:00Z" } });
    });
    expect(screen.getAllByText("Transfer complete")).toHaveLength(1);
    act(() => vi.advanceTimersByTime(6000));
    expect(screen.queryByText("Transfer complete")).toBeNull();
  });
});

describe("demo clock", () => {
  it("shows the hub's speed and time when it runs faster than the wall clock", async () => {
    renderWithApp(shell, { routes: { "/api/sites": [], "/api/clock": { now: "2026-06-21T12:00:00Z", speed: 60 } } });
    const badge = await screen.findByTestId("demo-clock");
    expect(badge.textContent).toContain("Demo time · 60×");
    expect(within(badge).getByText((_, el) => el?.tagName === "TIME").getAttribute("datetime")?.slice(0, 13)).toBe("2026-06-21T12");
  });

  it("has a compact form for phones, the whole sentence in its title and for screen readers", async () => {
    renderWithApp(shell, { routes: { "/api/sites": [], "/api/clock": { now: "2026-06-21T12:00:00Z", speed: 60 } } });
    const badge = await screen.findByTestId("demo-clock");
    expect(within(badge).getByTestId("demo-clock-compact").textContent).toMatch(/^60× · \d\d:\d\d$/);
    expect(badge.getAttribute("title")).toMatch(/^Demo time, running 60 times as fast: /);
    expect(within(badge).getByText(/^Demo time, running 60 times as fast: /).className).toBe("visually-hidden");
  });

  it.each([
    ["a hub at speed 1", { "/api/sites": [], "/api/clock": { now: "2026-06-21T12:00:00Z", speed: 1 } }],
    ["a hub without /api/clock (404)", { "/api/sites": [] }],
  ])("shows nothing for %s", async (_name, routes) => {
    const { fetchMock } = renderWithApp(shell, { routes });
    await vi.waitFor(() => expect(fetchMock.mock.calls.some(([url]) => String(url).includes("/api/clock"))).toBe(true));
    await screen.findByText("No sites yet");
    expect(screen.queryByTestId("demo-clock")).toBeNull();
  });
});
