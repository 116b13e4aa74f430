import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { billEndpoints, billKeys, type Bill, type BillPeriod } from "../api/bills";
import { getJsonOrNull } from "../api/client";

/** A household's bill; `null` when the hub has nothing to bill (no sites yet: 404). */
export function useBill(period: BillPeriod, enabled = true) {
  return useQuery({
    queryKey: billKeys.bill(period),
    queryFn: ({ signal }) => getJsonOrNull<Bill>(billEndpoints.bill(period), signal),
    placeholderData: keepPreviousData,
    enabled,
    staleTime: 60_000,
  });
}
