import { useMemo } from "react";
import { useTranslation } from "react-i18next";
import type { EnergyRequest } from "../../api/types";
import { useCurrency } from "../../hooks/useCommunities";
import { useNow } from "../../hooks/useNow";
import { useSites } from "../../hooks/useSites";
import { formatKm, formatKwh } from "../../lib/explanations";
import { formatAge, formatWindow } from "../../lib/format";
import { formatPricePerKwh } from "../../lib/money";
import { isCancellable } from "../../lib/orders";
import { siteNames } from "../../lib/sites";
import { CancelButton } from "./CancelButton";
import { Explanation } from "./Explanation";
import { OrderProgress } from "./OrderProgress";
import { OrderStatus } from "./OrderStatus";
import { QuickOfferButton } from "./QuickOfferButton";

export function RequestCard({ request }: { request: EnergyRequest }) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language;
  const now = useNow();
  const sites = useSites();
  const names = useMemo(() => siteNames(sites.data), [sites.data]);
  const currency = useCurrency(request.community);
  const mine = request.mine;
  const title = mine ? t("market.youNeed") : t("market.needs", { site: request.site ?? t("market.aNeighbour") });
  const urgency = t(`market.urgency.${request.urgency}`, { defaultValue: request.urgency });
  const prefs = [
    request.green_only ? t("market.greenOnly") : null,
    request.max_distance_km != null ? t("market.within", { distance: formatKm(request.max_distance_km, locale) }) : null,
    request.preferred_partners.length > 0
      ? t("market.preferring", { sites: request.preferred_partners.map((id) => names.get(id) ?? id).join(", ") })
      : null,
    request.excluded_partners.length > 0
      ? t("market.excluding", { sites: request.excluded_partners.map((id) => names.get(id) ?? id).join(", ") })
      : null,
    request.distance_km != null ? t("market.away", { distance: formatKm(request.distance_km, locale) }) : null,
    request.standing ? t("market.standingOrder") : null,
  ].filter((x): x is string => x !== null);
  return (
    <article className={`card list-item${mine ? " list-item--mine" : ""}`} data-testid={`request-${request.id}`}>
      <div className="list-item__row">
        <span className="list-item__title">{title}</span>
        <span className="amount">{formatKwh(request.energy_wh, locale)}</span>
      </div>
      <div className="list-item__row list-item__meta">
        <span>
          <strong className={`urgency urgency--${request.urgency}`}>{urgency}</strong>
          {" · "}
          {t("market.upTo", { price: formatPricePerKwh(request.max_price, currency, locale) })}
        </span>
        <OrderStatus status={request.status} />
      </div>
      <p className="list-item__meta">
        {mine && request.site ? `${t("market.forSite", { site: names.get(request.site) ?? request.site })} · ` : null}
        {`${formatWindow(request.window_start, request.window_end)} · `}
        {t("market.posted", { age: formatAge(request.created_at, now) })}
      </p>
      {prefs.length > 0 ? <p className="list-item__meta">{prefs.join(" · ")}</p> : null}
      <OrderProgress filledWh={request.filled_wh} gridWh={request.grid_wh} />
      {request.explanation || (mine && isCancellable(request.status)) ? (
        <Explanation side="request" explanation={request.explanation} currency={currency} />
      ) : null}
      {mine && isCancellable(request.status) ? (
        <div className="list-item__actions">
          <CancelButton kind="request" id={request.id} />
        </div>
      ) : null}
      {mine ? null : <QuickOfferButton request={request} />}
    </article>
  );
}
