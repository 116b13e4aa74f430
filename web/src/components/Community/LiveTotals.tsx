import { useTranslation } from "react-i18next";
import { useLiveFigures } from "../../hooks/useLiveFigures";
import { formatPercent, formatPower } from "../../lib/format";
import type { Totals } from "../../lib/totals";
import { StatGrid } from "./StatGrid";

export function LiveTotals({ totals }: { totals: Totals }) {
  const { t } = useTranslation();
  const id = (name: string) => `community-${totals.community}-${name}`;
  const partial = totals.visible < totals.sites;
  // The hub's figure over every site (only totals leave the hub); "—" until its first push.
  const live = useLiveFigures(totals.community);
  const selfSufficiency = live?.self_sufficiency;
  return (
    <section aria-labelledby={id("heading")}>
      <h2 id={id("heading")} className="section-title">
        {t("community.rightNow", { community: totals.community })}{" "}
        <span className="muted">{t("community.online", { online: totals.online, sites: totals.sites })}</span>
      </h2>
      {totals.visible < totals.sites ? (
        <p className="muted note" data-testid={id("coverage")}>
          {t("community.coverage", { visible: totals.visible, sites: totals.sites })}
        </p>
      ) : null}
      <StatGrid
        label={t("community.liveLabel", { community: totals.community })}
        stats={[
          { label: t("community.solar"), value: formatPower(totals.pvW), testId: id("pv") },
          ...(totals.windW > 0 ? [{ label: t("community.wind"), value: formatPower(totals.windW), testId: id("wind") }] : []),
          { label: t("community.consumption"), value: formatPower(totals.loadW), testId: id("load") },
          { label: t("community.shareable"), value: formatPower(totals.shareableW), testId: id("shareable") },
          {
            label: partial ? t("community.selfSufficiencyAll") : t("community.selfSufficiency"),
            value: formatPercent(selfSufficiency === null || selfSufficiency === undefined ? null : selfSufficiency * 100),
            testId: id("self"),
          },
          { label: t("community.gridImport"), value: formatPower(totals.importW), testId: id("import") },
          { label: t("community.gridExport"), value: formatPower(totals.exportW), testId: id("export") },
          { label: t("community.avgBattery"), value: formatPercent(totals.averageSocPct), testId: id("soc") },
          {
            label: partial ? t("community.sitesCounted") : t("community.sites"),
            value: partial ? t("community.visibleOf", { visible: totals.visible, sites: totals.sites }) : String(totals.sites),
            testId: id("sites"),
          },
        ]}
      />
    </section>
  );
}
