import { skipToken, useQuery } from "@tanstack/react-query";
import { queryKeys } from "../api/queries";
import type { LiveFigures } from "../api/events";

/** A community's figures right now as the hub last pushed them over /ws; null until its first push. */
export function useLiveFigures(community: string): LiveFigures | null {
  // Never fetched: only the live socket's "stats" events fill this key (hooks/live.tsx).
  const query = useQuery<LiveFigures>({ queryKey: queryKeys.liveStats(community), queryFn: skipToken });
  return query.data ?? null;
}
