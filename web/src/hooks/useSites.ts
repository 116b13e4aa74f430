import { useQuery } from "@tanstack/react-query";
import { fetchSites, queryKeys } from "../api/queries";
import { useLiveStatus } from "./live";

/** Poll only while the live socket is down; when it is up, events keep the list fresh. */
export const FALLBACK_POLL_MS = 10_000;

export function useSites() {
  const live = useLiveStatus() === "live";
  return useQuery({
    queryKey: queryKeys.sites,
    queryFn: fetchSites,
    refetchInterval: live ? false : FALLBACK_POLL_MS,
  });
}
