import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { act, renderHook } from "@testing-library/react";
import type { ReactNode } from "react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { queryKeys } from "../api/queries";
import type { LiveEvent } from "../api/events";
import type { SiteSnapshot } from "../api/types";
import { FakeWebSocket } from "../test/FakeWebSocket";
import { reading, site } from "../test/fixtures";
import { useLiveSync } from "./live";
import { ToastProvider, useToasts } from "./toasts";
import { backoffDelay, defaultSocketUrl, useLiveSocket, type Backoff } from "./useLiveSocket";

const BACKOFF: Backoff = { initialMs: 100, factor: 2, maxMs: 1000, jitter: 0 };

beforeEach(() => FakeWebSocket.reset());
afterEach(() => vi.useRealTimers());

describe("useLiveSocket", () => {
  it("connects to /ws on the page's host with the matching scheme", () => {
    expect(defaultSocketUrl({ protocol: "http:", host: "hub.local:8000" })).toBe("ws://hub.local:8000/ws");
    expect(defaultSocketUrl({ protocol: "https:", host: "hub.example" })).toBe("wss://hub.example/ws");
  });

  it("reports live once open and reconnects with growing delays after drops", () => {
    vi.useFakeTimers();
    const { result } = renderHook(() =>
      useLiveSocket({ onEvent: () => {}, url: "ws://test/ws", factory: FakeWebSocket.factory, backoff: BACKOFF }),
    );
    expect(result.current).toBe("connecting");
    expect(FakeWebSocket.instances).toHaveLength(1);
    expect(FakeWebSocket.latest().url).toBe("ws://test/ws");

    act(() => FakeWebSocket.latest().open());
    expect(result.current).toBe("live");

    // First drop: retry after 100 ms.
    act(() => FakeWebSocket.latest().drop());
    expect(result.current).toBe("reconnecting");
    act(() => vi.advanceTimersByTime(99));
    expect(FakeWebSocket.instances).toHaveLength(1);
    act(() => vi.advanceTimersByTime(1));
    expect(FakeWebSocket.instances).toHaveLength(2);

    // Still failing: 200 ms, then 400 ms.
    act(() => FakeWebSocket.latest().drop());
    act(() => vi.advanceTimersByTime(199));
    expect(FakeWebSocket.instances).toHaveLength(2);
    act(() => vi.advanceTimersByTime(1));
    expect(FakeWebSocket.instances).toHaveLength(3);
    act(() => FakeWebSocket.latest().drop());
    act(() => vi.advanceTimersByTime(399));
    expect(FakeWebSocket.instances).toHaveLength(3);
    act(() => vi.advanceTimersByTime(1));
    expect(FakeWebSocket.instances).toHaveLength(4);

    // A connection that stays up resets the backoff.
    act(() => FakeWebSocket.latest().open());
    expect(result.current).toBe("live");
    act(() => vi.advanceTimersByTime(5000));
    act(() => FakeWebSocket.latest().drop());
    act(() => vi.advanceTimersByTime(100));
    expect(FakeWebSocket.instances).toHaveLength(5);
  });

  it("keeps backing off when the server accepts and closes at once", () => {
    vi.useFakeTimers();
    renderHook(() => useLiveSocket({ onEvent: () => {}, url: "ws://t/ws", factory: FakeWebSocket.factory, backoff: BACKOFF }));
    const delays: number[] = [];
    for (let i = 0; i < 4; i += 1) {
      act(() => {
        FakeWebSocket.latest().open();
        FakeWebSocket.latest().drop();
      });
      const before = FakeWebSocket.instances.length;
      let waited = 0;
      while (FakeWebSocket.instances.length === before) {
        act(() => vi.advanceTimersByTime(10));
        waited += 10;
      }
      delays.push(waited);
    }
    expect(delays).toEqual([100, 200, 400, 800]);
  });

  it("caps the delay and adds jitter", () => {
    expect(backoffDelay(10, BACKOFF)).toBe(1000);
    expect(backoffDelay(0, { ...BACKOFF, jitter: 0.5 }, () => 1)).toBe(150);
  });

  it("passes known events on and ignores unknown ones", () => {
    const events: LiveEvent[] = [];
    renderHook(() => useLiveSocket({ onEvent: (e) => events.push(e), url: "ws://t/ws", factory: FakeWebSocket.factory }));
    const socket = FakeWebSocket.latest();
    act(() => {
      socket.open();
      socket.send({ type: "weather", temp: 3 });
      socket.send("not json");
      socket.send({ type: "reading", community: "demo", site: "alpha", reading: reading({ pv_w: 1 }) });
    });
    expect(events.map((e) => e.type)).toEqual(["reading"]);
  });

  it("closes a socket still connecting once it opens, not mid-handshake", () => {
    const { unmount } = renderHook(() => useLiveSocket({ onEvent: () => {}, url: "ws://t/ws", factory: FakeWebSocket.factory }));
    const socket = FakeWebSocket.latest();
    socket.readyState = 0;
    unmount();
    expect(socket.closed).toBe(false);
    socket.open();
    expect(socket.closed).toBe(true);
  });

  it("closes the socket and stops reconnecting on unmount", () => {
    vi.useFakeTimers();
    const { unmount } = renderHook(() =>
      useLiveSocket({ onEvent: () => {}, url: "ws://t/ws", factory: FakeWebSocket.factory, backoff: BACKOFF }),
    );
    const socket = FakeWebSocket.latest();
    unmount();
    expect(socket.closed).toBe(true);
    act(() => vi.advanceTimersByTime(5000));
    expect(FakeWebSocket.instances).toHaveLength(1);
  });
});

describe("useLiveSync", () => {
  function setup(sites: SiteSnapshot[] | undefined) {
    const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
    if (sites) client.setQueryData(queryKeys.sites, sites);
    const wrapper = ({ children }: { children: ReactNode }) => (
      <QueryClientProvider client={client}>
        <ToastProvider timeoutMs={0}>{children}</ToastProvider>
      </QueryClientProvider>
    );
    const hook = renderHook(
      () => ({ status: useLiveSync({ url: "ws://t/ws", factory: FakeWebSocket.factory }), toasts: useToasts().toasts }),
      { wrapper },
    );
    act(() => FakeWebSocket.latest().open());
    return { client, hook, socket: FakeWebSocket.latest() };
  }

  it("updates the cached site list from reading events", () => {
    const { client, socket } = setup([site("alpha", { pv_w: 100 }), site("beta", { pv_w: 200 })]);
    act(() =>
      socket.send({ type: "reading", community: "demo", site: "alpha", reading: reading({ pv_w: 1234 }, 2, "2026-01-01T12:00:05Z") }),
    );
    const sites = client.getQueryData<SiteSnapshot[]>(queryKeys.sites);
    expect(sites?.find((s) => s.site === "alpha")?.reading?.values.pv_w?.value).toBe(1234);
    expect(sites?.find((s) => s.site === "beta")?.reading?.values.pv_w?.value).toBe(200);
  });

  it("marks a site offline on a status event", () => {
    const { client, socket } = setup([site("alpha", { pv_w: 100 })]);
    act(() => socket.send({ type: "status", community: "demo", site: "alpha", online: false, ts: "2026-01-01T13:00:00Z" }));
    expect(client.getQueryData<SiteSnapshot[]>(queryKeys.sites)?.[0]?.online).toBe(false);
  });

  it("warns when one's own site goes offline, but not about neighbours", () => {
    const { hook, socket } = setup([{ ...site("alpha", { pv_w: 1 }), mine: true }, { ...site("beta", null), mine: false, online: true }]);
    act(() => {
      socket.send({ type: "status", community: "demo", site: "beta", online: false, ts: "2026-01-01T13:00:00Z" });
      socket.send({ type: "status", community: "demo", site: "alpha", online: false, ts: "2026-01-01T13:00:00Z" });
      socket.send({ type: "status", community: "demo", site: "alpha", online: false, ts: "2026-01-01T13:00:00Z" }); // no change, no toast
    });
    expect(hook.result.current.toasts.map((t) => [t.level, t.title])).toEqual([["warning", "alpha went offline"]]);
  });

  it("leaves the cache alone for unknown events", () => {
    const sites = [site("alpha", { pv_w: 100 })];
    const { client, socket } = setup(sites);
    act(() => socket.send({ type: "stats-v2", community: "demo", site: "alpha", reading: reading({ pv_w: 5 }, 9) }));
    expect(client.getQueryData(queryKeys.sites)).toBe(sites);
  });

  it("raises a toast for a notification event", () => {
    const { hook, socket } = setup([]);
    const notification = { id: 1, kind: "market", title: "Request matched", body: "alpha sends you 2 kWh", data: {}, created_at: "2026-01-01T13:00:00Z" };
    act(() => socket.send({ type: "notification", community: null, site: null, notification }));
    expect(hook.result.current.toasts).toEqual([
      { id: "n-1", level: "info", title: "Request matched", message: "alpha sends you 2 kWh", kind: "market", data: {} },
    ]);
  });

  it("asks who is signed in when the hub closes with 4401", () => {
    const { client, socket } = setup([]);
    const invalidate = vi.spyOn(client, "invalidateQueries");
    act(() => socket.drop(4401));
    expect(invalidate).toHaveBeenCalledWith({ queryKey: queryKeys.me });
  });

  it("doesn't question the session when the network drops", () => {
    const { client, socket } = setup([]);
    const invalidate = vi.spyOn(client, "invalidateQueries");
    act(() => socket.drop(1006));
    expect(invalidate).not.toHaveBeenCalledWith({ queryKey: queryKeys.me });
  });

  it("refetches the site list after a reconnect", () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const { client, socket } = setup([site("alpha", { pv_w: 100 })]);
    const invalidate = vi.spyOn(client, "invalidateQueries");
    act(() => socket.drop());
    act(() => vi.advanceTimersByTime(1000));
    act(() => FakeWebSocket.latest().open());
    expect(invalidate).toHaveBeenCalledWith({ queryKey: queryKeys.sites });
  });
});
