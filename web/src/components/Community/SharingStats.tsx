import type { CommunityStats } from "../../api/types";
import { formatEnergy, formatPercent } from "../../lib/format";
import { StatGrid, type Stat } from "./StatGrid";

/** Long-run figures from GET /api/stats; only the fields the hub provides are shown. */
export function SharingStats({ stats }: { stats: CommunityStats }) {
  const items: Stat[] = [];
  const energy = (label: string, value: number | undefined) => {
    if (typeof value === "number") items.push({ label, value: formatEnergy(value) });
  };
  energy("Shared", stats.shared_wh);
  energy("Produced", stats.produced_wh);
  energy("Consumed", stats.consumed_wh);
  energy("Imported", stats.imported_wh);
  energy("Exported", stats.exported_wh);
  if (typeof stats.transactions === "number") items.push({ label: "Transactions", value: String(stats.transactions) });
  if (typeof stats.members === "number") items.push({ label: "Members", value: String(stats.members) });
  if (typeof stats.self_sufficiency_pct === "number") {
    items.push({ label: "Self-sufficiency", value: formatPercent(stats.self_sufficiency_pct) });
  }
  if (items.length === 0) return null;
  return <StatGrid label={`Sharing statistics${stats.community ? ` for ${stats.community}` : ""}`} stats={items} />;
}
