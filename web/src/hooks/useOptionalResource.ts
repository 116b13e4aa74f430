import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { fetchOptional } from "../api/queries";

type Raw = Record<string, unknown>;

/** What a list page reads of a list query (a query result, or several merged into one). */
export interface ListQuery<T> {
  isPending: boolean;
  isError: boolean;
  error: Error | null;
  /** `null`: the hub has no such endpoint (yet). */
  data: T[] | null | undefined;
  refetch: () => Promise<unknown>;
}

/**
 * A list resource the hub may not serve yet. `data` is `null` while the endpoint is missing
 * (404), so pages render the same empty state as for an empty list. Accepts a bare array or
 * `{items: [...]}`; each entry goes through `normalize`.
 */
export function useOptionalList<T>(queryKey: readonly string[], path: string, normalize: (raw: Raw) => T) {
  return useQuery({
    queryKey,
    queryFn: fetchOptional<unknown>(path),
    // A list that switches keys (the market's "finished neighbours" toggle) keeps showing the last one until the next arrives.
    placeholderData: keepPreviousData,
    select: (data): T[] | null => {
      if (data === null) return null;
      const items: unknown = Array.isArray(data) ? data : (data as { items?: unknown } | undefined)?.items;
      if (!Array.isArray(items)) return [];
      return items.filter((item): item is Raw => typeof item === "object" && item !== null).map(normalize);
    },
  });
}
