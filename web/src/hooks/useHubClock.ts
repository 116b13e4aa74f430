import { useQuery } from "@tanstack/react-query";
import { getJson } from "../api/client";
import { endpoints, queryKeys } from "../api/queries";
import { anchorClock, clockSpeed, hubNow, type ClockAnchor, type HubClockBody } from "../lib/clock";

/** Fetch the hub's clock once; until it answers (or if it can't), the wall clock at speed 1. */
export function useClockAnchor(): ClockAnchor | null {
  const clock = useQuery({
    queryKey: queryKeys.clock,
    queryFn: async ({ signal }) => anchorClock(await getJson<HubClockBody>(endpoints.clock, signal), Date.now()),
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
