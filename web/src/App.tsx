import { QueryCache, QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { useState, type ReactNode } from "react";
import { I18nextProvider } from "react-i18next";
import { Route, Router, Switch } from "wouter";
import { useHashLocation } from "wouter/use-hash-location";
import { ApiError, isUnauthorized } from "./api/client";
import { queryKeys } from "./api/queries";
import { AuthGate } from "./components/Auth/AuthGate";
import { AppShell } from "./components/Layout/AppShell";
import { LiveProvider, type LiveSyncOptions } from "./hooks/live";
import { i18n } from "./i18n";
import { ToastProvider } from "./hooks/toasts";
import { AccountPage } from "./pages/AccountPage";
import { BillsPage } from "./pages/BillsPage";
import { CalendarPage } from "./pages/CalendarPage";
import { CommunityPage } from "./pages/CommunityPage";
import { HistoryPage } from "./pages/HistoryPage";
import { HomePage } from "./pages/HomePage";
import { MapPage } from "./pages/MapPage";
import { MarketPage } from "./pages/MarketPage";
import { NotFoundPage } from "./pages/NotFoundPage";
import { NotificationsPage } from "./pages/NotificationsPage";

export function createQueryClient(): QueryClient {
  const client: QueryClient = new QueryClient({
    queryCache: new QueryCache({
      onError: (error, query) => {
        // The session expired mid-use: ask "who am I?" again, which brings up the sign-in screen.
        if (isUnauthorized(error) && query.queryKey[0] !== queryKeys.me[0]) {
          void client.invalidateQueries({ queryKey: queryKeys.me });
        }
      },
    }),
    defaultOptions: {
      queries: {
        staleTime: 5_000,
        refetchOnWindowFocus: true,
        // Client errors (4xx) won't fix themselves; network trouble and 5xx might.
        retry: (failures, error) => !(error instanceof ApiError && error.status < 500) && failures < 2,
      },
    },
  });
  return client;
}

/** Language, server state and toasts: everything that exists before sign-in. */
export function BaseProviders({ children, queryClient }: { children: ReactNode; queryClient?: QueryClient }) {
  const [client] = useState(() => queryClient ?? createQueryClient());
  return (
    <I18nextProvider i18n={i18n}>
      <QueryClientProvider client={client}>
        <ToastProvider>{children}</ToastProvider>
      </QueryClientProvider>
    </I18nextProvider>
  );
}

/** BaseProviders plus the live WebSocket feed. */
export function Providers({
  children,
  queryClient,
  live,
}: {
  children: ReactNode;
  queryClient?: QueryClient;
  live?: LiveSyncOptions;
}) {
  return (
    <BaseProviders queryClient={queryClient}>
      <LiveProvider {...live}>{children}</LiveProvider>
    </BaseProviders>
  );
}

export function AppRoutes() {
  return (
    <Switch>
      <Route path="/" component={HomePage} />
      <Route path="/market" component={MarketPage} />
      <Route path="/calendar" component={CalendarPage} />
      <Route path="/map" component={MapPage} />
      <Route path="/history" component={HistoryPage} />
      <Route path="/bills" component={BillsPage} />
      <Route path="/community" component={CommunityPage} />
      <Route path="/notifications" component={NotificationsPage} />
      <Route path="/account" component={AccountPage} />
      <Route component={NotFoundPage} />
    </Switch>
  );
}

/** The signed-in app: opens the live feed (with the session cookie) only after sign-in. */
export function SignedInApp({ live }: { live?: LiveSyncOptions }) {
  return (
    <AuthGate>
      <LiveProvider {...live}>
        <AppShell>
          <AppRoutes />
        </AppShell>
      </LiveProvider>
    </AuthGate>
  );
}

/** Hash routing (/#/market) works with any static file server, including the hub's. */
export function App() {
  return (
    <BaseProviders>
      <Router hook={useHashLocation}>
        <SignedInApp />
      </Router>
    </BaseProviders>
  );
}
