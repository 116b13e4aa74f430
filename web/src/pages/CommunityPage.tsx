import { useQuery } from "@tanstack/react-query";
import { fetchHealth, queryKeys } from "../api/queries";
import type { CommunityStats } from "../api/types";
import { EmptyState } from "../components/Common/EmptyState";
import { ErrorState } from "../components/Common/ErrorState";
import { Loading } from "../components/Common/Loading";
import { HubHealth } from "../components/Community/HubHealth";
import { LiveTotals } from "../components/Community/LiveTotals";
import { SharingStats } from "../components/Community/SharingStats";
import { useCommunities, useCommunityStats } from "../hooks/useCommunities";
import { usePageTitle } from "../hooks/usePageTitle";
import { useSites } from "../hooks/useSites";
import { communityTotals } from "../lib/totals";

function SharingSoFar() {
  const communities = useCommunities();
  const ids = (communities.data ?? []).map((c) => c.id);
  const stats = useCommunityStats(ids);

  if (communities.isPending || stats.some((s) => s.isPending)) return <Loading what="statistics" />;
  const failed = communities.isError ? communities : stats.find((s) => s.isError);
  if (failed) return <ErrorState what="statistics" error={failed.error} onRetry={() => void failed.refetch()} />;
  const found = stats.map((s) => s.data).filter((s): s is CommunityStats => s != null);
  if (found.length === 0) {
    return (
      <EmptyState title="No sharing statistics yet">
        <p>Totals of energy shared between neighbours appear once the first exchanges are recorded.</p>
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
  usePageTitle("Community");
  const sites = useSites();
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
        <SharingSoFar />
      </section>
      {health.data ? <HubHealth health={health.data} /> : null}
    </div>
  );
}
