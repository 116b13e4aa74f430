import type { CalendarEntry } from "../../lib/calendar";
import { formatEnergy } from "../../lib/format";
import { orderStatusLabel } from "../../lib/orders";

const TIME = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit" });

function title(entry: CalendarEntry): string {
  const amount = formatEnergy(entry.amountWh);
  if (entry.mine) return `You ${entry.kind === "offer" ? "offer" : "need"} ${amount}`;
  return `${entry.site ?? "A neighbour"} ${entry.kind === "offer" ? "offers" : "needs"} ${amount}`;
}

export function AgendaItem({ entry }: { entry: CalendarEntry }) {
  const status = orderStatusLabel(entry.status);
  return (
    <article className={`card list-item agenda agenda--${entry.kind}`} data-testid={`agenda-${entry.key}`}>
      <div className="list-item__row">
        <span className="list-item__title">{title(entry)}</span>
        <span className={`badge badge--${entry.kind === "offer" ? "ok" : "unknown"}`}>{entry.kind}</span>
      </div>
      <p className="list-item__meta">
        <time dateTime={entry.start.toISOString()}>{TIME.format(entry.start)}</time>
        {entry.end ? (
          <>
            {" – "}
            <time dateTime={entry.end.toISOString()}>{TIME.format(entry.end)}</time>
          </>
        ) : null}
        {entry.mine && entry.site ? ` · ${entry.kind === "offer" ? "from" : "for"} ${entry.site}` : null}
        {status ? ` · ${status}` : null}
      </p>
    </article>
  );
}
