import { useQueries, useQuery } from "@tanstack/react-query";
import { getJson } from "../api/client";
import { endpoints, queryKeys } from "../api/queries";
import type { Community, CommunityStats } from "../api/types";

export interface CommunitiesLookup {
  /** False: only what the cache holds (nothing until another component fetched it), never asking
   * the hub, for hooks that also run signed out, where the hub's 401 sets off a needless sign-in check. */
  fetch?: boolean;
}

/** The caller's communities with their tariffs. */
export function useCommunities({ fetch = true }: CommunitiesLookup = {}) {
  return useQuery({
    queryKey: queryKeys.communities,
    queryFn: ({ signal }) => getJson<Community[]>(endpoints.communities, signal),
    staleTime: 5 * 60_000,
    enabled: fetch,
  });
}

/** The community's currency code (EUR, CHF …), for formatting prices. */
export function useCurrency(community: string | undefined, options: CommunitiesLookup = {}): string | undefined {
  const communities = useCommunities(options);
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
