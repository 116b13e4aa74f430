import { useQuery } from "@tanstack/react-query";
import { getJson } from "../api/client";
import { endpoints, queryKeys } from "../api/queries";
import type { SiteHistory } from "../api/types";
import { hoursAgo } from "../lib/history";

export const HISTORY_HOURS = 24;

/** The window's first hour: changes once an hour, so the query key stays stable meanwhile. */
export function historyStart(now: Date = new Date()): Date {
  return hoursAgo(now, HISTORY_HOURS - 1);
}

/** Hourly energy of one of the caller's sites over the last 24 hours. */
export function useSiteHistory(site: string, enabled = true) {
  const start = historyStart().toISOString();
  const path = `${endpoints.siteHistory(site)}?period=hour&start=${encodeURIComponent(start)}`;
  return useQuery({
    queryKey: [...queryKeys.siteHistory(site, "hour"), start],
    queryFn: ({ signal }) => getJson<SiteHistory>(path, signal),
    enabled,
    refetchInterval: 5 * 60_000,
  });
}
