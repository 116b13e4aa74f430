import { useTranslation } from "react-i18next";
import { useErrorText } from "../../hooks/useErrorText";

export function ErrorState({ what, error, onRetry }: { what: string; error: unknown; onRetry?: () => void }) {
  const { t } = useTranslation();
  // The hub's refusal from its code, in the chosen language; anything else means the hub was not reached.
  const detail = useErrorText(error).message;
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
