import { useTranslation } from "react-i18next";
import type { CommunityStats } from "../../api/types";
import { formatDecimalPrice } from "../../lib/explanations";
import { formatEnergy, formatPercent, getFormatLocale } from "../../lib/format";
import { formatPeriod } from "../../lib/period";
import { StatGrid, type Stat } from "./StatGrid";

const kwh = (value: number) => value * 1000;

/**
 * Totals over a period from GET /api/communities/{id}/stats. "Shared" is what neighbours delivered
 * (trades and ex-post allocations); "Community coverage" is what the meters netted, traded or not.
 */
export function SharingStats({ stats }: { stats: CommunityStats }) {
  const { t } = useTranslation();
  const id = (name: string) => `stats-${stats.community}-${name}`;
  const items: Stat[] = [
    { label: t("stats.shared"), value: formatEnergy(kwh(stats.shared_kwh)), testId: id("shared") },
    { label: t("stats.coverage"), value: formatEnergy(kwh(stats.community_coverage_kwh)), testId: id("coverage") },
    {
      label: t("stats.self"),
      value: formatPercent(stats.self_sufficiency * 100),
      testId: id("self"),
    },
    { label: t("stats.savings"), value: formatDecimalPrice(stats.savings, { locale: getFormatLocale() ?? "en", currency: stats.currency }), testId: id("savings") },
    {
      label: t("stats.co2"),
      value: `${stats.co2_avoided_kg.toFixed(1)} kg`,
      testId: id("co2"),
    },
    { label: t("stats.produced"), value: formatEnergy(kwh(stats.produced_kwh)) },
    { label: t("stats.consumed"), value: formatEnergy(kwh(stats.consumed_kwh)) },
    { label: t("stats.imported"), value: formatEnergy(kwh(stats.imported_kwh)) },
    { label: t("stats.exported"), value: formatEnergy(kwh(stats.exported_kwh)) },
  ];
  return (
    <section aria-labelledby={id("heading")}>
      <h3 id={id("heading")} className="subsection-title">
        {stats.community}
        <span className="muted">
          {" "}
          · {formatPeriod(stats.start, stats.end)}
        </span>
      </h3>
      <StatGrid label={t("stats.label", { community: stats.community })} stats={items} />
    </section>
  );
}
