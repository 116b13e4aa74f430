/**
 * Keeps the app's server state live: WebSocket events update the TanStack Query cache
 * (site readings and status), invalidate resources that changed, and raise toasts.
 */
import { useQueryClient, type QueryClient } from "@tanstack/react-query";
import { createContext, useCallback, useContext, type ReactNode } from "react";
import { billKeys } from "../api/bills";
import { queryKeys } from "../api/queries";
import { noticeOf, type LiveEvent } from "../api/events";
import type { EnergyOffer, EnergyRequest, MarketOverview, SiteSnapshot, Transaction } from "../api/types";
import { applyOrderEvent, upsertResult, type OrderScope } from "../lib/orders";
import { applyReading, applyStatus } from "../lib/sites";
import { useToasts } from "./toasts";
import { UNAUTHORISED_CLOSE, useLiveSocket, type Backoff, type LiveStatus, type SocketFactory } from "./useLiveSocket";

const LiveStatusContext = createContext<LiveStatus>("connecting");

export function useLiveStatus(): LiveStatus {
  return useContext(LiveStatusContext);
}

export interface LiveSyncOptions {
  url?: string;
  factory?: SocketFactory;
  backoff?: Backoff;
}

/**
 * Put an event's item into a cached list. The cache holds the hub's answer as it came (useList
 * reads a bare array of the generated type, with no `select`), so an array is updated in place;
 * anything else in the cache is fetched again.
 */
function upsertInto<T>(queryClient: QueryClient, key: readonly string[], update: (list: T[]) => T[]): void {
  const data = queryClient.getQueryData(key);
  if (Array.isArray(data)) queryClient.setQueryData<T[]>(key, update(data as T[]));
  else if (data !== undefined) void queryClient.invalidateQueries({ queryKey: key });
}

/** An order event into every cached list of its kind (["requests", scope]), each by its scope. */
function upsertOrderEverywhere<T extends EnergyRequest | EnergyOffer>(queryClient: QueryClient, prefix: readonly string[], order: T): void {
  for (const [key] of queryClient.getQueriesData({ queryKey: prefix })) {
    const scope = key[1];
    if (scope !== "all" && scope !== "active" && scope !== "mine") continue;
    upsertInto<T>(queryClient, key as readonly string[], (list) => applyOrderEvent(list, order, scope satisfies OrderScope));
  }
}

export function useLiveSync(options: LiveSyncOptions = {}): LiveStatus {
  const queryClient = useQueryClient();
  const { push } = useToasts();

  const onEvent = useCallback(
    (event: LiveEvent) => {
      switch (event.type) {
        case "reading":
          // Before the first fetch there is nothing to update; the fetch brings the snapshot.
          queryClient.setQueryData<SiteSnapshot[]>(queryKeys.sites, (sites) => sites && applyReading(sites, event));
          break;
        case "status": {
          const before = queryClient
            .getQueryData<SiteSnapshot[]>(queryKeys.sites)
            ?.find((site) => site.community === event.community && site.site === event.site);
          queryClient.setQueryData<SiteSnapshot[]>(queryKeys.sites, (sites) => sites && applyStatus(sites, event));
          // Tell owners at once when their own site drops off or comes back.
          if (before && before.mine !== false && before.online !== null && before.online !== event.online) {
            const name = before.name || before.site;
            push({
              level: event.online ? "success" : "warning",
              title: event.online ? `${name} is back online` : `${name} went offline`,
            });
          }
          break;
        }
        case "notification": {
          const notice = noticeOf(event.notification);
          push(notice);
          void queryClient.invalidateQueries({ queryKey: queryKeys.notifications });
          // After a clearing: should an order event have been missed, the lists catch up here.
          if (notice.kind === "market") {
            void queryClient.invalidateQueries({ queryKey: queryKeys.requests });
            void queryClient.invalidateQueries({ queryKey: queryKeys.offers });
            void queryClient.invalidateQueries({ queryKey: queryKeys.providers });
          }
          // An interval was settled (or settled again): its trades' kWh and amounts and the bills changed.
          if (notice.kind === "settlement") {
            void queryClient.invalidateQueries({ queryKey: queryKeys.transactions });
            void queryClient.invalidateQueries({ queryKey: billKeys.all });
          }
          break;
        }
        // Order and trade events carry the view itself: upsert it by id (lists are newest first).
        case "request":
          upsertOrderEverywhere(queryClient, queryKeys.requests, event.request);
          break;
        case "offer":
          upsertOrderEverywhere(queryClient, queryKeys.offers, event.offer);
          void queryClient.invalidateQueries({ queryKey: queryKeys.providers }); // the map's sums per provider
          break;
        case "transaction":
          upsertInto<Transaction>(queryClient, queryKeys.transactions, (list) => [
            event.transaction,
            ...list.filter((t) => t.id !== event.transaction.id),
          ]);
          void queryClient.invalidateQueries({ queryKey: queryKeys.stats });
          break;
        case "market_result":
          queryClient.setQueryData<MarketOverview | null>(queryKeys.market(event.result.community), (overview) =>
            overview ? { ...overview, results: upsertResult(overview.results, event.result) } : overview,
          );
          break;
        case "stats":
          queryClient.setQueryData(queryKeys.liveStats(event.community), event.live);
          void queryClient.invalidateQueries({ queryKey: queryKeys.stats }); // every community's
          break;
      }
    },
    [queryClient, push],
  );

  const onOpen = useCallback(
    (reconnected: boolean) => {
      // Whatever happened while we were away: fetch a fresh snapshot.
      if (reconnected) void queryClient.invalidateQueries({ queryKey: queryKeys.sites });
    },
    [queryClient],
  );

  const onClose = useCallback(
    (code: number) => {
      // The session ended: "who am I?" again brings up the sign-in screen if it is really gone.
      if (code === UNAUTHORISED_CLOSE) void queryClient.invalidateQueries({ queryKey: queryKeys.me });
    },
    [queryClient],
  );

  return useLiveSocket({ onEvent, onOpen, onClose, ...options });
}

export function LiveProvider({ children, ...options }: LiveSyncOptions & { children: ReactNode }) {
  const status = useLiveSync(options);
  return <LiveStatusContext.Provider value={status}>{children}</LiveStatusContext.Provider>;
}
