import { useTranslation } from "react-i18next";
import type { SiteSnapshot } from "../../api/types";
import { equipmentOf } from "../../lib/equipment";
import { Age } from "../Common/Age";
import { FlowDiagram } from "./FlowDiagram";
import { FlowList } from "./FlowList";

export function FlowPanel({ site }: { site: SiteSnapshot }) {
  const { t } = useTranslation();
  const equipment = equipmentOf(site);
  return (
    <section className="card flow-panel" aria-labelledby="flow-heading" data-testid={`flow-panel-${site.site}`}>
      <header className="flow-panel__header">
        <h2 id="flow-heading">{t("flow.title", { site: site.site })}</h2>
        <p className="muted">
          {t("flow.updated", { community: site.community })} <Age iso={site.reading?.ts} />
        </p>
      </header>
      {site.reading ? (
        <>
          <FlowDiagram reading={site.reading} title={t("flow.diagram", { site: site.site })} equipment={equipment} />
          <FlowList reading={site.reading} equipment={equipment} />
        </>
      ) : (
        <p className="muted">{t("flow.noReading")}</p>
      )}
    </section>
  );
}
