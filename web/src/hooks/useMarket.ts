import { useQuery } from "@tanstack/react-query";
import { useMemo } from "react";
import { toOffer, toRequest, toTransaction } from "../api/normalize";
import { endpoints, fetchOptional, queryKeys } from "../api/queries";
import type { EnergyOffer, EnergyRequest, MarketOverview, StandingOrder } from "../api/types";
import { mergeOrderLists, type OrderScope } from "../lib/orders";
import { useOptionalList, type ListQuery } from "./useOptionalResource";

function useRequestList(scope: OrderScope) {
  return useOptionalList(queryKeys.orderList("request", scope), endpoints.orderList("request", scope), toRequest);
}
function useOfferList(scope: OrderScope) {
  return useOptionalList(queryKeys.orderList("offer", scope), endpoints.orderList("offer", scope), toOffer);
}

/** Every request / offer the caller may see (the hub's plain list, newest first). */
export const useRequests = () => useRequestList("all");
export const useOffers = () => useOfferList("all");
export const useTransactions = () => useOptionalList(queryKeys.transactions, endpoints.transactions, toTransaction);

/** Two lists as one: pending or failed while either is; `null` (no endpoint) only when both are. */
function useMerged<T extends EnergyRequest | EnergyOffer>(others: ListQuery<T>, mine: ListQuery<T>): ListQuery<T> {
  const data = useMemo(
    () => (others.data == null && mine.data == null ? others.data : mergeOrderLists(others.data ?? [], mine.data ?? [])),
    [others.data, mine.data],
  );
  return {
    isPending: others.isPending || mine.isPending,
    isError: others.isError || mine.isError,
    error: others.error ?? mine.error,
    data,
    refetch: () => Promise.all([others.refetch(), mine.refetch()]),
  };
}

/**
 * The market's lists: the neighbours' orders still in the book (or, with `finished`, all of them)
 * plus the caller's own recent ones, finished ones included with their explanation.
 */
export function useRequestBook(finished: boolean): ListQuery<EnergyRequest> {
  return useMerged(useRequestList(finished ? "all" : "active"), useRequestList("mine"));
}

export function useOfferBook(finished: boolean): ListQuery<EnergyOffer> {
  return useMerged(useOfferList(finished ? "all" : "active"), useOfferList("mine"));
}

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
