import type { EnergyRequest } from "../../api/types";
import { useCurrency } from "../../hooks/useCommunities";
import { formatAge, formatEnergy, formatPrice, formatWindow } from "../../lib/format";
import { StatusBadge } from "../Common/StatusBadge";
import { CancelButton } from "./CancelButton";

export function RequestCard({ request }: { request: EnergyRequest }) {
  const currency = useCurrency(request.community) ?? request.currency;
  const who = request.mine ? `Your site ${request.site ?? ""}`.trim() : (request.site ?? "A neighbour");
  return (
    <article className={`card list-item${request.mine ? " list-item--mine" : ""}`} data-testid={`request-${request.id}`}>
      <div className="list-item__row">
        <span className="list-item__title">{who} needs</span>
        <span className="amount">{formatEnergy(request.amount_wh)}</span>
      </div>
      <div className="list-item__row list-item__meta">
        <span>
          {request.urgency ? <strong className={`urgency urgency--${request.urgency}`}>{request.urgency}</strong> : null}
          {request.urgency ? " · " : null}
          up to {formatPrice(request.max_price_per_kwh, currency)}
        </span>
        <StatusBadge status={request.status} />
      </div>
      <p className="list-item__meta">
        {request.window_start ? `${formatWindow(request.window_start, request.window_end)} · ` : null}
        posted {formatAge(request.created_at)}
      </p>
      {request.mine && request.status === "open" ? (
        <div className="list-item__actions">
          <CancelButton kind="request" id={request.id} />
        </div>
      ) : null}
    </article>
  );
}
