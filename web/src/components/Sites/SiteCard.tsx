import { useTranslation } from "react-i18next";
import type { SiteSnapshot } from "../../api/types";
import { equipmentOf } from "../../lib/equipment";
import { siteTitle } from "../../lib/sites";
import { Age } from "../Common/Age";
import { SiteMetrics } from "./SiteMetrics";

interface Props {
  site: SiteSnapshot;
  selected?: boolean;
  onSelect?: () => void;
}

function onlineKey(online: boolean | null): string {
  if (online === true) return "site.online";
  if (online === false) return "site.offline";
  return "site.unknown";
}

function assetsText(site: SiteSnapshot): string {
  const kinds = [...new Set((site.assets ?? []).map((asset) => asset.kind))];
  return kinds.length > 0 ? kinds.join(" + ") : site.kind;
}

export function SiteCard({ site, selected = false, onSelect }: Props) {
  const { t } = useTranslation();
  const headingId = `site-heading-${site.community}-${site.site}`;
  const title = siteTitle(site);
  const neighbour = site.mine === false;
  return (
    <article
      className={`card site-card${selected ? " site-card--selected" : ""}`}
      data-testid={`site-card-${site.site}`}
      aria-labelledby={headingId}
    >
      <header className="site-card__header">
        <h3 id={headingId} className="site-card__title">
          {onSelect && !neighbour ? (
            <button type="button" className="site-card__select" aria-pressed={selected} onClick={onSelect}>
              {title}
            </button>
          ) : (
            title
          )}
        </h3>
        <span className={`badge badge--${site.online === true ? "ok" : site.online === false ? "off" : "unknown"}`}>
          {t(onlineKey(site.online))}
        </span>
      </header>
      <p className="site-card__meta">
        {title !== site.site ? `${site.site} · ` : null}
        {site.community} · <Age iso={site.last_seen} />
      </p>
      {site.reading ? (
        <SiteMetrics site={site.site} reading={site.reading} equipment={equipmentOf(site)} />
      ) : neighbour ? (
        <p className="site-card__waiting">{assetsText(site) || t("site.private")}</p>
      ) : (
        <p className="site-card__waiting">{t("site.waiting")}</p>
      )}
    </article>
  );
}
