import { useQueries } from "@tanstack/react-query";
import { getJson } from "../api/client";
import { endpoints, queryKeys } from "../api/queries";
import { offersBySite, type OnOffer, type ProvidersAnswer } from "../lib/onOffer";

/** What each provider of these communities offers now, by `offerKey`; empty until the hub answers. */
export function useProviderOffers(communities: readonly string[]): ReadonlyMap<string, OnOffer> {
  const answers = useQueries({
    queries: communities.map((community) => ({
      queryKey: queryKeys.communityProviders(community),
      queryFn: ({ signal }: { signal: AbortSignal }) => getJson<ProvidersAnswer>(endpoints.providers(community), signal),
      // Offers change with every interval even when no event arrives (they expire, intervals roll on).
      refetchInterval: 60_000,
    })),
  });
  return offersBySite(answers.map((answer) => answer.data));
}
