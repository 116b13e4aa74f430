import type { AppNotification } from "../../api/types";
import { useMarkRead } from "../../hooks/useNotifications";
import { formatWhen } from "../../lib/format";

export function NotificationItem({ notification: n }: { notification: AppNotification }) {
  const mark = useMarkRead();
  const unread = n.read === false;
  return (
    <article className={`card list-item${unread ? " list-item--unread" : ""}`} data-testid={`notification-${n.id}`}>
      <div className="list-item__row">
        <span className="list-item__title">
          {unread ? <span className="visually-hidden">Unread: </span> : null}
          {n.title ?? n.message}
        </span>
        <time className="list-item__meta" dateTime={n.created_at}>
          {formatWhen(n.created_at)}
        </time>
      </div>
      {n.title && n.message ? <p>{n.message}</p> : null}
      {unread ? (
        <div className="list-item__actions">
          <button
            type="button"
            className="button button--ghost button--small"
            disabled={mark.isPending}
            onClick={() => mark.mutate(n.id)}
          >
            Mark as read
          </button>
        </div>
      ) : null}
    </article>
  );
}
