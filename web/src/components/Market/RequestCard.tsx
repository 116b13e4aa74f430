import { useTranslation } from "react-i18next";
import type { EnergyRequest } from "../../api/types";
import { useCurrency } from "../../hooks/useCommunities";
import { useNow } from "../../hooks/useNow";
import { formatAge, formatEnergy, formatPrice, formatWindow } from "../../lib/format";
import { isOpen } from "../../lib/orders";
import { CancelButton } from "./CancelButton";
import { Explanation } from "./Explanation";
import { OrderStatus } from "./OrderStatus";

export function RequestCard({ request }: { request: EnergyRequest }) {
  const { t } = useTranslation();
  const now = useNow();
  const currency = useCurrency(request.community) ?? request.currency;
  const mine = request.mine === true;
  const open = isOpen(request.status);
  const title = mine ? t("market.youNeed") : t("market.needs", { site: request.site ?? t("market.aNeighbour") });
  const urgency = request.urgency ? t(`market.urgency.${request.urgency}`, { defaultValue: request.urgency }) : null;
  return (
    <article className={`card list-item${mine ? " list-item--mine" : ""}`} data-testid={`request-${request.id}`}>
      <div className="list-item__row">
        <span className="list-item__title">{title}</span>
        <span className="amount">{formatEnergy(request.amount_wh)}</span>
      </div>
      <div className="list-item__row list-item__meta">
        <span>
          {urgency ? <strong className={`urgency urgency--${request.urgency}`}>{urgency}</strong> : null}
          {urgency ? " · " : null}
          {t("market.upTo", { price: formatPrice(request.max_price_per_kwh, currency) })}
        </span>
        <OrderStatus status={request.status} />
      </div>
      <p className="list-item__meta">
        {mine && request.site ? `${t("market.forSite", { site: request.site })} · ` : null}
        {request.window_start ? `${formatWindow(request.window_start, request.window_end)} · ` : null}
        {t("market.posted", { age: formatAge(request.created_at, now) })}
      </p>
      {request.explanation || (mine && open) ? (
        <Explanation side="request" explanation={request.explanation} currency={currency} />
      ) : null}
      {mine && open ? (
        <div className="list-item__actions">
          <CancelButton kind="request" id={request.id} />
        </div>
      ) : null}
    </article>
  );
}
