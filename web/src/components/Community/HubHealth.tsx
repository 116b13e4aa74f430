import type { Health } from "../../api/types";

const count = (n: number, one: string, many: string) => `${n.toLocaleString()} ${n === 1 ? one : many}`;

export function HubHealth({ health }: { health: Health }) {
  const rejected = Object.values(health.ingest?.rejected ?? {}).reduce((a, b) => a + b, 0);
  return (
    <p className="muted" data-testid="hub-health">
      Hub {health.status === "ok" ? "is healthy" : `reports “${health.status}”`}
      {health.ingest
        ? ` · ${count(health.ingest.accepted, "reading", "readings")} received, ${count(health.ingest.duplicates, "duplicate", "duplicates")}, ${rejected.toLocaleString()} rejected`
        : null}
    </p>
  );
}
