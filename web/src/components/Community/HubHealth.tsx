import { useTranslation } from "react-i18next";
import type { Health } from "../../api/types";

export function HubHealth({ health }: { health: Health }) {
  const { t } = useTranslation();
  const { ingest } = health;
  const rejected = Object.values(ingest.rejected).reduce((sum, count) => sum + count, 0);
  // The counts pick the plural form and are spelled by Intl in the chosen locale ({{count, number}}).
  return (
    <p className="muted" data-testid="hub-health">
      {health.status === "ok" ? t("community.hubHealthy") : t("community.hubReports", { status: health.status })}
      {` · ${t("community.readings", { count: ingest.accepted })}, ${t("community.duplicates", { count: ingest.duplicates })}, ${t("community.rejected", { count: rejected })}`}
    </p>
  );
}
