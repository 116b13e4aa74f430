import { useMemo } from "react";
import { useTranslation } from "react-i18next";
import type { Transaction } from "../../api/types";
import { useCurrency } from "../../hooks/useCommunities";
import { useSites } from "../../hooks/useSites";
import { formatAmount } from "../../lib/amounts";
import { formatDecimalPrice, formatKwh } from "../../lib/explanations";
import { formatWhen, formatWindow } from "../../lib/format";
import { siteNames } from "../../lib/sites";
import { TransactionStatusBadge } from "./TransactionStatusBadge";

/** Statuses after the meters were read: the delivered kWh and the amount are the settled ones. */
const SETTLED = new Set<Transaction["status"]>(["completed", "partially_delivered", "failed"]);

/**
 * One trade: who sold to whom, traded and delivered kWh, what the buyer pays (energy + fee, from
 * the meters once settled), why less arrived, and whether a battery's delivery is at risk.
 */
export function TransactionCard({ transaction: tx }: { transaction: Transaction }) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language;
  const currency = useCurrency(tx.community);
  const sites = useSites();
  const names = useMemo(() => siteNames(sites.data), [sites.data]);
  const own = useMemo(() => new Set((sites.data ?? []).filter((s) => s.mine).map((s) => s.site)), [sites.data]);
  const name = (id: string) => names.get(id) ?? id;
  const price = (value: string) => formatDecimalPrice(value, { locale, currency });
  const settled = SETTLED.has(tx.status);
  const role = own.has(tx.buyer_site_id) ? "bought" : own.has(tx.seller_site_id) ? "sold" : null;
  return (
    <article className={`card list-item${tx.at_risk ? " list-item--risk" : ""}`} data-testid={`transaction-${tx.id}`}>
      <div className="list-item__row">
        <span className="list-item__title">
          {name(tx.seller_site_id)} → {name(tx.buyer_site_id)}
        </span>
        <TransactionStatusBadge status={tx.status} />
      </div>
      <dl className="trade-figures">
        {role ? (
          <div>
            <dt>{t("transaction.role")}</dt>
            <dd>{t(`transaction.${role}`)}</dd>
          </div>
        ) : null}
        <div>
          <dt>{t("transaction.traded")}</dt>
          <dd data-testid="transaction-traded">{formatKwh(tx.energy_wh, locale)}</dd>
        </div>
        <div>
          <dt>{t("transaction.delivered")}</dt>
          <dd data-testid="transaction-delivered">{settled ? formatKwh(tx.delivered_wh, locale) : t("transaction.notYet")}</dd>
        </div>
        <div>
          <dt>{t("transaction.amount")}</dt>
          <dd data-testid="transaction-amount">{tx.amount != null ? formatAmount(tx.amount, currency, locale) : t("transaction.notYet")}</dd>
        </div>
      </dl>
      <p className="list-item__meta" data-testid="transaction-price">
        {t("market.trades.price", { energy: price(tx.energy_price), fee: price(tx.fee), buyer: price(tx.buyer_price) })}
      </p>
      {tx.shortfall ? (
        <p className="list-item__meta list-item__problem" data-testid="transaction-shortfall">
          {t(`transaction.shortfall.${tx.shortfall}`)}
        </p>
      ) : tx.failure_reason ? (
        <p className="list-item__meta list-item__problem">{tx.failure_reason}</p>
      ) : null}
      {tx.at_risk ? (
        <p className="list-item__meta list-item__problem" data-testid="transaction-at-risk">
          <strong>{t("transaction.atRisk")}</strong>
          {tx.dispatch ? ` ${t(`transaction.dispatch.${tx.dispatch.outcome}`)}` : null}
        </p>
      ) : null}
      <p className="list-item__meta">
        {formatWindow(tx.window_start, tx.window_end)} · <time dateTime={tx.created_at}>{formatWhen(tx.created_at)}</time>
      </p>
    </article>
  );
}
