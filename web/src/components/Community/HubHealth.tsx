import { useTranslation } from "react-i18next";
import type { Health } from "../../api/types";

export function HubHealth({ health }: { health: Health }) {
  const { t } = useTranslation();
  const rejected = Object.values(health.ingest?.rejected ?? {}).reduce((a, b) => a + b, 0);
  // The counts pick the plural form and are spelled by Intl in the chosen locale ({{count, number}}).
  return (
    <p className="muted" data-testid="hub-health">
      {health.status === "ok" ? t("community.hubHealthy") : t("community.hubReports", { status: health.status })}
      {health.ingest
        ? ` · ${t("community.readings", { count: health.ingest.accepted })}, ${t("community.duplicates", { count: health.ingest.duplicates })}, ${t("community.rejected", { count: rejected })}`
        : null}
    </p>
  );
}
