import { useTranslation } from "react-i18next";

export function ErrorState({ what, error, onRetry }: { what: string; error: unknown; onRetry?: () => void }) {
  const { t } = useTranslation();
  const detail = error instanceof Error ? error.message : String(error);
  return (
    <div className="error" role="alert">
      <p className="error__title">{t("common.couldNotLoad", { what })}</p>
      <p className="error__detail">{detail}</p>
      {onRetry ? (
        <button type="button" className="button" onClick={onRetry}>
          {t("common.tryAgain")}
        </button>
      ) : null}
    </div>
  );
}
