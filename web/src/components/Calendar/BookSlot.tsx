/** Book energy from the calendar: the chosen day's future slots, each opening a prefilled request. */
import { useState } from "react";
import { useTranslation } from "react-i18next";
import type { SiteSnapshot } from "../../api/types";
import { useMarketOverview } from "../../hooks/useMarket";
import { formatTime } from "../../lib/format";
import { orderKindsFor } from "../../lib/orders";
import { bookableSlots, type Slot } from "../../lib/slots";
import { OrderForm } from "../Market/OrderForm";

interface Props {
  day: Date;
  nowMs: number;
  /** The caller's own sites, and the community's other sites (partners for the form). */
  ownSites: SiteSnapshot[];
  neighbours: SiteSnapshot[];
}

export function BookSlot({ day, nowMs, ownSites, neighbours }: Props) {
  const { t, i18n } = useTranslation();
  const [slot, setSlot] = useState<Slot | null>(null);
  const overview = useMarketOverview(ownSites[0]?.community);
  const buyers = ownSites.filter((s) => orderKindsFor(s.kind).includes("request"));
  const slots = bookableSlots(day, nowMs);
  if (ownSites.length === 0) return null;
  return (
    <section className="book" aria-labelledby="book-heading">
      <h3 id="book-heading" className="subsection-title">
        {t("calendar.book.title")}
      </h3>
      {buyers.length === 0 ? (
        <p className="muted">{t("calendar.book.onlySell")}</p>
      ) : slot ? (
        <OrderForm
          key={slot.start.toISOString()}
          kind="request"
          sites={buyers}
          neighbours={neighbours}
          overview={overview.data}
          window={slot}
          onDone={() => setSlot(null)}
        />
      ) : slots.length === 0 ? (
        <p className="muted">{t("calendar.book.noneLeft")}</p>
      ) : (
        <ul className="book__slots" aria-label={t("calendar.book.slots")}>
          {slots.map((s) => {
            const range = t("calendar.book.range", { start: formatTime(s.start.getTime(), i18n.language), end: formatTime(s.end.getTime(), i18n.language) });
            return (
              <li key={s.start.toISOString()}>
                <button type="button" className="button button--ghost button--small" aria-label={t("calendar.book.slot", { range })} onClick={() => setSlot(s)}>
                  {range}
                </button>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
