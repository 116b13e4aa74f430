import { useState } from "react";
import type { SiteSnapshot } from "../api/types";
import { EmptyState } from "../components/Common/EmptyState";
import { ErrorState } from "../components/Common/ErrorState";
import { Loading } from "../components/Common/Loading";
import { FlowPanel } from "../components/Flow/FlowPanel";
import { SiteEnergyCard } from "../components/History/SiteEnergyCard";
import { SiteList } from "../components/Sites/SiteList";
import { useSites } from "../hooks/useSites";
import { siteKey, sortSites } from "../lib/sites";
import { usePageTitle } from "../hooks/usePageTitle";

/** The site whose flow is shown: the user's pick, else the first own site that has a reading. */
function pickSite(own: SiteSnapshot[], chosen: string | null): SiteSnapshot | undefined {
  return own.find((site) => siteKey(site) === chosen) ?? own.find((site) => site.reading !== null) ?? own[0];
}

export function HomePage() {
  usePageTitle("Live energy");
  const sites = useSites();
  const [chosen, setChosen] = useState<string | null>(null);

  if (sites.isPending) return <Loading what="sites" />;
  if (sites.isError) return <ErrorState what="sites" error={sites.error} onRetry={() => void sites.refetch()} />;

  const list = sortSites(sites.data);
  if (list.length === 0) {
    return (
      <EmptyState title="No sites yet">
        <p>Sites appear here as soon as their edge agent reports to the hub.</p>
      </EmptyState>
    );
  }
  const own = list.filter((site) => site.mine !== false);
  const neighbours = list.filter((site) => site.mine === false);
  const selected = pickSite(own, chosen);

  const select = (key: string) => {
    setChosen(key);
    document.getElementById("flow-heading")?.scrollIntoView?.({ behavior: "smooth", block: "nearest" });
  };

  return (
    <div className="home">
      <h1 className="visually-hidden">Live energy</h1>
      <div className="home__flow">
        {selected ? (
          <FlowPanel site={selected} />
        ) : (
          <EmptyState title="You have no site of your own yet">
            <p>Once your home's edge agent is connected, its energy flow appears here.</p>
          </EmptyState>
        )}
      </div>
      <div className="home__sites">
        {own.length > 0 ? (
          <section aria-labelledby="sites-heading">
            <h2 id="sites-heading" className="section-title">
              {neighbours.length > 0 ? "Your sites" : "Sites"} <span className="muted">({own.length})</span>
            </h2>
            <SiteList sites={own} label="Your sites" selectedKey={selected ? siteKey(selected) : null} onSelect={select} />
          </section>
        ) : null}
        {neighbours.length > 0 ? (
          <section aria-labelledby="neighbours-heading">
            <h2 id="neighbours-heading" className="section-title">
              Neighbours <span className="muted">({neighbours.length})</span>
            </h2>
            <p className="muted note">Their live values stay private to each owner; you see what they have and whether they're online.</p>
            <SiteList sites={neighbours} label="Neighbours' sites" />
          </section>
        ) : null}
      </div>
      {selected ? (
        <div className="home__energy">
          <SiteEnergyCard site={selected} />
        </div>
      ) : null}
    </div>
  );
}
