/** The market at a glance: when the next gate closes (hub time) and what the latest intervals cleared at. */
import { useTranslation } from "react-i18next";
import type { IntervalResult, MarketOverview } from "../../api/types";
import { useNow } from "../../hooks/useNow";
import { formatDecimalPrice, formatKwh } from "../../lib/explanations";
import { formatTime } from "../../lib/format";
import { formatCountdown, nextGate } from "../../lib/orders";

function ResultFigures({ result, currency }: { result: IntervalResult; currency: string }) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language;
  const share = new Intl.NumberFormat(locale, { style: "percent", maximumFractionDigits: 0 }).format(result.community_share);
  return (
    <dl className="details market-summary__figures">
      <div>
        <dt>{t("market.summary.price")}</dt>
        <dd data-testid="result-price">{result.price === null ? t("market.summary.noPrice") : `${formatDecimalPrice(result.price, { locale, currency })}/kWh`}</dd>
      </div>
      <div>
        <dt>{t("market.summary.volume")}</dt>
        <dd data-testid="result-volume">{formatKwh(result.volume_wh, locale)}</dd>
      </div>
      <div>
        <dt>{t("market.summary.trades")}</dt>
        <dd data-testid="result-trades">{new Intl.NumberFormat(locale).format(result.trades)}</dd>
      </div>
      <div>
        <dt>{t("market.summary.share")}</dt>
        <dd data-testid="result-share">{share}</dd>
      </div>
    </dl>
  );
}

export function MarketSummary({ overview }: { overview: MarketOverview }) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language;
  const now = useNow(1000);
  const gate = nextGate(overview.next_gate, overview.interval_minutes, now);
  const [latest, ...earlier] = overview.results;
  const interval = (r: IntervalResult) => `${formatTime(Date.parse(r.start))}–${formatTime(Date.parse(r.end))}`;
  return (
    <section className="card market-summary" aria-labelledby="market-summary-title" data-testid="market-summary">
      <h2 id="market-summary-title" className="section-title">
        {t("market.summary.title")}
      </h2>
      {gate !== null ? (
        <p className="market-summary__gate">
          {t("market.summary.nextGate")}{" "}
          <strong data-testid="next-gate" aria-live="off">
            {formatCountdown(gate - now)}
          </strong>{" "}
          <span className="muted">({t("market.summary.at", { time: formatTime(gate) })})</span>
        </p>
      ) : null}
      {latest ? (
        <div data-testid="result-latest">
          <h3 className="subsection-title">{t("market.summary.latest", { interval: interval(latest) })}</h3>
          <ResultFigures result={latest} currency={overview.currency} />
        </div>
      ) : (
        <p className="muted">{t("market.summary.noResults")}</p>
      )}
      {earlier.length > 0 ? (
        <details className="market-summary__earlier">
          <summary>{t("market.summary.earlier")}</summary>
          <ul className="list">
            {earlier.slice(0, 8).map((r) => (
              <li key={r.start} className="list-item__meta">
                {interval(r)} · {r.price === null ? t("market.summary.noPrice") : `${formatDecimalPrice(r.price, { locale, currency: overview.currency })}/kWh`} ·{" "}
                {formatKwh(r.volume_wh, locale)} · {t("market.summary.tradesCount", { count: r.trades })}
              </li>
            ))}
          </ul>
        </details>
      ) : null}
    </section>
  );
}
