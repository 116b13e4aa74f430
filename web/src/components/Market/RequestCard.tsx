import type { EnergyRequest } from "../../api/types";
import { useCurrency } from "../../hooks/useCommunities";
import { formatAge, formatEnergy, formatPrice, formatWindow } from "../../lib/format";
import { isOpen } from "../../lib/orders";
import { CancelButton } from "./CancelButton";
import { OrderStatus } from "./OrderStatus";
import { WaitingNote } from "./WaitingNote";

export function RequestCard({ request }: { request: EnergyRequest }) {
  const currency = useCurrency(request.community) ?? request.currency;
  const mine = request.mine === true;
  const title = mine ? "You need" : `${request.site ?? "A neighbour"} needs`;
  return (
    <article className={`card list-item${mine ? " list-item--mine" : ""}`} data-testid={`request-${request.id}`}>
      <div className="list-item__row">
        <span className="list-item__title">{title}</span>
        <span className="amount">{formatEnergy(request.amount_wh)}</span>
      </div>
      <div className="list-item__row list-item__meta">
        <span>
          {request.urgency ? <strong className={`urgency urgency--${request.urgency}`}>{request.urgency}</strong> : null}
          {request.urgency ? " · " : null}
          up to {formatPrice(request.max_price_per_kwh, currency)}
        </span>
        <OrderStatus status={request.status} />
      </div>
      <p className="list-item__meta">
        {mine && request.site ? `for ${request.site} · ` : null}
        {request.window_start ? `${formatWindow(request.window_start, request.window_end)} · ` : null}
        posted {formatAge(request.created_at)}
      </p>
      {mine && isOpen(request.status) ? (
        <>
          <WaitingNote kind="request" />
          <div className="list-item__actions">
            <CancelButton kind="request" id={request.id} />
          </div>
        </>
      ) : null}
    </article>
  );
}
