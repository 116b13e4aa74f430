import { useQuery } from "@tanstack/react-query";
import { endpoints, fetchHealth, fetchOptional, queryKeys } from "../api/queries";
import type { CommunityStats } from "../api/types";
import { EmptyState } from "../components/Common/EmptyState";
import { ErrorState } from "../components/Common/ErrorState";
import { Loading } from "../components/Common/Loading";
import { HubHealth } from "../components/Community/HubHealth";
import { LiveTotals } from "../components/Community/LiveTotals";
import { SharingStats } from "../components/Community/SharingStats";
import { useSites } from "../hooks/useSites";
import { communityTotals } from "../lib/totals";
import { usePageTitle } from "../hooks/usePageTitle";

function useStats() {
  return useQuery({
    queryKey: queryKeys.stats,
    queryFn: fetchOptional<CommunityStats | CommunityStats[]>(endpoints.stats),
    select: (data): CommunityStats[] => (data === null ? [] : Array.isArray(data) ? data : [data]),
  });
}

export function CommunityPage() {
  usePageTitle("Community");
  const sites = useSites();
  const stats = useStats();
  const health = useQuery({ queryKey: queryKeys.health, queryFn: fetchHealth, refetchInterval: 30_000 });

  return (
    <div className="stack">
      <h1 className="page-title">Community</h1>
      {sites.isPending ? (
        <Loading what="community totals" />
      ) : sites.isError ? (
        <ErrorState what="sites" error={sites.error} onRetry={() => void sites.refetch()} />
      ) : sites.data.length === 0 ? (
        <EmptyState title="No sites yet" />
      ) : (
        communityTotals(sites.data).map((totals) => <LiveTotals key={totals.community} totals={totals} />)
      )}
      <section aria-labelledby="sharing-heading">
        <h2 id="sharing-heading" className="section-title">
          Sharing so far
        </h2>
        {stats.isPending ? (
          <Loading what="statistics" />
        ) : stats.isError ? (
          <ErrorState what="statistics" error={stats.error} onRetry={() => void stats.refetch()} />
        ) : stats.data.length === 0 ? (
          <EmptyState title="No sharing statistics yet">
            <p>Totals of energy shared between neighbours appear once the first exchanges are recorded.</p>
          </EmptyState>
        ) : (
          stats.data.map((s, i) => <SharingStats key={s.community ?? i} stats={s} />)
        )}
      </section>
      {health.data ? <HubHealth health={health.data} /> : null}
    </div>
  );
}
