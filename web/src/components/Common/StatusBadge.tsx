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

/** A status as a coloured pill; `label` replaces the raw status word when given. */
export function StatusBadge({ status, label }: { status?: string; label?: string }) {
  if (!status) return null;
  return <span className={`badge badge--${TONES[status.toLowerCase()] ?? "unknown"}`}>{label ?? status}</span>;
}
