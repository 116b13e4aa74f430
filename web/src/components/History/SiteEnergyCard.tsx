import { useTranslation } from "react-i18next";
import type { SiteSnapshot } from "../../api/types";
import { HISTORY_HOURS, historyStart, useSiteHistory } from "../../hooks/useSiteHistory";
import { formatEnergy, formatPercent } from "../../lib/format";
import { siteTitle } from "../../lib/sites";
import { EnergyChart } from "./EnergyChart";

/** A ratio of 0…1 from the hub as a percentage; null (nothing to divide by) stays unknown. */
const percent = (ratio: number | null) => (ratio === null ? null : ratio * 100);

/** The last 24 hours of one of the user's sites: hourly chart plus the hub's totals. */
export function SiteEnergyCard({ site }: { site: SiteSnapshot }) {
  const { t } = useTranslation();
  const history = useSiteHistory(site.site, site.mine !== false);
  // Nothing to add when the hub keeps no history (yet) or can't answer: the live view stands alone.
  if (!history.data || history.data.points.length === 0) return null;
  const { points, totals } = history.data;
  const kwh = (value: number) => formatEnergy(value * 1000);
  const windy = totals.wind_kwh > 0;
  const title = siteTitle(site);
  return (
    <section className="card energy-card" aria-labelledby="energy-heading" data-testid={`energy-card-${site.site}`}>
      <h2 id="energy-heading" className="section-title">
        {t("energy.title", { site: title })}
      </h2>
      <EnergyChart points={points} from={historyStart()} hours={HISTORY_HOURS} title={t("energy.chart", { site: title })} />
      <dl className="energy-card__totals">
        <div>
          <dt>{t("energy.produced")}</dt>
          <dd data-testid="energy-produced">{kwh(totals.produced_kwh)}</dd>
        </div>
        {windy ? (
          <div>
            <dt>{t("energy.wind")}</dt>
            <dd data-testid="energy-wind">{kwh(totals.wind_kwh)}</dd>
          </div>
        ) : null}
        <div>
          <dt>{t("energy.used")}</dt>
          <dd>{kwh(totals.consumed_kwh)}</dd>
        </div>
        <div>
          <dt>{t("energy.imported")}</dt>
          <dd>{kwh(totals.imported_kwh)}</dd>
        </div>
        <div>
          <dt>{t("energy.exported")}</dt>
          <dd>{kwh(totals.exported_kwh)}</dd>
        </div>
        <div>
          <dt>{t("energy.selfConsumption")}</dt>
          <dd data-testid="energy-self-consumption">{formatPercent(percent(totals.self_consumption))}</dd>
        </div>
        <div>
          <dt>{t("energy.selfSufficiency")}</dt>
          <dd data-testid="energy-self-sufficiency">{formatPercent(percent(totals.self_sufficiency))}</dd>
        </div>
      </dl>
    </section>
  );
}
