import { useQuery } from "@tanstack/react-query";
import { toOffer, toRequest, toTransaction } from "../api/normalize";
import { endpoints, fetchOptional, queryKeys } from "../api/queries";
import type { MarketOverview, StandingOrder } from "../api/types";
import { useOptionalList } from "./useOptionalResource";

export const useRequests = () => useOptionalList(queryKeys.requests, endpoints.requests, toRequest);
export const useOffers = () => useOptionalList(queryKeys.offers, endpoints.offers, toOffer);
export const useTransactions = () => useOptionalList(queryKeys.transactions, endpoints.transactions, toTransaction);

/** The community's market: corridor, gate, latest results (`market_result` events keep it current). */
export function useMarketOverview(community: string | undefined) {
  return useQuery({
    queryKey: queryKeys.market(community ?? ""),
    queryFn: fetchOptional<MarketOverview>(endpoints.market(community ?? "")),
    enabled: community !== undefined,
    staleTime: 60_000,
  });
}

export function useStandingOrders(site: string) {
  return useQuery({
    queryKey: queryKeys.standingOrders(site),
    queryFn: fetchOptional<StandingOrder[]>(endpoints.standingOrders(site)),
  });
}
