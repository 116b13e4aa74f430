import { useState } from "react";
import { useTranslation } from "react-i18next";
import { QueryState } from "../components/Common/QueryState";
import { Segmented } from "../components/Common/Segmented";
import { OfferCard } from "../components/Market/OfferCard";
import { OrderForm } from "../components/Market/OrderForm";
import { RequestCard } from "../components/Market/RequestCard";
import { useCommunities } from "../hooks/useCommunities";
import { useOffers, useRequests } from "../hooks/useMarket";
import { usePageTitle } from "../hooks/usePageTitle";
import { useSites } from "../hooks/useSites";

type View = "requests" | "offers";

export function MarketPage() {
  const { t } = useTranslation();
  usePageTitle(t("market.title"));
  const views = [
    { key: "requests", label: t("market.requests") },
    { key: "offers", label: t("market.offers") },
  ] as const;
  const [view, setView] = useState<View>("requests");
  const [composing, setComposing] = useState(false);
  const requests = useRequests();
  const offers = useOffers();
  const sites = useSites();
  const communities = useCommunities();

  const ownSites = (sites.data ?? []).filter((site) => site.mine === true);
  const community = (communities.data ?? []).find((c) => c.id === ownSites[0]?.community);
  const kind = view === "requests" ? "request" : "offer";
  const switchView = (next: View) => {
    setView(next);
    setComposing(false);
  };

  return (
    <div>
      <h1 className="page-title">{t("market.title")}</h1>
      <div className="market__bar">
        <Segmented label={t("market.title")} idPrefix="market" options={views} value={view} onChange={switchView} />
        {ownSites.length > 0 && !composing ? (
          <button type="button" className="button" aria-expanded={composing} onClick={() => setComposing(true)}>
            {view === "requests" ? t("market.newRequest") : t("market.newOffer")}
          </button>
        ) : null}
      </div>
      {composing ? <OrderForm key={kind} kind={kind} sites={ownSites} community={community} onDone={() => setComposing(false)} /> : null}
      <div id={`market-panel-${view}`} role="tabpanel" aria-labelledby={`market-tab-${view}`}>
        {view === "requests" ? (
          <QueryState
            query={requests}
            what={t("market.requestsWhat")}
            empty={t("market.noRequests")}
            emptyHint={<p>{t("market.noRequestsHint")}</p>}
          >
            {(items) => (
              <ul className="list" aria-label={t("market.requestList")}>
                {items.map((request) => (
                  <li key={request.id}>
                    <RequestCard request={request} />
                  </li>
                ))}
              </ul>
            )}
          </QueryState>
        ) : (
          <QueryState
            query={offers}
            what={t("market.offersWhat")}
            empty={t("market.noOffers")}
            emptyHint={<p>{t("market.noOffersHint")}</p>}
          >
            {(items) => (
              <ul className="list" aria-label={t("market.offerList")}>
                {items.map((offer) => (
                  <li key={offer.id}>
                    <OfferCard offer={offer} />
                  </li>
                ))}
              </ul>
            )}
          </QueryState>
        )}
      </div>
    </div>
  );
}
