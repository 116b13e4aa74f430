/** The month's ex-post sharing: per interval, what an own site gave to or got from the pool, and why. */
import { useQuery } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { getJson } from "../../api/client";
import { useSites } from "../../hooks/useSites";
import { type Allocation, sharedIntervals } from "../../lib/allocations";
import { formatAmount } from "../../lib/amounts";
import { formatKwh } from "../../lib/explanations";
import { formatWhenIn } from "../../lib/period";
import { siteNames } from "../../lib/sites";

const PAGE = 20;

/** The bill's own window: the hub computed it in the community's calendar. */
type Span = { start: string; end: string };

function useAllocations({ start, end }: Span) {
  const search = `?start=${encodeURIComponent(start)}&end=${encodeURIComponent(end)}`;
  return useQuery({
    queryKey: ["allocations", start, end],
    queryFn: ({ signal }) => getJson<Allocation[]>(`/api/allocations${search}`, signal),
    staleTime: 60_000,
  });
}

export function Allocations({ span, timeZone, currency }: { span: Span; timeZone: string | undefined; currency: string }) {
  const { t, i18n } = useTranslation();
  const query = useAllocations(span);
  const sites = useSites();
  const names = useMemo(() => siteNames(sites.data), [sites.data]);
  const [shown, setShown] = useState(PAGE);
  const rows = useMemo(() => sharedIntervals(query.data ?? []), [query.data]);
  // Communities that trade by orders have no ex-post allocations: then the section stays away.
  if (rows.length === 0) return null;
  const locale = i18n.language;
  return (
    <section className="stack" aria-labelledby="allocations-heading" data-testid="allocations">
      <h2 id="allocations-heading" className="section-title">
        {t("bills.allocations.title")}
      </h2>
      <p className="muted">{t("bills.allocations.intro")}</p>
      <ul className="list" aria-label={t("bills.allocations.title")}>
        {rows.slice(0, shown).map((a) => {
          const received = a.received_wh > 0;
          const reason =
            a.explanation.code === "static_share"
              ? t("bills.allocations.static_share", { weight: a.explanation.weight ?? "" })
              : t(`bills.allocations.${a.explanation.code}`);
          return (
            <li key={`${a.site}@${a.start}`} className="card list-item" data-testid={`allocation-${a.site}-${a.start}`}>
              <div className="list-item__row">
                <span className="list-item__title">
                  {received
                    ? t("bills.allocations.received", { energy: formatKwh(a.received_wh, locale) })
                    : t("bills.allocations.gave", { energy: formatKwh(a.given_wh, locale) })}
                </span>
                <span className="amount">{formatAmount(a.amount, currency, locale)}</span>
              </div>
              <p className="list-item__meta">
                {names.get(a.site) ?? a.site} · {formatWhenIn(a.start, timeZone, locale)} · {reason}
              </p>
            </li>
          );
        })}
      </ul>
      {rows.length > shown ? (
        <button type="button" className="button button--ghost button--small" onClick={() => setShown(shown + PAGE)}>
          {t("bills.allocations.more", { count: rows.length - shown })}
        </button>
      ) : null}
    </section>
  );
}
