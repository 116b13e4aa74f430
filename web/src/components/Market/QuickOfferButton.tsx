/** A provider's one tap on a neighbour's request: offer what it still lacks (lib/quickOffer.ts). */
import { useState } from "react";
import { useTranslation } from "react-i18next";
import type { EnergyRequest } from "../../api/types";
import { useErrorText } from "../../hooks/useErrorText";
import { useHubClock } from "../../hooks/useHubClock";
import { useMarketOverview } from "../../hooks/useMarket";
import { useCreateOrder } from "../../hooks/useOrders";
import { useSites } from "../../hooks/useSites";
import { formatKwh } from "../../lib/explanations";
import { quickOffer } from "../../lib/quickOffer";
import { siteTitle } from "../../lib/sites";

export function QuickOfferButton({ request }: { request: EnergyRequest }) {
  const { t, i18n } = useTranslation();
  const sites = useSites();
  const clock = useHubClock();
  const overview = useMarketOverview(request.community);
  const create = useCreateOrder();
  const [sent, setSent] = useState(false);
  const refusal = useErrorText(create.error);
  const own = (sites.data ?? []).filter((s) => s.mine === true);
  const quick = quickOffer(request, own, clock.now(), overview.data?.feed_in_price);
  if (sent) return <p className="muted note" role="status">{t("market.quick.sent")}</p>;
  if (!quick.ok) {
    // A consumer has nothing to offer, and mine/closed/covered requests want nothing: only a
    // provider facing a request it cannot answer is told why.
    return quick.reason === "over" && own.some((s) => s.kind !== "consumer") ? (
      <p className="muted note">{t("market.quick.over")}</p>
    ) : null;
  }
  const energy = formatKwh(quick.energyWh, i18n.language);
  return (
    <div className="list-item__actions">
      <button
        type="button"
        className="button button--small"
        disabled={create.isPending}
        aria-describedby={create.error ? `quick-offer-${request.id}-error` : undefined}
        onClick={() => create.mutate(quick.draft, { onSuccess: () => setSent(true) })}
      >
        {create.isPending ? t("market.quick.pending") : t("market.quick.offer", { energy })}
      </button>
      <span className="muted note">{t("market.quick.from", { site: siteTitle(quick.site) })}</span>
      {create.error ? (
        <p id={`quick-offer-${request.id}-error`} className="field__error" role="alert">
          {refusal.message}
        </p>
      ) : null}
    </div>
  );
}
