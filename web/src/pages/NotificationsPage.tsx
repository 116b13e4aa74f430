import { QueryState } from "../components/Common/QueryState";
import { NotificationItem } from "../components/Notifications/NotificationItem";
import { useMarkRead, useNotifications } from "../hooks/useNotifications";
import { usePageTitle } from "../hooks/usePageTitle";

export function NotificationsPage() {
  usePageTitle("Notifications");
  const notifications = useNotifications();
  const mark = useMarkRead();
  const unread = (notifications.data ?? []).some((n) => n.read === false);
  return (
    <div>
      <div className="market__bar">
        <h1 className="page-title">Notifications</h1>
        {unread ? (
          <button type="button" className="button button--ghost button--small" onClick={() => mark.mutate("all")}>
            Mark all as read
          </button>
        ) : null}
      </div>
      <QueryState
        query={notifications}
        what="notifications"
        empty="No notifications yet"
        emptyHint={<p>Matches, completed transfers and requests near you will be announced here.</p>}
      >
        {(items) => (
          <ul className="list" aria-label="Notifications">
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
