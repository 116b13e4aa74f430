import { useState } from "react";
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

const VIEWS = [
  { key: "requests", label: "Requests" },
  { key: "offers", label: "Offers" },
] as const;

export function MarketPage() {
  usePageTitle("Market");
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
      <h1 className="page-title">Market</h1>
      <div className="market__bar">
        <Segmented label="Market" idPrefix="market" options={VIEWS} value={view} onChange={switchView} />
        {ownSites.length > 0 && !composing ? (
          <button type="button" className="button" aria-expanded={composing} onClick={() => setComposing(true)}>
            {view === "requests" ? "New request" : "New offer"}
          </button>
        ) : null}
      </div>
      {composing ? <OrderForm key={kind} kind={kind} sites={ownSites} community={community} onDone={() => setComposing(false)} /> : null}
      <div id={`market-panel-${view}`} role="tabpanel" aria-labelledby={`market-tab-${view}`}>
        {view === "requests" ? (
          <QueryState
            query={requests}
            what="requests"
            empty="No requests yet"
            emptyHint={<p>When a neighbour needs energy, their request shows up here.</p>}
          >
            {(items) => (
              <ul className="list" aria-label="Energy requests">
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
            what="offers"
            empty="No offers yet"
            emptyHint={<p>Surplus solar or battery energy offered by neighbours shows up here.</p>}
          >
            {(items) => (
              <ul className="list" aria-label="Energy offers">
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
