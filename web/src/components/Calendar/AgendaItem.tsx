import { useTranslation } from "react-i18next";
import type { CalendarEntry } from "../../lib/calendar";
import { formatEnergy, formatTime } from "../../lib/format";
import { orderStatusKey } from "../../lib/orders";

function title(entry: CalendarEntry): string {
  const amount = formatEnergy(entry.amountWh);
  if (entry.mine) return `You ${entry.kind === "offer" ? "offer" : "need"} ${amount}`;
  return `${entry.site ?? "A neighbour"} ${entry.kind === "offer" ? "offers" : "needs"} ${amount}`;
}

export function AgendaItem({ entry }: { entry: CalendarEntry }) {
  const { t } = useTranslation();
  const key = orderStatusKey(entry.status);
  const status = key ? t(key) : entry.status;
  return (
    <article className={`card list-item agenda agenda--${entry.kind}`} data-testid={`agenda-${entry.key}`}>
      <div className="list-item__row">
        <span className="list-item__title">{title(entry)}</span>
        <span className={`badge badge--${entry.kind === "offer" ? "ok" : "unknown"}`}>{entry.kind}</span>
      </div>
      <p className="list-item__meta">
        <time dateTime={entry.start.toISOString()}>{formatTime(entry.start.getTime())}</time>
        {entry.end ? (
          <>
            {" – "}
            <time dateTime={entry.end.toISOString()}>{formatTime(entry.end.getTime())}</time>
          </>
        ) : null}
        {entry.mine && entry.site ? ` · ${entry.kind === "offer" ? "from" : "for"} ${entry.site}` : null}
        {status ? ` · ${status}` : null}
      </p>
    </article>
  );
}
