import { useQueries, useQuery } from "@tanstack/react-query";
import { endpoints, fetchOptional, queryKeys } from "../api/queries";
import type { Community, CommunityStats } from "../api/types";

/** The caller's communities with their tariffs; `null` while the hub has no such endpoint. */
export function useCommunities() {
  return useQuery({
    queryKey: queryKeys.communities,
    queryFn: fetchOptional<Community[]>(endpoints.communities),
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
      queryFn: fetchOptional<CommunityStats>(endpoints.communityStats(community)),
    })),
  });
}
