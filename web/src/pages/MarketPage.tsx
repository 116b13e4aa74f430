import { useState } from "react";
import { QueryState } from "../components/Common/QueryState";
import { Segmented } from "../components/Common/Segmented";
import { OfferCard } from "../components/Market/OfferCard";
import { RequestCard } from "../components/Market/RequestCard";
import { useOffers, useRequests } from "../hooks/useMarket";
import { usePageTitle } from "../hooks/usePageTitle";

type View = "requests" | "offers";

const VIEWS = [
  { key: "requests", label: "Requests" },
  { key: "offers", label: "Offers" },
] as const;

export function MarketPage() {
  usePageTitle("Market");
  const [view, setView] = useState<View>("requests");
  const requests = useRequests();
  const offers = useOffers();

  return (
    <div>
      <h1 className="page-title">Market</h1>
      <Segmented label="Market" idPrefix="market" options={VIEWS} value={view} onChange={setView} />
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
