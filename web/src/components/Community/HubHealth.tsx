import type { Health } from "../../api/types";

export function HubHealth({ health }: { health: Health }) {
  const rejected = Object.values(health.ingest?.rejected ?? {}).reduce((a, b) => a + b, 0);
  return (
    <p className="muted" data-testid="hub-health">
      Hub {health.status === "ok" ? "is healthy" : `reports “${health.status}”`}
      {health.ingest
        ? ` · ${health.ingest.accepted.toLocaleString()} readings received, ${health.ingest.duplicates.toLocaleString()} duplicates, ${rejected.toLocaleString()} rejected`
        : null}
    </p>
  );
}
