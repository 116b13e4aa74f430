import { useTranslation } from "react-i18next";
import { formatKm } from "../../lib/explanations";
import { formatPercent, formatPower } from "../../lib/format";
import { offerLines, type OnOffer } from "../../lib/onOffer";
import { capabilities, surplus, type Provider } from "../../lib/providers";
import { hasValue, readValue } from "../../lib/reading";
import { siteTitle } from "../../lib/sites";

interface Props {
  provider: Provider;
  /** From the caller's nearest own site; null for own sites or without a location. */
  distanceKm?: number | null;
  /** What it has on offer now, from the hub; undefined while unknown. */
  offer?: OnOffer;
}

/** One provider: name, what it has, how far it is, and (for own sites) what it spares right now. */
export function ProviderCard({ provider: p, distanceKm = null, offer }: Props) {
  const { t, i18n } = useTranslation();
  const mine = p.site.mine === true;
  const spare = surplus(p);
  const kinds = capabilities(p);
  const reading = p.site.reading;
  const facts = [
    p.site.community,
    kinds.length > 0 ? kinds.map((kind) => t(`map.kinds.${kind}`)).join(t("map.joiner")) : t("map.kinds.provider"),
    reading && p.hasPv ? t("map.solarNow", { power: formatPower(readValue(reading, "pv_w")) }) : null,
    reading && p.hasWind && hasValue(reading, "wind_w") ? t("map.windNow", { power: formatPower(readValue(reading, "wind_w")) }) : null,
    reading && p.hasBattery ? t("map.batteryNow", { percent: formatPercent(readValue(reading, "soc_pct")) }) : null,
    distanceKm !== null ? t("map.away", { distance: formatKm(distanceKm, i18n.language) }) : null,
  ].filter((fact): fact is string => Boolean(fact));
  return (
    <article className={`card list-item${mine ? " list-item--mine" : ""}`} data-testid={`provider-${p.site.site}`}>
      <div className="list-item__row">
        <span className="list-item__title">
          {siteTitle(p.site)}
          {mine ? <span className="muted"> {t("map.yours")}</span> : null}
        </span>
        <span className="amount">{spare ? t(spare.key, spare.key === "map.spare" ? { power: spare.power } : {}) : null}</span>
      </div>
      <p className="list-item__meta">{facts.join(" · ")}</p>
      {offer ? (
        <p className="list-item__meta" data-testid={`provider-${p.site.site}-offer`}>
          {offerLines(offer, i18n.language)
            .map((line) => t(line.key, line.values))
            .join(" · ")}
        </p>
      ) : null}
    </article>
  );
}
