import { formatPercent, formatPower } from "../../lib/format";
import type { Totals } from "../../lib/totals";
import { StatGrid } from "./StatGrid";

export function LiveTotals({ totals }: { totals: Totals }) {
  const id = (name: string) => `community-${totals.community}-${name}`;
  return (
    <section aria-labelledby={id("heading")}>
      <h2 id={id("heading")} className="section-title">
        {totals.community} right now{" "}
        <span className="muted">
          ({totals.online}/{totals.sites} sites online)
        </span>
      </h2>
      {totals.visible < totals.sites ? (
        <p className="muted note" data-testid={id("coverage")}>
          Covers the {totals.visible} of {totals.sites} sites whose live values you can see; neighbours' values stay
          private.
        </p>
      ) : null}
      <StatGrid
        label={`Live totals for ${totals.community}`}
        stats={[
          { label: "Solar", value: formatPower(totals.pvW), testId: id("pv") },
          { label: "Consumption", value: formatPower(totals.loadW), testId: id("load") },
          { label: "Shareable now", value: formatPower(totals.shareableW), testId: id("shareable") },
          { label: "Self-sufficiency", value: formatPercent(totals.selfSufficiencyPct), testId: id("self") },
          { label: "Grid import", value: formatPower(totals.importW), testId: id("import") },
          { label: "Grid export", value: formatPower(totals.exportW), testId: id("export") },
          { label: "Avg. battery", value: formatPercent(totals.averageSocPct), testId: id("soc") },
          {
            label: totals.visible < totals.sites ? "Sites counted" : "Sites",
            value: totals.visible < totals.sites ? `${totals.visible} of ${totals.sites}` : String(totals.sites),
            testId: id("sites"),
          },
        ]}
      />
    </section>
  );
}
