import type { EnergyOffer } from "../../api/types";
import { useCurrency } from "../../hooks/useCommunities";
import { formatAge, formatEnergy, formatPrice, formatWindow } from "../../lib/format";
import { StatusBadge } from "../Common/StatusBadge";
import { CancelButton } from "./CancelButton";

export function OfferCard({ offer }: { offer: EnergyOffer }) {
  const currency = useCurrency(offer.community) ?? offer.currency;
  const who = offer.mine ? `Your site ${offer.site ?? ""}`.trim() : (offer.site ?? "A neighbour");
  return (
    <article className={`card list-item${offer.mine ? " list-item--mine" : ""}`} data-testid={`offer-${offer.id}`}>
      <div className="list-item__row">
        <span className="list-item__title">{who} offers</span>
        <span className="amount">{formatEnergy(offer.amount_wh)}</span>
      </div>
      <div className="list-item__row list-item__meta">
        <span>from {formatPrice(offer.price_per_kwh, currency)}</span>
        <StatusBadge status={offer.status} />
      </div>
      <p className="list-item__meta">
        {offer.window_start ? `${formatWindow(offer.window_start, offer.window_end)} · ` : null}
        posted {formatAge(offer.created_at)}
      </p>
      {offer.mine && offer.status === "open" ? (
        <div className="list-item__actions">
          <CancelButton kind="offer" id={offer.id} />
        </div>
      ) : null}
    </article>
  );
}
