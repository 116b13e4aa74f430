import { formatPercent, formatPower } from "../../lib/format";
import { capabilities, surplusText, type Provider } from "../../lib/providers";
import { hasValue, readValue } from "../../lib/reading";
import { siteTitle } from "../../lib/sites";

/** One provider: name, what it has, and (for own sites) what it spares right now. */
export function ProviderCard({ provider: p }: { provider: Provider }) {
  const mine = p.site.mine === true;
  return (
    <article className={`card list-item${mine ? " list-item--mine" : ""}`} data-testid={`provider-${p.site.site}`}>
      <div className="list-item__row">
        <span className="list-item__title">
          {siteTitle(p.site)}
          {mine ? <span className="muted"> (yours)</span> : null}
        </span>
        <span className="amount">{surplusText(p)}</span>
      </div>
      <p className="list-item__meta">
        {p.site.community} · {capabilities(p)}
        {p.site.reading && p.hasPv ? ` · solar ${formatPower(readValue(p.site.reading, "pv_w"))}` : null}
        {p.site.reading && p.hasWind && hasValue(p.site.reading, "wind_w") ? ` · wind ${formatPower(readValue(p.site.reading, "wind_w"))}` : null}
        {p.site.reading && p.hasBattery ? ` · battery ${formatPercent(readValue(p.site.reading, "soc_pct"))}` : null}
      </p>
    </article>
  );
}
