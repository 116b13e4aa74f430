import { useTranslation } from "react-i18next";
import type { Health } from "../../api/types";

const count = (value: unknown): number => (typeof value === "number" ? value : 0);
const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null;

/** The hub declares no model for /api/health (any JSON object), so each figure is checked as it is read. */
export function HubHealth({ health }: { health: Health }) {
  const { t } = useTranslation();
  const status = String(health.status);
  const ingest = isRecord(health.ingest) ? health.ingest : null;
  const rejected = ingest && isRecord(ingest.rejected) ? Object.values(ingest.rejected).reduce<number>((a, b) => a + count(b), 0) : 0;
  // The counts pick the plural form and are spelled by Intl in the chosen locale ({{count, number}}).
  return (
    <p className="muted" data-testid="hub-health">
      {status === "ok" ? t("community.hubHealthy") : t("community.hubReports", { status })}
      {ingest
        ? ` · ${t("community.readings", { count: count(ingest.accepted) })}, ${t("community.duplicates", { count: count(ingest.duplicates) })}, ${t("community.rejected", { count: rejected })}`
        : null}
    </p>
  );
}
