/**
 * The hub's clock as the dashboard sees it. In a demo the hub runs its own clock, faster than the
 * wall clock; `GET /api/clock` tells where it stood and how fast it runs, and from then on the
 * dashboard counts on by itself: hub now = hub then + wall time elapsed × speed.
 */

import type { components } from "../client/hub.gen";

/** What GET /api/clock answers. */
export type HubClockBody = components["schemas"]["ClockOut"];

/** One reading of the hub's clock, pinned to the wall-clock moment it arrived. */
export interface ClockAnchor {
  /** The hub's time (epoch ms) at `wallMs`. */
  hubMs: number;
  /** Wall-clock time (epoch ms) when the reading arrived. */
  wallMs: number;
  /** Hub seconds per wall second; 1 outside demos. */
  speed: number;
}

/** Pin the hub's answer to `wallMs`; null for a time that doesn't parse or a speed that can't count on. */
export function anchorClock({ now, speed }: HubClockBody, wallMs: number): ClockAnchor | null {
  const hubMs = Date.parse(now);
  if (Number.isNaN(hubMs) || !Number.isFinite(speed) || speed <= 0) return null;
  return { hubMs, wallMs, speed };
}

/** The hub's time at wall-clock `wallNow`; without an anchor (no clock endpoint) the wall clock itself. */
export function hubNow(anchor: ClockAnchor | null | undefined, wallNow: number): number {
  if (!anchor) return wallNow;
  return anchor.hubMs + (wallNow - anchor.wallMs) * anchor.speed;
}

/** The speed to show: 1 without an anchor. */
export const clockSpeed = (anchor: ClockAnchor | null | undefined): number => anchor?.speed ?? 1;

/** Whether the clock runs differently from the wall clock (then the layout says so). */
export const isDemoClock = (anchor: ClockAnchor | null | undefined): boolean => clockSpeed(anchor) !== 1;

/**
 * The hub's time as the narrow top bar shows it: "05:12", 24-hour, local time, no day period, so
 * "60× · 05:12" fits beside the live indicator and the bell on a 360 px phone in every language.
 */
export function formatClockShort(epochMs: number): string {
  if (!Number.isFinite(epochMs)) return "--:--";
  const at = new Date(epochMs);
  const two = (n: number) => String(n).padStart(2, "0");
  return `${two(at.getHours())}:${two(at.getMinutes())}`;
}
