import { QueryState } from "../components/Common/QueryState";
import { useNotifications } from "../hooks/useNotifications";
import { formatWhen } from "../lib/format";
import { usePageTitle } from "../hooks/usePageTitle";

export function NotificationsPage() {
  usePageTitle("Notifications");
  const notifications = useNotifications();
  return (
    <div>
      <h1 className="page-title">Notifications</h1>
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
                <article className={`card list-item${n.read === false ? " list-item--unread" : ""}`}>
                  <div className="list-item__row">
                    <span className="list-item__title">{n.title ?? n.message}</span>
                    <time className="list-item__meta" dateTime={n.created_at}>
                      {formatWhen(n.created_at)}
                    </time>
                  </div>
                  {n.title && n.message ? <p>{n.message}</p> : null}
                </article>
              </li>
            ))}
          </ul>
        )}
      </QueryState>
    </div>
  );
}
