import type { SiteSnapshot } from "../../api/types";
import { HISTORY_HOURS, historyStart, useSiteHistory } from "../../hooks/useSiteHistory";
import { formatEnergy, formatPercent } from "../../lib/format";
import { totalsOf } from "../../lib/history";
import { siteTitle } from "../../lib/sites";
import { EnergyChart } from "./EnergyChart";

/** The last 24 hours of one of the user's sites: hourly chart plus totals. */
export function SiteEnergyCard({ site }: { site: SiteSnapshot }) {
  const history = useSiteHistory(site.site, site.mine !== false);
  // Nothing to add when the hub keeps no history (yet) or can't answer: the live view stands alone.
  if (!history.data || history.data.points.length === 0) return null;
  const totals = totalsOf(history.data.points);
  const kwh = (value: number) => formatEnergy(value * 1000);
  return (
    <section className="card energy-card" aria-labelledby="energy-heading" data-testid={`energy-card-${site.site}`}>
      <h2 id="energy-heading" className="section-title">
        Last 24 hours · {siteTitle(site)}
      </h2>
      <EnergyChart
        points={history.data.points}
        from={historyStart()}
        hours={HISTORY_HOURS}
        title={`Hourly solar production and consumption at ${siteTitle(site)}`}
      />
      <p className="chart__legend">
        <span className="chart__key chart__key--pv" aria-hidden="true" /> Solar
        <span className="chart__key chart__key--load" aria-hidden="true" /> Used
      </p>
      <dl className="energy-card__totals">
        <div>
          <dt>Produced</dt>
          <dd data-testid="energy-produced">{kwh(totals.producedKwh)}</dd>
        </div>
        <div>
          <dt>Used</dt>
          <dd>{kwh(totals.consumedKwh)}</dd>
        </div>
        <div>
          <dt>Imported</dt>
          <dd>{kwh(totals.importedKwh)}</dd>
        </div>
        <div>
          <dt>Exported</dt>
          <dd>{kwh(totals.exportedKwh)}</dd>
        </div>
        <div>
          <dt>Self-sufficient</dt>
          <dd>{formatPercent(totals.selfSufficiencyPct)}</dd>
        </div>
      </dl>
    </section>
  );
}
