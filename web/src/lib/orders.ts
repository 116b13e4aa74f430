/** Words for the state of a request or offer. The hub doesn't match orders automatically yet. */

const LABELS: Record<string, string> = {
  open: "Waiting for a match",
  matched: "Matched",
  cancelled: "Cancelled",
  expired: "Expired",
};

/** "open" → "Waiting for a match"; unknown states are shown as they come. */
export function orderStatusLabel(status: string | undefined): string | undefined {
  if (!status) return undefined;
  return LABELS[status.toLowerCase()] ?? status;
}

export const isOpen = (status: string | undefined): boolean => status?.toLowerCase() === "open";
