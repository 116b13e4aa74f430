import type { EnergyOffer } from "../../api/types";
import { useCurrency } from "../../hooks/useCommunities";
import { formatAge, formatEnergy, formatPrice, formatWindow } from "../../lib/format";
import { isOpen } from "../../lib/orders";
import { CancelButton } from "./CancelButton";
import { OrderStatus } from "./OrderStatus";
import { WaitingNote } from "./WaitingNote";

export function OfferCard({ offer }: { offer: EnergyOffer }) {
  const currency = useCurrency(offer.community) ?? offer.currency;
  const mine = offer.mine === true;
  const title = mine ? "You offer" : `${offer.site ?? "A neighbour"} offers`;
  return (
    <article className={`card list-item${mine ? " list-item--mine" : ""}`} data-testid={`offer-${offer.id}`}>
      <div className="list-item__row">
        <span className="list-item__title">{title}</span>
        <span className="amount">{formatEnergy(offer.amount_wh)}</span>
      </div>
      <div className="list-item__row list-item__meta">
        <span>at least {formatPrice(offer.price_per_kwh, currency)}</span>
        <OrderStatus status={offer.status} />
      </div>
      <p className="list-item__meta">
        {mine && offer.site ? `from ${offer.site} · ` : null}
        {offer.window_start ? `${formatWindow(offer.window_start, offer.window_end)} · ` : null}
        posted {formatAge(offer.created_at)}
      </p>
      {mine && isOpen(offer.status) ? (
        <>
          <WaitingNote kind="offer" />
          <div className="list-item__actions">
            <CancelButton kind="offer" id={offer.id} />
          </div>
        </>
      ) : null}
    </article>
  );
}
