import type { EnergyRequest } from "../../api/types";
import { formatAge, formatEnergy, formatPrice, formatWindow } from "../../lib/format";
import { StatusBadge } from "../Common/StatusBadge";

export function RequestCard({ request }: { request: EnergyRequest }) {
  return (
    <article className="card list-item" data-testid={`request-${request.id}`}>
      <div className="list-item__row">
        <span className="list-item__title">{request.site ?? "Someone"} needs</span>
        <span className="amount">{formatEnergy(request.amount_wh)}</span>
      </div>
      <div className="list-item__row list-item__meta">
        <span>
          {request.urgency ? <strong className={`urgency urgency--${request.urgency}`}>{request.urgency}</strong> : null}
          {request.urgency ? " · " : null}
          up to {formatPrice(request.max_price_per_kwh, request.currency)}
        </span>
        <StatusBadge status={request.status} />
      </div>
      <p className="list-item__meta">
        {request.window_start ? `When: ${formatWindow(request.window_start, request.window_end)} · ` : null}
        posted {formatAge(request.created_at)}
      </p>
    </article>
  );
}
