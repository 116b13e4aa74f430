import type { EnergyOffer } from "../../api/types";
import { formatAge, formatEnergy, formatPrice, formatWindow } from "../../lib/format";
import { StatusBadge } from "../Common/StatusBadge";

export function OfferCard({ offer }: { offer: EnergyOffer }) {
  return (
    <article className="card list-item" data-testid={`offer-${offer.id}`}>
      <div className="list-item__row">
        <span className="list-item__title">{offer.site ?? "A neighbour"} offers</span>
        <span className="amount">{formatEnergy(offer.amount_wh)}</span>
      </div>
      <div className="list-item__row list-item__meta">
        <span>at {formatPrice(offer.price_per_kwh, offer.currency)}</span>
        <StatusBadge status={offer.status} />
      </div>
      <p className="list-item__meta">
        {offer.window_start ? `Available: ${formatWindow(offer.window_start, offer.window_end)} · ` : null}
        posted {formatAge(offer.created_at)}
      </p>
    </article>
  );
}
