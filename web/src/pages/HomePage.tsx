import { useState } from "react";
import { useTranslation } from "react-i18next";
import type { SiteSnapshot } from "../api/types";
import { EmptyState } from "../components/Common/EmptyState";
import { ErrorState } from "../components/Common/ErrorState";
import { Loading } from "../components/Common/Loading";
import { FlowPanel } from "../components/Flow/FlowPanel";
import { SiteEnergyCard } from "../components/History/SiteEnergyCard";
import { SiteList } from "../components/Sites/SiteList";
import { useSites } from "../hooks/useSites";
import { siteKey, sortSites } from "../lib/sites";

/** The site whose flow is shown: the user's pick, else the first own site that has a reading. */
function pickSite(own: SiteSnapshot[], chosen: string | null): SiteSnapshot | undefined {
  return own.find((site) => siteKey(site) === chosen) ?? own.find((site) => site.reading !== null) ?? own[0];
}

export function HomePage() {
  const { t } = useTranslation();
  const sites = useSites();
  const [chosen, setChosen] = useState<string | null>(null);

  if (sites.isPending) return <Loading what={t("home.sitesWhat")} />;
  if (sites.isError) return <ErrorState what={t("home.sitesWhat")} error={sites.error} onRetry={() => void sites.refetch()} />;

  const list = sortSites(sites.data);
  if (list.length === 0) {
    return (
      <EmptyState title={t("home.noSites")}>
        <p>{t("home.noSitesHint")}</p>
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
      <h1 className="visually-hidden">{t("home.title")}</h1>
      <div className="home__flow">
        {selected ? (
          <FlowPanel site={selected} />
        ) : (
          <EmptyState title={t("home.noOwnSite")}>
            <p>{t("home.noOwnSiteHint")}</p>
          </EmptyState>
        )}
      </div>
      <div className="home__sites">
        {own.length > 0 ? (
          <section aria-labelledby="sites-heading">
            <h2 id="sites-heading" className="section-title">
              {neighbours.length > 0 ? t("home.yourSites") : t("home.sites")} <span className="muted">({own.length})</span>
            </h2>
            <SiteList sites={own} label={t("home.yourSites")} selectedKey={selected ? siteKey(selected) : null} onSelect={select} />
          </section>
        ) : null}
        {neighbours.length > 0 ? (
          <section aria-labelledby="neighbours-heading">
            <h2 id="neighbours-heading" className="section-title">
              {t("home.neighbours")} <span className="muted">({neighbours.length})</span>
            </h2>
            <p className="muted note">{t("home.neighboursPrivacy")}</p>
            <SiteList sites={neighbours} label={t("home.neighboursSites")} />
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
