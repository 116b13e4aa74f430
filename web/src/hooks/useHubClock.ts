import { useQuery } from "@tanstack/react-query";
import { getJsonOrNull } from "../api/client";
import { endpoints, queryKeys } from "../api/queries";
import { anchorClock, clockSpeed, hubNow, type ClockAnchor } from "../lib/clock";

/** Fetch the hub's clock once; a hub without /api/clock (404) means the wall clock at speed 1. */
export function useClockAnchor(): ClockAnchor | null {
  const clock = useQuery({
    queryKey: queryKeys.clock,
    queryFn: async ({ signal }) => anchorClock(await getJsonOrNull<unknown>(endpoints.clock, signal), Date.now()),
    staleTime: Infinity,
    refetchOnWindowFocus: false,
  });
  return clock.data ?? null;
}

/** The hub's clock: `now()` reads hub time (demo time in a demo), `speed` how fast it runs. */
export function useHubClock(): { now: () => number; speed: number; anchor: ClockAnchor | null } {
  const anchor = useClockAnchor();
  return { now: () => hubNow(anchor, Date.now()), speed: clockSpeed(anchor), anchor };
}
