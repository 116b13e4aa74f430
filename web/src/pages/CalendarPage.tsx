import { useMemo, useState } from "react";
import { AgendaItem } from "../components/Calendar/AgendaItem";
import { WeekStrip } from "../components/Calendar/WeekStrip";
import { EmptyState } from "../components/Common/EmptyState";
import { ErrorState } from "../components/Common/ErrorState";
import { Loading } from "../components/Common/Loading";
import { useOffers, useRequests } from "../hooks/useMarket";
import { daysFrom, entriesOn, startOfDay, toEntries } from "../lib/calendar";
import { usePageTitle } from "../hooks/usePageTitle";

const HEADING = new Intl.DateTimeFormat(undefined, { weekday: "long", day: "numeric", month: "long" });

export function CalendarPage() {
  usePageTitle("Energy calendar");
  const requests = useRequests();
  const offers = useOffers();
  const [today] = useState(() => startOfDay(new Date()));
  const [selected, setSelected] = useState(today);
  const days = useMemo(() => daysFrom(today, 7), [today]);
  const entries = useMemo(() => toEntries(requests.data ?? [], offers.data ?? []), [requests.data, offers.data]);

  let body;
  if (requests.isPending || offers.isPending) {
    body = <Loading what="the schedule" />;
  } else if (requests.isError || offers.isError) {
    body = (
      <ErrorState
        what="the schedule"
        error={requests.error ?? offers.error}
        onRetry={() => {
          void requests.refetch();
          void offers.refetch();
        }}
      />
    );
  } else if (entries.length === 0) {
    body = (
      <EmptyState title="Nothing scheduled yet">
        <p>Requests and offers with a time window are planned here, day by day.</p>
      </EmptyState>
    );
  } else {
    const onDay = entriesOn(entries, selected);
    body = (
      <section aria-labelledby="agenda-heading">
        <h2 id="agenda-heading" className="section-title">
          {HEADING.format(selected)}
        </h2>
        {onDay.length === 0 ? (
          <EmptyState title="Nothing scheduled this day" />
        ) : (
          <ul className="list">
            {onDay.map((entry) => (
              <li key={entry.key}>
                <AgendaItem entry={entry} />
              </li>
            ))}
          </ul>
        )}
      </section>
    );
  }

  return (
    <div>
      <h1 className="page-title">Energy calendar</h1>
      <WeekStrip days={days} entries={entries} selected={selected} today={today} onSelect={setSelected} />
      {body}
    </div>
  );
}
