/** Words for the state of a request or offer: the i18n key of each state the hub sends. */

const STATES = new Set(["open", "matched", "partly_matched", "cancelled", "expired"]);

/** "open" → "market.status.open"; unknown states get no key (they are shown as they come). */
export function orderStatusKey(status: string | undefined): string | undefined {
  if (!status) return undefined;
  const state = status.toLowerCase();
  return STATES.has(state) ? `market.status.${state}` : undefined;
}

export const isOpen = (status: string | undefined): boolean => status?.toLowerCase() === "open";
