import { useMemo } from "react";
import { useTranslation } from "react-i18next";
import type { SiteStatement } from "../../api/bills";
import { useSites } from "../../hooks/useSites";
import { siteNames } from "../../lib/sites";
import { Adjustments } from "./Adjustments";
import { BillLines } from "./BillLines";
import { BillTotals } from "./BillTotals";

/** Each site's share of the bill, for a household with more than one. */
export function SiteBills({ sites, currency }: { sites: SiteStatement[]; currency: string }) {
  const { t } = useTranslation();
  const known = useSites();
  const names = useMemo(() => siteNames(known.data), [known.data]);
  if (sites.length < 2) return null;
  return (
    <section className="stack" aria-labelledby="site-bills-heading" data-testid="bill-sites">
      <h2 id="site-bills-heading" className="section-title">
        {t("bills.perSite")}
      </h2>
      {sites.map((s) => {
        const name = names.get(s.site) ?? s.site;
        return (
          <details key={s.site} className="card" data-testid={`bill-site-${s.site}`}>
            <summary>
              <h3 className="site-bill__title">{name}</h3>
            </summary>
            <BillLines statement={s} currency={currency} caption={t("bills.siteCaption", { site: name })} />
            <BillTotals statement={s} currency={currency} />
            <Adjustments adjustments={s.adjustments} total={s.adjustments_total} currency={currency} />
          </details>
        );
      })}
    </section>
  );
}
