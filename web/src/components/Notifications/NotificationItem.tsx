import { useTranslation } from "react-i18next";
import type { AppNotification } from "../../api/types";
import { useMarkRead } from "../../hooks/useNotifications";
import { formatWhen } from "../../lib/format";
import { useNotificationText } from "./useNotificationText";

export function NotificationItem({ notification: n }: { notification: AppNotification }) {
  const { t } = useTranslation();
  const mark = useMarkRead();
  const words = useNotificationText()({ kind: n.kind, title: n.title, message: n.body, data: n.data });
  const unread = n.read_at === null;
  return (
    <article className={`card list-item${unread ? " list-item--unread" : ""}`} data-testid={`notification-${n.id}`}>
      <div className="list-item__row">
        <span className="list-item__title">
          {unread ? <span className="visually-hidden">{t("notifications.unreadPrefix")} </span> : null}
          {words.title ?? words.message}
        </span>
        <time className="list-item__meta" dateTime={n.created_at}>
          {formatWhen(n.created_at)}
        </time>
      </div>
      {words.title && words.message ? <p>{words.message}</p> : null}
      {unread ? (
        <div className="list-item__actions">
          <button
            type="button"
            className="button button--ghost button--small"
            disabled={mark.isPending}
            onClick={() => mark.mutate(n.id)}
          >
            {t("notifications.markRead")}
          </button>
        </div>
      ) : null}
    </article>
  );
}
