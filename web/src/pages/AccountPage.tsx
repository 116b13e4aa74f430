import { useTranslation } from "react-i18next";
import { LanguageSwitch } from "../components/Account/LanguageSwitch";
import { MeterReadings } from "../components/Account/MeterReadings";
import { EmptyState } from "../components/Common/EmptyState";
import { useCurrentUser, useSignOut } from "../hooks/useAuth";

export function AccountPage() {
  const { t } = useTranslation();
  const user = useCurrentUser();
  const signOut = useSignOut();
  if (!user) {
    return (
      <div className="stack">
        <EmptyState title={t("account.noAccounts")} />
        <LanguageSwitch />
      </div>
    );
  }
  return (
    <div className="stack">
      <h1 className="page-title">{t("account.title")}</h1>
      <dl className="card details">
        <div>
          <dt>{t("account.name")}</dt>
          <dd>{user.display_name || "—"}</dd>
        </div>
        <div>
          <dt>{t("account.email")}</dt>
          <dd>{user.email}</dd>
        </div>
        <div>
          <dt>{t("account.role")}</dt>
          <dd>{t(`account.roles.${user.role}`, { defaultValue: user.role })}</dd>
        </div>
        <div>
          <dt>{t("account.community")}</dt>
          <dd>{user.community ?? "—"}</dd>
        </div>
        <div>
          <dt>{t("account.sites")}</dt>
          <dd>{user.sites.length > 0 ? user.sites.join(", ") : t("account.noSites")}</dd>
        </div>
      </dl>
      {user.sites.map((site) => <MeterReadings key={site} site={site} />)}
      <LanguageSwitch />
      <div>
        <button type="button" className="button button--ghost" onClick={() => signOut.mutate()} disabled={signOut.isPending}>
          {t("account.signOut")}
        </button>
      </div>
    </div>
  );
}
