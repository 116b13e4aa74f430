const TONES: Record<string, string> = {
  open: "ok",
  active: "ok",
  matched: "ok",
  completed: "ok",
  settled: "ok",
  delivering: "unknown",
  pending: "unknown",
  cancelled: "off",
  expired: "off",
  failed: "off",
};

export function StatusBadge({ status }: { status?: string }) {
  if (!status) return null;
  return <span className={`badge badge--${TONES[status.toLowerCase()] ?? "unknown"}`}>{status}</span>;
}
