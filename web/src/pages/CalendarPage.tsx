import { useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { AgendaItem } from "../components/Calendar/AgendaItem";
import { BookSlot } from "../components/Calendar/BookSlot";
import { WeekStrip } from "../components/Calendar/WeekStrip";
import { EmptyState } from "../components/Common/EmptyState";
import { ErrorState } from "../components/Common/ErrorState";
import { Loading } from "../components/Common/Loading";
import { useOfferBook, useRequestBook } from "../hooks/useMarket";
import { daysFrom, entriesOn, startOfDay, toEntries } from "../lib/calendar";
import { useNow } from "../hooks/useNow";
import { useSites } from "../hooks/useSites";

export function CalendarPage() {
  const { t, i18n } = useTranslation();
  // The market's lists (same query keys, kept current by the same live events): one's own orders
  // (`?mine=true`, every status) plus the neighbours' still in the book (`?active=true`), not the
  // plain list, which neighbours' standing orders would fill.
  const requests = useRequestBook(false);
  const offers = useOfferBook(false);
  // "Today" is the hub's day (demo time in the demo, where a day lasts 24 minutes).
  const now = useNow(60_000);
  const dayStart = startOfDay(new Date(now)).getTime();
  const sites = useSites();
  const ownSites = (sites.data ?? []).filter((site) => site.mine === true);
  const neighbours = (sites.data ?? []).filter((site) => site.mine !== true && site.community === ownSites[0]?.community);
  const today = useMemo(() => new Date(dayStart), [dayStart]);
  const [picked, setSelected] = useState<Date | null>(null);
  const selected = picked ?? today;
  const days = useMemo(() => daysFrom(today, 7), [today]);
  const entries = useMemo(() => toEntries(requests.data ?? [], offers.data ?? []), [requests.data, offers.data]);
  const heading = useMemo(() => new Intl.DateTimeFormat(i18n.language, { weekday: "long", day: "numeric", month: "long" }), [i18n.language]);
  const what = t("calendar.what");

  let body;
  if (requests.isPending || offers.isPending) {
    body = <Loading what={what} />;
  } else if (requests.isError || offers.isError) {
    body = (
      <ErrorState
        what={what}
        error={requests.error ?? offers.error}
        onRetry={() => {
          void requests.refetch();
          void offers.refetch();
        }}
      />
    );
  } else if (entries.length === 0) {
    body = (
      <EmptyState title={t("calendar.empty")}>
        <p>{t("calendar.emptyHint")}</p>
      </EmptyState>
    );
  } else {
    const onDay = entriesOn(entries, selected);
    body = (
      <section aria-labelledby="agenda-heading">
        <h2 id="agenda-heading" className="section-title">
          {heading.format(selected)}
        </h2>
        {onDay.length === 0 ? (
          <EmptyState title={t("calendar.emptyDay")} />
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
      <h1 className="page-title">{t("calendar.title")}</h1>
      <WeekStrip days={days} entries={entries} selected={selected} today={today} onSelect={setSelected} />
      {body}
      <BookSlot key={selected.toISOString()} day={selected} nowMs={now} ownSites={ownSites} neighbours={neighbours} />
    </div>
  );
}
