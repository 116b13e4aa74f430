import { useLiveFigures } from "../../hooks/useLiveFigures";
import { formatPercent, formatPower } from "../../lib/format";
import type { Totals } from "../../lib/totals";
import { StatGrid } from "./StatGrid";

export function LiveTotals({ totals }: { totals: Totals }) {
  const id = (name: string) => `community-${totals.community}-${name}`;
  // The hub's figure over every site (only totals leave the hub); "—" until its first push.
  const live = useLiveFigures(totals.community);
  const selfSufficiency = live?.self_sufficiency;
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
          ...(totals.windW > 0 ? [{ label: "Wind", value: formatPower(totals.windW), testId: id("wind") }] : []),
          { label: "Consumption", value: formatPower(totals.loadW), testId: id("load") },
          { label: "Shareable now", value: formatPower(totals.shareableW), testId: id("shareable") },
          {
            label: totals.visible < totals.sites ? "Self-sufficiency (all sites)" : "Self-sufficiency",
            value: formatPercent(selfSufficiency === null || selfSufficiency === undefined ? null : selfSufficiency * 100),
            testId: id("self"),
          },
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
