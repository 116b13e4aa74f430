import { useQueries, useQuery } from "@tanstack/react-query";
import { getJson } from "../api/client";
import { endpoints, queryKeys } from "../api/queries";
import type { Community, CommunityStats } from "../api/types";

/** The caller's communities with their tariffs. */
export function useCommunities() {
  return useQuery({
    queryKey: queryKeys.communities,
    queryFn: ({ signal }) => getJson<Community[]>(endpoints.communities, signal),
    staleTime: 5 * 60_000,
  });
}

/** The community's currency code (EUR, CHF …), for formatting prices. */
export function useCurrency(community: string | undefined): string | undefined {
  const communities = useCommunities();
  const list = communities.data ?? [];
  return (list.find((c) => c.id === community) ?? (list.length === 1 ? list[0] : undefined))?.currency;
}

/** Long-run sharing statistics, one query per community. */
export function useCommunityStats(communities: string[]) {
  return useQueries({
    queries: communities.map((community) => ({
      queryKey: queryKeys.communityStats(community),
      queryFn: ({ signal }: { signal: AbortSignal }) => getJson<CommunityStats>(endpoints.communityStats(community), signal),
    })),
  });
}
