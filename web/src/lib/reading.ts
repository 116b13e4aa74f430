import type { Reading } from "../api/types";

/** The numeric value of one named quantity, or null when missing / not implemented. */
export function readValue(reading: Reading | null | undefined, name: string): number | null {
  const value = reading?.values[name]?.value;
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}

export function hasValue(reading: Reading | null | undefined, name: string): boolean {
  return readValue(reading, name) !== null;
}
