import { useEffect, useState } from "react";
import { hubNow } from "../lib/clock";
import { useClockAnchor } from "./useHubClock";

/**
 * The hub's current time (demo time in a demo), refreshed every `intervalMs` of wall time, so
 * "12 s ago" keeps counting.
 */
export function useNow(intervalMs = 5000): number {
  const anchor = useClockAnchor();
  const [wall, setWall] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setWall(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  // The tick may predate the clock's arrival; never count from before the reading itself.
  return hubNow(anchor, Math.max(wall, anchor?.wallMs ?? wall));
}
