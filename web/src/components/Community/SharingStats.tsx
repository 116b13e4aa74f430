import type { CommunityStats } from "../../api/types";
import { formatDecimalPrice } from "../../lib/explanations";
import { formatEnergy, formatPercent, getFormatLocale } from "../../lib/format";
import { formatPeriod } from "../../lib/period";
import { StatGrid, type Stat } from "./StatGrid";

const kwh = (value: number | undefined) => (value === undefined ? undefined : value * 1000);

/** Totals over a period from GET /api/communities/{id}/stats. */
export function SharingStats({ stats }: { stats: CommunityStats }) {
  const id = (name: string) => `stats-${stats.community}-${name}`;
  const items: Stat[] = [
    { label: "Shared", value: formatEnergy(kwh(stats.shared_kwh)), testId: id("shared") },
    {
      label: "Met in community",
      value: formatPercent(stats.self_sufficiency === undefined ? undefined : stats.self_sufficiency * 100),
      testId: id("self"),
    },
    { label: "Savings", value: stats.savings === undefined ? "—" : formatDecimalPrice(stats.savings, { locale: getFormatLocale() ?? "en", currency: stats.currency }), testId: id("savings") },
    {
      label: "CO₂ avoided",
      value: stats.co2_avoided_kg === undefined ? "—" : `${stats.co2_avoided_kg.toFixed(1)} kg`,
      testId: id("co2"),
    },
    { label: "Produced", value: formatEnergy(kwh(stats.produced_kwh)) },
    { label: "Consumed", value: formatEnergy(kwh(stats.consumed_kwh)) },
    { label: "Imported", value: formatEnergy(kwh(stats.imported_kwh)) },
    { label: "Exported", value: formatEnergy(kwh(stats.exported_kwh)) },
  ];
  return (
    <section aria-labelledby={id("heading")}>
      <h3 id={id("heading")} className="subsection-title">
        {stats.community}
        {stats.start && stats.end ? (
          <span className="muted">
            {" "}
            · {formatPeriod(stats.start, stats.end)}
          </span>
        ) : null}
      </h3>
      <StatGrid label={`Sharing statistics for ${stats.community}`} stats={items} />
    </section>
  );
}
