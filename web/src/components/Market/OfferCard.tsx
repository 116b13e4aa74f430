import { useMemo } from "react";
import { useTranslation } from "react-i18next";
import type { EnergyOffer } from "../../api/types";
import { useCurrency } from "../../hooks/useCommunities";
import { useNow } from "../../hooks/useNow";
import { useSites } from "../../hooks/useSites";
import { formatKwh } from "../../lib/explanations";
import { formatAge, formatWindow } from "../../lib/format";
import { formatPricePerKwh } from "../../lib/money";
import { isCancellable } from "../../lib/orders";
import { siteNames } from "../../lib/sites";
import { CancelButton } from "./CancelButton";
import { Explanation } from "./Explanation";
import { OrderProgress } from "./OrderProgress";
import { OrderStatus } from "./OrderStatus";

export function OfferCard({ offer }: { offer: EnergyOffer }) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language;
  const now = useNow();
  const sites = useSites();
  const names = useMemo(() => siteNames(sites.data), [sites.data]);
  const currency = useCurrency(offer.community);
  const mine = offer.mine;
  const title = mine ? t("market.youOffer") : t("market.offers_by", { site: offer.site ?? t("market.aNeighbour") });
  return (
    <article className={`card list-item${mine ? " list-item--mine" : ""}`} data-testid={`offer-${offer.id}`}>
      <div className="list-item__row">
        <span className="list-item__title">{title}</span>
        <span className="amount">{t("market.perInterval", { energy: formatKwh(offer.energy_wh, locale) })}</span>
      </div>
      <div className="list-item__row list-item__meta">
        <span>
          {t(`market.source.${offer.source}`, { defaultValue: offer.source })}
          {" · "}
          {t("market.atLeast", { price: formatPricePerKwh(offer.min_price, currency, locale) })}
        </span>
        <OrderStatus status={offer.status} />
      </div>
      <p className="list-item__meta">
        {mine && offer.site ? `${t("market.fromSite", { site: names.get(offer.site) ?? offer.site })} · ` : null}
        {`${formatWindow(offer.window_start, offer.window_end)} · `}
        {t("market.posted", { age: formatAge(offer.created_at, now) })}
        {offer.standing ? ` · ${t("market.standingOrder")}` : null}
      </p>
      <OrderProgress filledWh={offer.filled_wh} gridWh={offer.grid_wh} />
      {offer.explanation || (mine && isCancellable(offer.status)) ? (
        <Explanation side="offer" explanation={offer.explanation} currency={currency} />
      ) : null}
      {mine && isCancellable(offer.status) ? (
        <div className="list-item__actions">
          <CancelButton kind="offer" id={offer.id} />
        </div>
      ) : null}
    </article>
  );
}
