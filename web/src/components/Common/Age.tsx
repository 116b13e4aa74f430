import { useNow } from "../../hooks/useNow";
import { formatAge, formatWhen } from "../../lib/format";

/** "12 s ago", kept current; the exact time is in the tooltip and the datetime attribute. */
export function Age({ iso }: { iso: string | null | undefined }) {
  const now = useNow();
  return (
    <time dateTime={iso ?? undefined} title={iso ? formatWhen(iso) : undefined}>
      {formatAge(iso, now)}
    </time>
  );
}
