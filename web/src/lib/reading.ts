import type { Reading } from "../api/types";
import type { SiteQuantityName } from "../client/site.gen";

/** The numeric value of one of a site snapshot's quantities (named by the wire), or null when missing / not implemented. */
export function readValue(reading: Reading | null | undefined, name: SiteQuantityName): number | null {
  const value = reading?.values[name]?.value;
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}

export function hasValue(reading: Reading | null | undefined, name: SiteQuantityName): boolean {
  return readValue(reading, name) !== null;
}
