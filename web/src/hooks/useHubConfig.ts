import { useQuery } from "@tanstack/react-query";
import { getJson } from "../api/client";
import { endpoints, queryKeys } from "../api/queries";
import type { components } from "../client/hub.gen";

export type DashboardConfig = components["schemas"]["DashboardConfig"];

/** The hub's settings for the dashboard (the map's tiles); they change only when the hub restarts. */
export function useHubConfig() {
  return useQuery({
    queryKey: queryKeys.config,
    queryFn: ({ signal }) => getJson<DashboardConfig>(endpoints.config, signal),
    staleTime: Infinity,
  });
}
