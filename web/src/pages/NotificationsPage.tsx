import { useTranslation } from "react-i18next";
import { QueryState } from "../components/Common/QueryState";
import { NotificationItem } from "../components/Notifications/NotificationItem";
import { useMarkRead, useNotifications } from "../hooks/useNotifications";

export function NotificationsPage() {
  const { t } = useTranslation();
  const notifications = useNotifications();
  const mark = useMarkRead();
  const unread = (notifications.data ?? []).some((n) => n.read_at === null);
  return (
    <div>
      <div className="market__bar">
        <h1 className="page-title">{t("notifications.title")}</h1>
        {unread ? (
          <button type="button" className="button button--ghost button--small" onClick={() => mark.mutate("all")}>
            {t("notifications.markAllRead")}
          </button>
        ) : null}
      </div>
      <QueryState
        query={notifications}
        what={t("notifications.what")}
        empty={t("notifications.empty")}
        emptyHint={<p>{t("notifications.emptyHint")}</p>}
      >
        {(items) => (
          <ul className="list" aria-label={t("notifications.title")}>
            {items.map((n) => (
              <li key={n.id}>
                <NotificationItem notification={n} />
              </li>
            ))}
          </ul>
        )}
      </QueryState>
    </div>
  );
}
