import { useState } from "react";
import { useTranslation } from "react-i18next";
import { QueryState } from "../components/Common/QueryState";
import { Segmented } from "../components/Common/Segmented";
import { TransactionCard } from "../components/History/TransactionCard";
import { MarketSummary } from "../components/Market/MarketSummary";
import { OfferCard } from "../components/Market/OfferCard";
import { OrderForm } from "../components/Market/OrderForm";
import { RequestCard } from "../components/Market/RequestCard";
import { StandingOrders } from "../components/Market/StandingOrders";
import { useCommunities } from "../hooks/useCommunities";
import { useMarketOverview, useOfferBook, useRequestBook, useTransactions } from "../hooks/useMarket";
import { useSites } from "../hooks/useSites";
import { orderKindsFor } from "../lib/orders";

type View = "requests" | "offers";

export function MarketPage() {
  const { t } = useTranslation();
  const views = [
    { key: "requests", label: t("market.requests") },
    { key: "offers", label: t("market.offers") },
  ] as const;
  const [view, setView] = useState<View>("requests");
  const [composing, setComposing] = useState(false);
  // Neighbours' orders still in the book plus one's own recent ones; finished neighbours' on request.
  const [finished, setFinished] = useState(false);
  const requests = useRequestBook(finished);
  const offers = useOfferBook(finished);
  const transactions = useTransactions();
  const sites = useSites();
  useCommunities(); // the cards' currency: fetch it with the lists, not after them

  const ownSites = (sites.data ?? []).filter((site) => site.mine === true);
  const community = ownSites[0]?.community;
  const overview = useMarketOverview(community);
  const neighbours = (sites.data ?? []).filter((site) => site.mine !== true && site.community === community);
  const kind = view === "requests" ? "request" : "offer";
  // Sites that may place this view's kind; the form offers every own site, then only what it may do.
  const canPlace = ownSites.some((site) => orderKindsFor(site.kind).includes(kind));

  return (
    <div className="market">
      <h1 className="page-title">{t("market.title")}</h1>
      {overview.data ? <MarketSummary overview={overview.data} /> : null}
      <div className="market__bar">
        <Segmented label={t("market.title")} idPrefix="market" options={views} value={view} onChange={setView} />
        {ownSites.length > 0 && !composing ? (
          <button type="button" className="button" aria-expanded={composing} onClick={() => setComposing(true)}>
            {t("market.newOrder")}
          </button>
        ) : null}
      </div>
      {composing ? (
        <OrderForm
          kind={canPlace ? kind : kind === "request" ? "offer" : "request"}
          sites={ownSites}
          neighbours={neighbours}
          overview={overview.data}
          onDone={() => setComposing(false)}
        />
      ) : null}
      <div id={`market-panel-${view}`} role="tabpanel" aria-labelledby={`market-tab-${view}`}>
        <label className="check market__finished">
          <input type="checkbox" checked={finished} onChange={(event) => setFinished(event.target.checked)} />
          {t("market.showFinished")}
        </label>
        {view === "requests" ? (
          <QueryState query={requests} what={t("market.requestsWhat")} empty={t("market.noRequests")} emptyHint={<p>{t("market.noRequestsHint")}</p>}>
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
          <QueryState query={offers} what={t("market.offersWhat")} empty={t("market.noOffers")} emptyHint={<p>{t("market.noOffersHint")}</p>}>
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
      <section className="market__section" aria-labelledby="market-trades-title">
        <h2 id="market-trades-title" className="section-title">
          {t("market.trades.title")}
        </h2>
        <QueryState query={transactions} what={t("market.trades.what")} empty={t("market.trades.none")}>
          {(items) => (
            <ul className="list" aria-label={t("market.trades.title")}>
              {items.slice(0, 20).map((transaction) => (
                <li key={transaction.id}>
                  <TransactionCard transaction={transaction} />
                </li>
              ))}
            </ul>
          )}
        </QueryState>
      </section>
      {ownSites.length > 0 ? (
        <section className="market__section" aria-labelledby="market-standing-title">
          <h2 id="market-standing-title" className="section-title">
            {t("market.standing.title")}
          </h2>
          <p className="muted">{t("market.standing.intro")}</p>
          {ownSites.map((site) => (
            <StandingOrders key={site.site} site={site} overview={overview.data} />
          ))}
        </section>
      ) : null}
    </div>
  );
}
