import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { fetchHealth, queryKeys } from "../api/queries";
import type { CommunityStats } from "../api/types";
import { EmptyState } from "../components/Common/EmptyState";
import { ErrorState } from "../components/Common/ErrorState";
import { Loading } from "../components/Common/Loading";
import { HubHealth } from "../components/Community/HubHealth";
import { LiveTotals } from "../components/Community/LiveTotals";
import { SharingStats } from "../components/Community/SharingStats";
import { useCommunities, useCommunityStats } from "../hooks/useCommunities";
import { useSites } from "../hooks/useSites";
import { communityTotals } from "../lib/totals";

function SharingSoFar() {
  const { t } = useTranslation();
  const communities = useCommunities();
  const ids = (communities.data ?? []).map((c) => c.id);
  const stats = useCommunityStats(ids);

  if (communities.isPending || stats.some((s) => s.isPending)) return <Loading what={t("community.statsWhat")} />;
  const failed = communities.isError ? communities : stats.find((s) => s.isError);
  if (failed) return <ErrorState what={t("community.statsWhat")} error={failed.error} onRetry={() => void failed.refetch()} />;
  const found = stats.map((s) => s.data).filter((s): s is CommunityStats => s != null);
  if (found.length === 0) {
    return (
      <EmptyState title={t("community.noStats")}>
        <p>{t("community.noStatsHint")}</p>
      </EmptyState>
    );
  }
  return (
    <div className="stack">
      {found.map((s) => (
        <SharingStats key={s.community} stats={s} />
      ))}
    </div>
  );
}

export function CommunityPage() {
  const { t } = useTranslation();
  const sites = useSites();
  const health = useQuery({ queryKey: queryKeys.health, queryFn: fetchHealth, refetchInterval: 30_000 });

  return (
    <div className="stack">
      <h1 className="page-title">{t("community.title")}</h1>
      {sites.isPending ? (
        <Loading what={t("community.totalsWhat")} />
      ) : sites.isError ? (
        <ErrorState what={t("community.sitesWhat")} error={sites.error} onRetry={() => void sites.refetch()} />
      ) : sites.data.length === 0 ? (
        <EmptyState title={t("community.noSites")} />
      ) : (
        communityTotals(sites.data).map((totals) => <LiveTotals key={totals.community} totals={totals} />)
      )}
      <section aria-labelledby="sharing-heading">
        <h2 id="sharing-heading" className="section-title">
          {t("community.sharingSoFar")}
        </h2>
        <SharingSoFar />
      </section>
      {health.data ? <HubHealth health={health.data} /> : null}
    </div>
  );
}
