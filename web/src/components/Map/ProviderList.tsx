import { formatPercent, formatPower } from "../../lib/format";
import { readValue } from "../../lib/reading";
import type { Provider } from "../../lib/providers";
import { siteTitle } from "../../lib/sites";

function capabilities(p: Provider): string {
  return [p.hasPv ? "solar" : null, p.hasWind ? "wind" : null, p.hasBattery ? "battery" : null].filter(Boolean).join(" + ") || "provider";
}

function surplus(p: Provider): string {
  if (p.surplusW === null) return p.site.online === false ? "offline" : "";
  return p.surplusW > 0 ? `${formatPower(p.surplusW)} spare` : "no surplus";
}

export function ProviderList({ providers }: { providers: Provider[] }) {
  return (
    <ul className="list" aria-label="Providers">
      {providers.map((p) => (
        <li key={`${p.site.community}/${p.site.site}`}>
          <article className="card list-item" data-testid={`provider-${p.site.site}`}>
            <div className="list-item__row">
              <span className="list-item__title">{siteTitle(p.site)}</span>
              <span className="amount">{surplus(p)}</span>
            </div>
            <p className="list-item__meta">
              {p.site.community} · {capabilities(p)}
              {p.site.reading && p.hasPv ? ` · solar ${formatPower(readValue(p.site.reading, "pv_w"))}` : null}
              {p.site.reading && p.hasBattery ? ` · battery ${formatPercent(readValue(p.site.reading, "soc_pct"))}` : null}
            </p>
          </article>
        </li>
      ))}
    </ul>
  );
}
