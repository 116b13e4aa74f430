import { useMemo } from "react";
import { useTranslation } from "react-i18next";
import type { Adjustment } from "../../api/bills";
import { formatAmount } from "../../lib/amounts";
import { formatKwh } from "../../lib/explanations";
import { formatWhenIn } from "../../lib/period";
import { siteNames } from "../../lib/sites";
import { useSites } from "../../hooks/useSites";

/** Corrections from intervals settled again (late readings): when, why, and what it changed. */
export function Adjustments({
  adjustments,
  total,
  currency,
  timeZone,
}: {
  adjustments: Adjustment[];
  total: string;
  currency: string;
  /** The community's: an interval is named by its clock. */
  timeZone?: string;
}) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language;
  const sites = useSites();
  const names = useMemo(() => siteNames(sites.data), [sites.data]);
  // Why an interval was settled again, from the hub's code (hub/market/correction_notes.py).
  const why = ({ correction }: Adjustment): string | null => {
    if (correction === null) return null;
    if (correction.code === "late_readings") {
      return t("bills.adjustments.lateReadings", { sites: correction.sites.map((id) => names.get(id) ?? id).join(", ") });
    }
    return t("bills.adjustments.tradesChanged");
  };
  if (adjustments.length === 0) return null;
  return (
    <section className="card stack" aria-labelledby="adjustments-heading" data-testid="bill-adjustments">
      <h2 id="adjustments-heading" className="section-title">
        {t("bills.adjustments.title")}
      </h2>
      <p className="list-item__meta">{t("bills.adjustments.intro")}</p>
      <ul className="list">
        {adjustments.map((a) => (
          <li key={`${a.interval_start}-${a.revision}`} className="adjustment" data-testid="bill-adjustment">
            <div className="list-item__row">
              <span className="list-item__title">
                {t("bills.adjustments.interval", { when: formatWhenIn(a.interval_start, timeZone, locale), revision: a.revision })}
              </span>
              <span className="amount">{formatAmount(a.amount, currency, locale)}</span>
            </div>
            {why(a) ? <p className="list-item__meta">{why(a)}</p> : null}
            {a.import_wh !== 0 || a.export_wh !== 0 ? (
              <p className="list-item__meta">
                {t("bills.adjustments.energy", { received: formatKwh(a.import_wh, locale), given: formatKwh(a.export_wh, locale) })}
              </p>
            ) : null}
          </li>
        ))}
      </ul>
      <p className="list-item__row">
        <span>{t("bills.adjustments.total")}</span>
        <strong data-testid="bill-adjustments-total">{formatAmount(total, currency, locale)}</strong>
      </p>
    </section>
  );
}
