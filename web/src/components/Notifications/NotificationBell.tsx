import { useTranslation } from "react-i18next";
import { Link } from "wouter";
import { useNotifications } from "../../hooks/useNotifications";
import { Icon } from "../Layout/Icon";

export function NotificationBell() {
  const { t } = useTranslation();
  const notifications = useNotifications();
  const unread = (notifications.data ?? []).filter((n) => n.read_at === null).length;
  const label = unread > 0 ? t("notifications.unread", { unread }) : t("notifications.title");
  return (
    <Link href="/notifications" className="icon-button bell" aria-label={label} data-testid="open-notifications">
      <Icon name="bell" />
      {unread > 0 ? (
        <span className="bell__count" aria-hidden="true" data-testid="unread-count">
          {unread > 9 ? "9+" : unread}
        </span>
      ) : null}
    </Link>
  );
}
