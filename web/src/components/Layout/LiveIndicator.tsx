import { useLiveStatus } from "../../hooks/live";

const TEXT = { live: "live", connecting: "connecting", reconnecting: "reconnecting" } as const;

export function LiveIndicator() {
  const status = useLiveStatus();
  return (
    <span className={`live live--${status}`} role="status" aria-live="polite" title="Live updates from the hub">
      <span className="live__dot" aria-hidden="true" />
      <span className="visually-hidden">Connection: </span>
      <span data-testid="ws-status">{TEXT[status]}</span>
    </span>
  );
}
