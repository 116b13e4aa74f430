import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { getJson } from "../api/client";

/** What a list page reads of a list query (a query result, or several merged into one). */
export interface ListQuery<T> {
  isPending: boolean;
  isError: boolean;
  error: Error | null;
  data: T[] | undefined;
  refetch: () => Promise<unknown>;
}

/** One of the hub's list endpoints, as the hub sends it (a bare array of its generated type). */
export function useList<T>(queryKey: readonly string[], path: string) {
  return useQuery({
    queryKey,
    queryFn: ({ signal }) => getJson<T[]>(path, signal),
    // A list that switches keys (the market's "finished neighbours" toggle) keeps showing the last one until the next arrives.
    placeholderData: keepPreviousData,
  });
}
