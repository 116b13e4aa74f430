import { useQuery } from "@tanstack/react-query";
import { useMemo } from "react";
import { getJson } from "../api/client";
import { endpoints, queryKeys } from "../api/queries";
import type { EnergyOffer, EnergyRequest, MarketOverview, StandingOrder, Transaction } from "../api/types";
import { mergeOrderLists, type OrderScope } from "../lib/orders";
import { useList, type ListQuery } from "./useList";

function useRequestList(scope: OrderScope) {
  return useList<EnergyRequest>(queryKeys.orderList("request", scope), endpoints.orderList("request", scope));
}
function useOfferList(scope: OrderScope) {
  return useList<EnergyOffer>(queryKeys.orderList("offer", scope), endpoints.orderList("offer", scope));
}

/** Every request / offer the caller may see (the hub's plain list, newest first). */
export const useRequests = () => useRequestList("all");
export const useOffers = () => useOfferList("all");
export const useTransactions = () => useList<Transaction>(queryKeys.transactions, endpoints.transactions);

/** Two lists as one: pending or failed while either is; no data until both have some. */
function useMerged<T extends EnergyRequest | EnergyOffer>(others: ListQuery<T>, mine: ListQuery<T>): ListQuery<T> {
  const data = useMemo(
    () => (others.data === undefined && mine.data === undefined ? undefined : mergeOrderLists(others.data ?? [], mine.data ?? [])),
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
    queryFn: ({ signal }) => getJson<MarketOverview>(endpoints.market(community ?? ""), signal),
    enabled: community !== undefined,
    staleTime: 60_000,
  });
}

export function useStandingOrders(site: string) {
  return useQuery({
    queryKey: queryKeys.standingOrders(site),
    queryFn: ({ signal }) => getJson<StandingOrder[]>(endpoints.standingOrders(site), signal),
  });
}
