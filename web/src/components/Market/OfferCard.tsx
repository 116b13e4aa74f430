import { useTranslation } from "react-i18next";
import type { EnergyOffer } from "../../api/types";
import { useCurrency } from "../../hooks/useCommunities";
import { useNow } from "../../hooks/useNow";
import { formatAge, formatEnergy, formatPrice, formatWindow } from "../../lib/format";
import { isOpen } from "../../lib/orders";
import { CancelButton } from "./CancelButton";
import { Explanation } from "./Explanation";
import { OrderStatus } from "./OrderStatus";

export function OfferCard({ offer }: { offer: EnergyOffer }) {
  const { t } = useTranslation();
  const now = useNow();
  const currency = useCurrency(offer.community) ?? offer.currency;
  const mine = offer.mine === true;
  const open = isOpen(offer.status);
  const title = mine ? t("market.youOffer") : t("market.offers_by", { site: offer.site ?? t("market.aNeighbour") });
  return (
    <article className={`card list-item${mine ? " list-item--mine" : ""}`} data-testid={`offer-${offer.id}`}>
      <div className="list-item__row">
        <span className="list-item__title">{title}</span>
        <span className="amount">{formatEnergy(offer.amount_wh)}</span>
      </div>
      <div className="list-item__row list-item__meta">
        <span>{t("market.atLeast", { price: formatPrice(offer.price_per_kwh, currency) })}</span>
        <OrderStatus status={offer.status} />
      </div>
      <p className="list-item__meta">
        {mine && offer.site ? `${t("market.fromSite", { site: offer.site })} · ` : null}
        {offer.window_start ? `${formatWindow(offer.window_start, offer.window_end)} · ` : null}
        {t("market.posted", { age: formatAge(offer.created_at, now) })}
      </p>
      {offer.explanation || (mine && open) ? <Explanation side="offer" explanation={offer.explanation} currency={currency} /> : null}
      {mine && open ? (
        <div className="list-item__actions">
          <CancelButton kind="offer" id={offer.id} />
        </div>
      ) : null}
    </article>
  );
}
