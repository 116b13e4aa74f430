import { QueryCache, QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { useState, type ReactNode } from "react";
import { I18nextProvider, useTranslation } from "react-i18next";
import { Route, Router, Switch } from "wouter";
import { useHashLocation } from "wouter/use-hash-location";
import { ApiError, isUnauthorized } from "./api/client";
import { queryKeys } from "./api/queries";
import { AuthGate } from "./components/Auth/AuthGate";
import { AppShell } from "./components/Layout/AppShell";
import { LiveProvider, type LiveSyncOptions } from "./hooks/live";
import { i18n } from "./i18n";
import { ToastProvider } from "./hooks/toasts";
import { usePageTitle } from "./hooks/usePageTitle";
import { NOT_FOUND, PAGES, type Page } from "./routes";

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

/** A page with its title in the browser tab. */
function TitledPage({ page }: { page: Omit<Page, "path"> }) {
  const { t } = useTranslation();
  usePageTitle(t(page.title));
  const Component = page.component;
  return <Component />;
}

export function AppRoutes() {
  return (
    <Switch>
      {PAGES.map((page) => (
        <Route key={page.path} path={page.path}>
          <TitledPage page={page} />
        </Route>
      ))}
      <Route>
        <TitledPage page={NOT_FOUND} />
      </Route>
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
