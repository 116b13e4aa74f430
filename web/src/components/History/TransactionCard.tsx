import type { Transaction } from "../../api/types";
import { useCurrency } from "../../hooks/useCommunities";
import { formatEnergy, formatMoney, formatPrice, formatWhen } from "../../lib/format";
import { StatusBadge } from "../Common/StatusBadge";

export function TransactionCard({ transaction: t }: { transaction: Transaction }) {
  const currency = useCurrency(t.community) ?? t.currency;
  return (
    <article className="card list-item" data-testid={`transaction-${t.id}`}>
      <div className="list-item__row">
        <span className="list-item__title">
          {t.from_site ?? "?"} → {t.to_site ?? "?"}
        </span>
        <span className="amount">{formatEnergy(t.amount_wh)}</span>
      </div>
      <div className="list-item__row list-item__meta">
        <span>
          {formatPrice(t.price_per_kwh, currency)}
          {t.total_price != null ? ` · total ${formatMoney(t.total_price, currency)}` : null}
        </span>
        <StatusBadge status={t.status} />
      </div>
      {t.delivered_wh !== undefined && t.amount_wh ? (
        <p className="list-item__meta">
          Delivered {formatEnergy(t.delivered_wh)} of {formatEnergy(t.amount_wh)}
        </p>
      ) : null}
      {t.failure_reason ? <p className="list-item__meta list-item__problem">{t.failure_reason}</p> : null}
      <p className="list-item__meta">
        <time dateTime={t.created_at}>{formatWhen(t.created_at)}</time>
        {t.completed_at ? (
          <>
            {" · completed "}
            <time dateTime={t.completed_at}>{formatWhen(t.completed_at)}</time>
          </>
        ) : null}
      </p>
    </article>
  );
}
