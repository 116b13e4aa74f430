/**
 * Keeps the app's server state live: WebSocket events update the TanStack Query cache
 * (site readings and status), invalidate resources that changed, and raise toasts.
 */
import { useQueryClient } from "@tanstack/react-query";
import { createContext, useCallback, useContext, type ReactNode } from "react";
import { queryKeys } from "../api/queries";
import type { LiveEvent, SiteSnapshot } from "../api/types";
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
        case "notification":
          push({ id: event.id, title: event.title, message: event.message, level: event.level });
          void queryClient.invalidateQueries({ queryKey: queryKeys.notifications });
          break;
        case "request":
          void queryClient.invalidateQueries({ queryKey: queryKeys.requests });
          break;
        case "offer":
          void queryClient.invalidateQueries({ queryKey: queryKeys.offers });
          break;
        case "transaction":
          void queryClient.invalidateQueries({ queryKey: queryKeys.transactions });
          void queryClient.invalidateQueries({ queryKey: queryKeys.stats });
          break;
        case "stats":
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
