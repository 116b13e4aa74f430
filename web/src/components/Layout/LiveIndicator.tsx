import { useTranslation } from "react-i18next";
import { useLiveStatus } from "../../hooks/live";

export function LiveIndicator() {
  const { t } = useTranslation();
  const status = useLiveStatus();
  return (
    <span className={`live live--${status}`} role="status" aria-live="polite" title={t("live.title")}>
      <span className="live__dot" aria-hidden="true" />
      <span className="visually-hidden">{t("live.connection")}</span>
      <span data-testid="ws-status">{t(`live.${status}`)}</span>
    </span>
  );
}
