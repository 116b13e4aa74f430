import { useTranslation } from "react-i18next";
import { Link } from "wouter";
import { EmptyState } from "../components/Common/EmptyState";

export function NotFoundPage() {
  const { t } = useTranslation();
  return (
    <EmptyState title={t("notFound.title")}>
      <p>
        <Link href="/">{t("notFound.back")}</Link>
      </p>
    </EmptyState>
  );
}
