import { useTranslation } from "react-i18next";

export function Loading({ what }: { what: string }) {
  const { t } = useTranslation();
  return (
    <p className="loading" role="status" aria-live="polite">
      {t("common.loading", { what })}
    </p>
  );
}
