import type { CalendarEntry } from "../../lib/calendar";
import { formatEnergy } from "../../lib/format";

const TIME = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit" });

export function AgendaItem({ entry }: { entry: CalendarEntry }) {
  const verb = entry.kind === "offer" ? "offers" : "needs";
  return (
    <article className={`card list-item agenda agenda--${entry.kind}`} data-testid={`agenda-${entry.key}`}>
      <div className="list-item__row">
        <span className="list-item__title">
          {entry.mine ? "You" : (entry.site ?? "A neighbour")} {entry.mine ? verb.replace(/s$/, "") : verb}{" "}
          {formatEnergy(entry.amountWh)}
          {entry.mine && entry.site ? <span className="muted"> · {entry.site}</span> : null}
        </span>
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
      </p>
    </article>
  );
}
