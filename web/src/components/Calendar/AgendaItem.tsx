import type { TFunction } from "i18next";
import { useTranslation } from "react-i18next";
import type { CalendarEntry } from "../../lib/calendar";
import { formatEnergy, formatTime } from "../../lib/format";
import { orderStatusKey } from "../../lib/orders";

function title(entry: CalendarEntry, t: TFunction): string {
  const energy = formatEnergy(entry.amountWh);
  if (entry.mine) return entry.kind === "offer" ? t("calendar.youOffer", { energy }) : t("calendar.youNeed", { energy });
  const site = entry.site ?? t("market.aNeighbour");
  return entry.kind === "offer" ? t("calendar.offers", { site, energy }) : t("calendar.needs", { site, energy });
}

export function AgendaItem({ entry }: { entry: CalendarEntry }) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language;
  const key = orderStatusKey(entry.status);
  const status = key ? t(key) : entry.status;
  return (
    <article className={`card list-item agenda agenda--${entry.kind}${entry.mine ? " list-item--mine" : ""}`} data-testid={`agenda-${entry.key}`}>
      <div className="list-item__row">
        <span className="list-item__title">{title(entry, t)}</span>
        <span className={`badge badge--${entry.kind === "offer" ? "ok" : "unknown"}`}>{t(`calendar.kind.${entry.kind}`)}</span>
      </div>
      <p className="list-item__meta">
        <time dateTime={entry.start.toISOString()}>{formatTime(entry.start.getTime(), locale)}</time>
        {entry.end ? (
          <>
            {" – "}
            <time dateTime={entry.end.toISOString()}>{formatTime(entry.end.getTime(), locale)}</time>
          </>
        ) : null}
        {entry.mine && entry.site
          ? ` · ${entry.kind === "offer" ? t("market.fromSite", { site: entry.site }) : t("market.forSite", { site: entry.site })}`
          : null}
        {status ? ` · ${status}` : null}
      </p>
    </article>
  );
}
