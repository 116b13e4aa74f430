import type { SiteSnapshot } from "../../api/types";
import { equipmentOf } from "../../lib/equipment";
import { Age } from "../Common/Age";
import { FlowDiagram } from "./FlowDiagram";
import { FlowList } from "./FlowList";

export function FlowPanel({ site }: { site: SiteSnapshot }) {
  const equipment = equipmentOf(site);
  return (
    <section className="card flow-panel" aria-labelledby="flow-heading" data-testid={`flow-panel-${site.site}`}>
      <header className="flow-panel__header">
        <h2 id="flow-heading">Energy flow · {site.site}</h2>
        <p className="muted">
          {site.community} · updated <Age iso={site.reading?.ts} />
        </p>
      </header>
      {site.reading ? (
        <>
          <FlowDiagram reading={site.reading} title={`Energy flow at ${site.site}`} equipment={equipment} />
          <FlowList reading={site.reading} equipment={equipment} />
        </>
      ) : (
        <p className="muted">No reading from this site yet.</p>
      )}
    </section>
  );
}
