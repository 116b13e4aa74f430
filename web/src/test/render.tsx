/** Render a page inside the app's providers, with fetch stubbed and a fake WebSocket. */
import { QueryClient } from "@tanstack/react-query";
import { render } from "@testing-library/react";
import type { ReactElement } from "react";
import { vi } from "vitest";
import { Router } from "wouter";
import { memoryLocation } from "wouter/memory-location";
import { BaseProviders, Providers, SignedInApp, createQueryClient } from "../App";
import { FakeWebSocket } from "./FakeWebSocket";
import { stubFetch, type RouteAnswer } from "./fixtures";

interface Options {
  /** JSON answers by path; any other path answers 404 like the hub. */
  routes?: Record<string, RouteAnswer>;
  /** Replace the fetch stub entirely (e.g. to simulate a failing hub). */
  fetch?: typeof fetch;
  path?: string;
}

export function renderWithApp(ui: ReactElement, { routes = {}, fetch, path = "/" }: Options = {}) {
  const fetchMock = vi.fn(fetch ?? stubFetch(routes));
  vi.stubGlobal("fetch", fetchMock);
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  const location = memoryLocation({ path, record: true });
  const view = render(
    <Providers queryClient={queryClient} live={{ url: "ws://test/ws", factory: FakeWebSocket.factory }}>
      <Router hook={location.hook}>{ui}</Router>
    </Providers>,
  );
  return { ...view, fetchMock, queryClient, location };
}

/** Render the whole signed-in app (auth gate, live feed, shell, routes) like main.tsx does. */
export function renderApp(options: Options = {}) {
  const fetchMock = vi.fn(options.fetch ?? stubFetch(options.routes ?? {}));
  vi.stubGlobal("fetch", fetchMock);
  const queryClient = createQueryClient();
  queryClient.setDefaultOptions({ queries: { ...queryClient.getDefaultOptions().queries, retry: false } });
  const location = memoryLocation({ path: options.path ?? "/", record: true });
  const view = render(
    <BaseProviders queryClient={queryClient}>
      <Router hook={location.hook}>
        <SignedInApp live={{ url: "ws://test/ws", factory: FakeWebSocket.factory }} />
      </Router>
    </BaseProviders>,
  );
  return { ...view, fetchMock, queryClient, location };
}
