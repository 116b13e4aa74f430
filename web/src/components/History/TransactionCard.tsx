import { useMemo } from "react";
import { useTranslation } from "react-i18next";
import type { Transaction } from "../../api/types";
import { useCurrency } from "../../hooks/useCommunities";
import { useSites } from "../../hooks/useSites";
import { formatDecimalPrice, formatKwh } from "../../lib/explanations";
import { formatWhen, formatWindow } from "../../lib/format";
import { siteNames } from "../../lib/sites";
import { StatusBadge } from "../Common/StatusBadge";

/** One trade: who sold to whom, how much, and the price split energy + fee = what the buyer pays, per kWh. */
export function TransactionCard({ transaction: tx }: { transaction: Transaction }) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language;
  const currency = useCurrency(tx.community);
  const sites = useSites();
  const names = useMemo(() => siteNames(sites.data), [sites.data]);
  const name = (id: string) => names.get(id) ?? id;
  const price = (value: string) => formatDecimalPrice(value, { locale, currency });
  return (
    <article className="card list-item" data-testid={`transaction-${tx.id}`}>
      <div className="list-item__row">
        <span className="list-item__title">
          {name(tx.seller_site_id)} → {name(tx.buyer_site_id)}
        </span>
        <span className="amount">{formatKwh(tx.energy_wh, locale)}</span>
      </div>
      <div className="list-item__row list-item__meta">
        <span data-testid="transaction-price">
          {t("market.trades.price", { energy: price(tx.energy_price), fee: price(tx.fee), buyer: price(tx.buyer_price) })}
        </span>
        <StatusBadge status={tx.status} label={t(`market.trades.status.${tx.status}`, { defaultValue: tx.status })} />
      </div>
      <p className="list-item__meta">
        {formatWindow(tx.window_start, tx.window_end)}
        {tx.delivered_wh > 0 ? ` · ${t("market.trades.delivered", { delivered: formatKwh(tx.delivered_wh, locale), energy: formatKwh(tx.energy_wh, locale) })}` : null}
      </p>
      {tx.failure_reason ? <p className="list-item__meta list-item__problem">{tx.failure_reason}</p> : null}
      <p className="list-item__meta">
        <time dateTime={tx.created_at}>{formatWhen(tx.created_at)}</time>
      </p>
    </article>
  );
}
